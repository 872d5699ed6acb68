#include "reports/common/install_dirs.hpp"

#include "solvers/module_search.hpp"

namespace condbench {
namespace fs = std::filesystem;

fs::path installed_data_dir() {
  fs::path bin = executable_dir();
  if (bin.empty()) return {};
  // CONDBENCH_DATA_FROM_BIN: share/condbench relative to bin/ ("../share/condbench"), from cmake/install.cmake.
  std::error_code ec;
  fs::path dir = (bin / CONDBENCH_DATA_FROM_BIN).lexically_normal();
  return fs::is_directory(dir, ec) ? dir : fs::path();
}

fs::path data_dir(const std::string& installed_sub, const std::string& source_dir, const std::string& source_sub) {
  std::error_code ec;
  if (fs::path inst = installed_data_dir(); !inst.empty() && fs::is_directory(inst / installed_sub, ec))
    return inst / installed_sub;
  return fs::path(source_dir) / source_sub;
}

}  // namespace condbench
