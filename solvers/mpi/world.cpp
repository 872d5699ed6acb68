#include "solvers/mpi/world.hpp"

#include "solvers/module_search.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <vector>

// Set by CMake for this file (cmake/mpi_module.cmake).
#ifndef CONDBENCH_MPI_BUILT
#error "CMake defines CONDBENCH_MPI_BUILT, _NOT_BUILT_WHY, _INSTALL_DIR, _INSTALL_REL and CONDBENCH_MPI_API_HASH"
#endif

namespace condbench::mpi {
namespace fs = std::filesystem;

namespace {

constexpr const char* kEnvVar = "CONDBENCH_MPI_MODULE";

struct State {
  const MpiApi* api = nullptr;  // set once MPI is initialised
  std::string path;
  int rank = 0, size = 1;
  bool collective_pass = false;
  bool dirty = false;  // a conversation between ranks was left by an exception
};

State& state() {
  static State s;
  return s;
}

int env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return -1;
  char* end = nullptr;
  long x = std::strtol(v, &end, 10);
  return *end == '\0' && x >= 0 && x < (1 << 30) ? static_cast<int>(x) : -1;
}

// CONDBENCH_MPI_MODULE alone when set; else the search path of every module (module_search.hpp).
std::vector<std::string> candidates() {
  return module_search_path(kModuleFile, std::getenv(kEnvVar), executable_dir(), CONDBENCH_MPI_INSTALL_REL,
                            CONDBENCH_MPI_INSTALL_DIR);
}

// The module's API, or the reason it cannot serve. Never closed: MPI stays mapped.
const MpiApi* load(std::string& path, std::string& why) {
  if (!CONDBENCH_MPI_BUILT && !std::getenv(kEnvVar)) {
    why = std::string("this condbench has no MPI module (not compiled: ") + CONDBENCH_MPI_NOT_BUILT_WHY + ")";
    return nullptr;
  }
  const std::vector<std::string> search = candidates();
  for (const std::string& c : search) {
    std::error_code ec;
    if (fs::exists(c, ec)) {
      path = c;
      break;
    }
  }
  if (path.empty()) {
    why = "the MPI module was not found: searched ";
    for (std::size_t i = 0; i < search.size(); ++i) why += (i ? ", " : "") + search[i];
    return nullptr;
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    why = std::string("the MPI module failed to load: ") + dlerror();
    return nullptr;
  }
  auto entry = reinterpret_cast<const MpiApi* (*)()>(dlsym(handle, kEntryPoint));
  const MpiApi* api = entry ? entry() : nullptr;
  if (!api) {
    why = path + " has no entry point " + kEntryPoint;
    return nullptr;
  }
  if (api->abi != kModuleAbi) {
    why = fmt::format("{} has ABI {}, this condbench needs ABI {}", path, api->abi, kModuleAbi);
    return nullptr;
  }
  if (!api->abi_tag || abi_tag() != api->abi_tag) {
    why = fmt::format("{} comes from another build (module: {}; condbench: {}); rebuild both", path,
                      api->abi_tag ? api->abi_tag : "null", abi_tag());
    return nullptr;
  }
  return api;
}

}  // namespace

Launch launch_from_env() {
  Launch l;
  // Open MPI's mpirun; MPICH's hydra and Slurm's PMI; PMIx (srun --mpi=pmix, Open MPI 5).
  for (auto [size_var, rank_var] : {std::pair{"OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"},
                                    std::pair{"PMI_SIZE", "PMI_RANK"}, std::pair{"", "PMIX_RANK"}}) {
    const int size = *size_var ? env_int(size_var) : -1;
    const int rank = env_int(rank_var);
    if (size < 0 && rank < 0) continue;
    l.launched = true;
    l.size = size;
    l.rank = rank;
    l.evidence = size >= 0 ? fmt::format("{}={}", size_var, size) : fmt::format("{}={}", rank_var, rank);
    break;
  }
  return l;
}

