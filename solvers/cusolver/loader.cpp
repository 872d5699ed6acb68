#include "solvers/cusolver/loader.hpp"

#include "solvers/cusolver/catalogue.hpp"
#include "solvers/cusolver/module_api.hpp"
#include "solvers/module_search.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <cstdio>
#include <cerrno>
#include <unistd.h>
#include <sys/wait.h>
#include <fmt/ranges.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

// Set by CMake for this file: whether the module is built, with which toolkit, and
// where `cmake --install` puts it (absolute, and relative to the installed executable).
#ifndef CONDBENCH_CUSOLVER_BUILT
#error "CMake defines CONDBENCH_CUSOLVER_BUILT, _BUILT_WITH, _NOT_BUILT_WHY, _INSTALL_DIR and _INSTALL_REL"
#endif

namespace condbench::cusolver {
namespace fs = std::filesystem;

namespace {

constexpr const char* kEnvVar = "CONDBENCH_CUSOLVER_MODULE";

std::string exe_dir() { return executable_dir(); }

const char* env_module() {
  const char* v = std::getenv(kEnvVar);
  return v && *v ? v : nullptr;
}

ModuleStatus& failed(ModuleStatus& s, const std::string& why) {
  s.state = ModuleState::load_failed;
  s.reason = "GPU module failed to load: " + why;
  return s;
}

// The module's solvers must be the catalogue's, one for one: a module from another
// checkout would otherwise run under names and kinds it does not implement.
std::string catalogue_mismatch(const std::vector<const Solver*>& solvers) {
  const auto& want = catalogue();
  if (solvers.size() != want.size())
    return fmt::format("it has {} solvers, this condbench lists {}", solvers.size(), want.size());
  for (const SolverInfo& w : want) {
    const Solver* s = nullptr;
    for (const Solver* c : solvers)
      if (c && c->info().name == w.name) s = c;
    if (!s) return fmt::format("it has no {}", w.name);
    const SolverInfo& i = s->info();
    if (i.kinds.bits != w.kinds.bits || i.f32 != w.f32 || i.f64 != w.f64 || i.description != w.description)
      return fmt::format("its {} differs (kinds, precisions or description)", w.name);
  }
  return {};
}

}  // namespace

const char* to_string(ModuleState s) {
  switch (s) {
    case ModuleState::not_compiled: return "not compiled";
    case ModuleState::not_found: return "not found";
    case ModuleState::load_failed: return "failed to load";
    case ModuleState::no_device: return "no usable CUDA device";
    case ModuleState::available: return "available";
  }
  return "?";
}

const Solver* ModuleStatus::find(std::string_view name) const {
  for (const Solver* s : solvers)
    if (s->info().name == name) return s;
  return nullptr;
}

bool module_compiled() { return CONDBENCH_CUSOLVER_BUILT; }
std::string module_built_with() { return CONDBENCH_CUSOLVER_BUILT_WITH; }

std::vector<std::string> module_candidates(const char* env_value, const std::string& exe_dir) {
  return module_search_path(kModuleFile, env_value, exe_dir, CONDBENCH_CUSOLVER_INSTALL_REL,
                            CONDBENCH_CUSOLVER_INSTALL_DIR);
}

// The device probe initialises the CUDA driver, and CUDA does not work in a child forked
// after that -- the executor forks children for --jobs and --isolate. So the probe runs
// in a short-lived child of its own, and this process stays CUDA-free until it solves
// (then it does not fork any more). Returns (versions, "" or why no device is usable).
static std::pair<std::string, std::string> probe_in_child(const ModuleApi& api) {
  int fd[2];
  if (pipe(fd) != 0) return {"", std::string("cannot probe the device: pipe: ") + std::strerror(errno)};
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) return {"", std::string("cannot probe the device: fork: ") + std::strerror(errno)};
  if (pid == 0) {
    ::close(fd[0]);
    std::string out = api.versions();
    out += '\0';
    out += api.device_reason();
    for (std::size_t done = 0; done < out.size();) {
      ssize_t w = ::write(fd[1], out.data() + done, out.size() - done);
      if (w <= 0) break;
      done += static_cast<std::size_t>(w);
    }
    _exit(0);
  }
  ::close(fd[1]);
  std::string text;
  char buf[4096];
  for (ssize_t r; (r = ::read(fd[0], buf, sizeof buf)) != 0;) {
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;
    text.append(buf, static_cast<std::size_t>(r));
  }
  ::close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  const std::size_t nul = text.find('\0');
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || nul == std::string::npos)
    return {"", WIFSIGNALED(status) ? fmt::format("the device probe crashed (signal {})", WTERMSIG(status))
                                    : "the device probe failed"};
  return {text.substr(0, nul), text.substr(nul + 1)};
}

