#include "studies/runner/study_plugins.hpp"

#include "solvers/plugin/loader.hpp"
#include "studies/runner/input_error.hpp"

#include <filesystem>

namespace condbench {

void load_study_plugins(const std::vector<std::string>& entries, const std::string& base_dir,
                        const std::string& where) {
  namespace fs = std::filesystem;
  for (const std::string& entry : entries) {
    const fs::path given(entry);
    if (plugin::loaded_plugin_by_file_name(given.filename().string())) continue;
    const std::string folder = base_dir.empty() ? "." : base_dir;
    const fs::path p = given.is_relative() ? fs::path(folder) / given : given;
    try {
      plugin::load_plugin(p.lexically_normal().string(), "study " + where);
    } catch (const plugin::PluginError& e) {
      throw InputError(where, std::string("plugins: ") + e.what() +
                                  (given.is_relative() ? " ('" + entry + "' is relative to " + folder + ")" : "") +
                                  "; or give the file with --plugin");
    }
  }
}

}  // namespace condbench
