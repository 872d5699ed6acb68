#include "reports/cli/version.hpp"

#include "condbench/plugin.h"
#include "reports/common/install_dirs.hpp"
#include "reports/report/assets.hpp"
#include "solvers/cusolver/loader.hpp"
#include "solvers/mpi/world.hpp"
#include "studies/runner/context.hpp"

#include <fmt/format.h>

namespace condbench::cli {

std::string version_text() {
  std::filesystem::path installed = installed_data_dir();
  return fmt::format("condbench {}\n{}\n{}\nplugin ABI: {}\ndata: {}\nreport assets: {}\nshipped studies: {}",
                     condbench_version(), cusolver::module_summary(), mpi::module_summary(), CONDBENCH_PLUGIN_ABI,
                     installed.empty() ? "source tree " CONDBENCH_SOURCE_DIR " (not installed)"
                                       : installed.string() + " (installed)",
                     report::describe_web_assets(CONDBENCH_SOURCE_DIR),
                     data_dir("studies", CONDBENCH_SOURCE_DIR, "studies").string());
}

}  // namespace condbench::cli