bool active() { return state().api != nullptr; }
int rank() { return state().rank; }
int size() { return state().size; }
const MpiApi& api() { return *state().api; }
std::string module_path() { return state().path; }
bool module_compiled() { return CONDBENCH_MPI_BUILT; }

std::string module_summary() {
  if (!CONDBENCH_MPI_BUILT && !std::getenv(kEnvVar))
    return "MPI module (Open MPI, ScaLAPACK): not compiled in this build";
  const std::vector<std::string> search = candidates();
  for (const std::string& c : search) {
    std::error_code ec;
    if (fs::exists(c, ec)) return "MPI module (Open MPI, ScaLAPACK): loaded under mpirun from " + c;
  }
  std::string list;
  for (const std::string& c : search) list += (list.empty() ? "" : ", ") + c;
  return "MPI module (Open MPI, ScaLAPACK): not found: searched " + list;
}

std::pair<int, int> default_grid(int ranks) {
  int p = static_cast<int>(std::sqrt(static_cast<double>(std::max(1, ranks))));
  while (p > 1 && ranks % p != 0) --p;
  return {p, std::max(1, ranks) / p};
}

std::string grid_unavailable(int P, int Q) {
  if (!active()) {
    if (!module_compiled())
      return std::string("not compiled: ") + CONDBENCH_MPI_NOT_BUILT_WHY;
    return "needs mpirun: grid solvers run only when condbench is started by an MPI launcher "
           "(mpirun -np N condbench run ...; docs/mpi.md)";
  }
  if (P > 0 && P * Q > size())
    return fmt::format("a {}x{} grid needs {} ranks; this run has {} (mpirun -np {})", P, Q, P * Q, size(), P * Q);
  return {};
}

CollectivePass::CollectivePass() { state().collective_pass = true; }
CollectivePass::~CollectivePass() { state().collective_pass = false; }
bool in_collective_pass() { return state().collective_pass; }

Conversation::Conversation() : exceptions_(std::uncaught_exceptions()) {}
Conversation::~Conversation() {
  if (std::uncaught_exceptions() > exceptions_) state().dirty = true;
}

Process::Process() {
  const Launch l = launch_from_env();
  if (!l.launched) return;
  const bool speak = l.rank <= 0;  // one message for the job, not one per rank
  State& s = state();
  std::string why;
  const MpiApi* api = load(s.path, why);
  if (!api) {
    if (speak)
      fmt::print(stderr,
                 "condbench: error: started by an MPI launcher ({}) but {}. Build condbench with Open MPI and "
                 "ScaLAPACK (scripts/setup.sh installs them), set {} to the module's path, or run without mpirun\n",
                 l.evidence, why, kEnvVar);
    ok_ = false;
    return;
  }
  if (!api->init(&why)) {
    if (speak) fmt::print(stderr, "condbench: error: {}\n", why);
    ok_ = false;
    return;
  }
  s.api = api;
  s.rank = api->rank();
  s.size = api->size();
  if (l.size >= 0 && l.size != s.size) {
    // Another MPI's launcher: each process would run the whole study as a job of one.
    if (speak)
      fmt::print(stderr,
                 "condbench: error: the launcher started {} processes ({}) but MPI sees {} in this job: condbench's "
                 "MPI module uses {}; start condbench with that library's mpirun\n",
                 l.size, l.evidence, s.size, api->library_version());
    ok_ = false;
    return;
  }
  if (s.rank != 0) {
    // Rank 0 prints and reports for the job; a rank's own error reaches it as a message.
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) {
      ::dup2(null, STDOUT_FILENO);
      ::dup2(null, STDERR_FILENO);
      ::close(null);
    }
  }
}

Process::~Process() {
  State& s = state();
  if (!s.api) return;
  std::fflush(stdout);
  std::fflush(stderr);
  if (s.dirty)
    s.api->abort(1);
  else
    s.api->finalize();
  s.api = nullptr;
}

}  // namespace condbench::mpi
