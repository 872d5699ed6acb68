#include "studies/runner/context.hpp"

#include "solvers/context_hook.hpp"
#include "solvers/cusolver/loader.hpp"
#include "solvers/plugin/loader.hpp"
#include "solvers/eigen/build_info.hpp"
#include "solvers/shell.hpp"

#include <armadillo>
#include <boost/version.hpp>
#include <cblas.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

extern "C" void ilaver_(int* major, int* minor, int* patch);

namespace condbench {
namespace {


std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

std::string gpu_model() {
  std::string s = capture_output("nvidia-smi --query-gpu=name,driver_version --format=csv,noheader");
  return s.empty() ? "none detected" : s;
}

}  // namespace

int blas_threads() { return openblas_get_num_threads(); }
void set_blas_threads(int n) { openblas_set_num_threads(n); }

std::string now_iso8601() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(
                                                  std::chrono::system_clock::now())));
}

std::string condbench_version() { return CONDBENCH_VERSION; }


nlohmann::ordered_json run_context() {
  nlohmann::ordered_json c;
  std::string src = CONDBENCH_SOURCE_DIR;
  std::string commit = capture_output("git -C '" + src + "' rev-parse HEAD");
  c["condbench_version"] = CONDBENCH_VERSION;
  c["git_commit"] = commit.empty() ? "unknown (not a git checkout)" : commit;
  if (commit.empty())
    c["git_dirty"] = nullptr;
  else
    c["git_dirty"] = !capture_output("git -C '" + src + "' status --porcelain --untracked-files=no").empty();
  c["build_type"] = CONDBENCH_BUILD_TYPE;
  c["compiler"] = CONDBENCH_CXX_COMPILER;
  // The library actually loaded, not the header compiled against: users switch
  // BLAS with update-alternatives.
  std::string config = openblas_get_config();
  std::string version = config.rfind("OpenBLAS ", 0) == 0 ? config.substr(9, config.find(' ', 9) - 9) : "unknown";
  c["blas"] = "OpenBLAS";
  c["blas_version"] = version;
  c["blas_config"] = config;
  int maj = 0, min = 0, pat = 0;
  ilaver_(&maj, &min, &pat);
  c["lapack_version"] = fmt::format("{}.{}.{}", maj, min, pat);
  c["armadillo_version"] = arma::arma_version::as_string();
  c["eigen_version"] = eigen::version();
  c["eigen_simd"] = eigen::simd();  // eigen.* solvers: compiled in, no run-time dispatch
  c["boost_version"] = fmt::format("{}.{}.{}", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100);
  c["blas_threads"] = openblas_get_num_threads();
  c["hardware_threads"] = std::thread::hardware_concurrency();
  c["cpu"] = cpu_model();
  c["gpu"] = gpu_model();
  std::string why = cusolver::unavailable_reason();  // loads the GPU module, if there is one
  c["cusolver"] = why.empty() ? "available" : why;
  c["gpu_module"] = cusolver::module_context();
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  c["host"] = host;
  c["plugins"] = plugin::loaded_plugins_json();  // path, ABI, version, sha256, solvers of each
  for (auto& [key, value] : contributed_context()) c[key] = std::move(value);  // workers, plugins, ...
  return c;
}

}  // namespace condbench
