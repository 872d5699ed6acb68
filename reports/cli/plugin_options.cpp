#include "reports/cli/plugin_options.hpp"

#include "solvers/plugin/loader.hpp"
#include "studies/runner/input_error.hpp"

#include <cstdlib>
#include <sstream>

namespace condbench::cli {
namespace {

void load_all(const std::string& path, const std::string& loaded_by) {
  try {
    for (const std::string& f : plugin::plugin_files(path)) plugin::load_plugin(f, loaded_by);
  } catch (const plugin::PluginError& e) {
    throw InputError(e.file(), "plugin (" + loaded_by + "): " + e.reason());
  }
}

}  // namespace

void add_plugin_option(CLI::App* sub, std::vector<std::string>& paths) {
  sub->add_option("--plugin", paths,
                  "load the solvers of a plugin file (or of every *.so in a folder); repeatable; also "
                  "$CONDBENCH_PLUGIN_PATH (colon-separated)");
}

void load_plugins(const std::vector<std::string>& cli_paths) {
  if (const char* env = std::getenv("CONDBENCH_PLUGIN_PATH")) {
    std::stringstream ss(env);
    std::string entry;
    while (std::getline(ss, entry, ':'))
      if (!entry.empty()) load_all(entry, "CONDBENCH_PLUGIN_PATH");
  }
  for (const std::string& p : cli_paths) load_all(p, "--plugin");
}

}  // namespace condbench::cli