ModuleStatus load_module(const std::vector<std::string>& candidates, bool from_env) {
  ModuleStatus s;
  s.searched = candidates;
  for (const std::string& c : candidates) {
    std::error_code ec;
    if (fs::exists(c, ec)) {
      s.path = c;
      break;
    }
  }
  if (s.path.empty()) {
    s.state = ModuleState::not_found;
    s.reason = fmt::format("GPU module not found: searched {}{}", fmt::join(candidates, ", "),
                           from_env ? fmt::format(" (from {})", kEnvVar) : "");
    return s;
  }
  // Never closed: its solvers live as long as the process, and CUDA libraries do not unload cleanly.
  void* handle = dlopen(s.path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return failed(s, dlerror());
  dlerror();
  void* entry = dlsym(handle, kEntryPoint);
  if (const char* err = dlerror(); err || !entry)
    return failed(s, fmt::format("{} has no entry point {} ({})", s.path, kEntryPoint, err ? err : "null"));
  const ModuleApi* api = reinterpret_cast<const ModuleApi* (*)()>(entry)();
  if (!api) return failed(s, fmt::format("{}: {}() returned null", s.path, kEntryPoint));
  if (api->abi != kModuleAbi)
    return failed(s, fmt::format("{} has ABI {}, this condbench needs ABI {}", s.path, api->abi, kModuleAbi));
  if (!api->abi_tag || abi_tag() != api->abi_tag)
    return failed(s, fmt::format("{} comes from another build (module: {}; condbench: {}); rebuild both", s.path,
                                 api->abi_tag ? api->abi_tag : "null", abi_tag()));
  s.built_with = api->built_with;
  s.solvers = api->solvers();
  if (std::string why = catalogue_mismatch(s.solvers); !why.empty())
    return failed(s, fmt::format("{} does not match this condbench: {}", s.path, why));
  auto [versions, why] = probe_in_child(*api);
  s.versions = versions;
  if (!why.empty()) {
    s.state = ModuleState::no_device;
    s.reason = "no usable CUDA device: " + why;
    return s;
  }
  s.state = ModuleState::available;
  return s;
}

const ModuleStatus& module() {
  static const ModuleStatus status = [] {
    if (const char* env = env_module()) return load_module(module_candidates(env, ""), true);
    if (!module_compiled()) {
      ModuleStatus s;
      s.state = ModuleState::not_compiled;
      s.reason = std::string("not compiled: ") + CONDBENCH_CUSOLVER_NOT_BUILT_WHY;
      return s;
    }
    return load_module(module_candidates(nullptr, exe_dir()));
  }();
  return status;
}

std::string unavailable_reason() { return module().reason; }

std::string module_summary() {
  const char* env = env_module();
  if (!env && !module_compiled())
    return std::string("GPU module (cuSOLVER): not compiled: ") + CONDBENCH_CUSOLVER_NOT_BUILT_WHY;
  const std::vector<std::string> candidates = module_candidates(env, env ? "" : exe_dir());
  std::string found;
  for (const std::string& c : candidates) {
    std::error_code ec;
    if (found.empty() && fs::exists(c, ec)) found = c;
  }
  const std::string built = module_compiled() ? "built with " + module_built_with() : "not compiled in this build";
  const std::string source = env ? fmt::format("; {}={}", kEnvVar, env) : "";
  if (found.empty())
    return fmt::format("GPU module (cuSOLVER): {}{}; not found: searched {}", built, source,
                       fmt::join(candidates, ", "));
  return fmt::format("GPU module (cuSOLVER): {}{}; would be loaded from {} on first use of a cusolver.* solver "
                     "(not loaded by --version)",
                     built, source, found);
}

nlohmann::ordered_json module_context() {
  const ModuleStatus& m = module();
  nlohmann::ordered_json j;
  j["built"] = module_compiled();
  j["built_with"] = module_compiled() ? nlohmann::ordered_json(module_built_with()) : nlohmann::ordered_json();
  j["searched"] = m.searched;
  j["path"] = m.path.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(m.path);
  j["state"] = to_string(m.state);
  j["reason"] = m.reason;
  j["versions"] = m.versions.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(m.versions);
  return j;
}

}  // namespace condbench::cusolver
