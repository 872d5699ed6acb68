#include "solvers/module_search.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace condbench {
namespace fs = std::filesystem;

std::string executable_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

std::vector<std::string> module_search_path(const std::string& file, const char* env_value,
                                            const std::string& exe_dir, const std::string& install_rel,
                                            const std::string& install_dir) {
  if (env_value && *env_value) return {env_value};
  std::vector<fs::path> dirs;
  if (!exe_dir.empty()) {
    const fs::path d(exe_dir);
    dirs = {d, d / "lib", d / ".." / "lib", d / install_rel};
  }
  dirs.emplace_back(install_dir);
  std::vector<std::string> out;
  for (const fs::path& d : dirs) {
    const std::string p = (d / file).lexically_normal().string();
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

}  // namespace condbench
