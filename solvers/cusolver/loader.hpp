// Finding and loading the GPU module (libcondbench_cusolver.so), once per process, on
// first use: `condbench --version` and every CPU-only command start without mapping
// any CUDA library, and condbench runs on a machine that has none (Ginkgo keeps its
// CUDA backend apart the same way). Every cusolver.* solver is listed either way;
// when the module cannot serve, each says exactly why.
#pragma once

#include "solvers/solver.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace condbench::cusolver {

enum class ModuleState {
  not_compiled,  // this build made no module (no CUDA toolkit, or -DCONDBENCH_CUDA=OFF)
  not_found,     // no candidate file exists
  load_failed,   // dlopen, the entry point, the ABI or the solver catalogue failed
  no_device,     // loaded, but no usable CUDA device
  available,
};
const char* to_string(ModuleState s);

struct ModuleStatus {
  ModuleState state = ModuleState::not_found;
  std::vector<std::string> searched;  // candidates in search order
  std::string path;                   // the file opened or tried; empty when none was found
  std::string reason;                 // "" when available, else what every cusolver.* solver says
  std::string built_with;             // the module's "CUDA 13.0.88", once opened
  std::string versions;               // runtime, driver, cuSOLVER, device: once opened
  std::vector<const Solver*> solvers;  // the module's solvers, once opened (they exist without a device)

  const Solver* find(std::string_view name) const;
};

// Whether this build made the module, and with which CUDA toolkit ("CUDA 13.0.88").
bool module_compiled();
std::string module_built_with();

// Where the module is looked for, in order. When CONDBENCH_CUSOLVER_MODULE is set
// (env_value non-null and non-empty), that file alone. Else beside the executable,
// lib/ beside it (the build tree's condbench), ../lib from it (the build tree's tests
// and benchmarks), the install layout relative to it (bin/../lib/condbench), and the
// install directory configured at build time. Duplicates are dropped.
std::vector<std::string> module_candidates(const char* env_value, const std::string& exe_dir);

// Opens the first candidate that exists and checks it: entry point, ABI number, ABI
// tag, the solver catalogue, then whether a CUDA device is usable. `from_env` only
// words the reason ("from CONDBENCH_CUSOLVER_MODULE").
ModuleStatus load_module(const std::vector<std::string>& candidates, bool from_env = false);

// This process's module: searched and loaded on the first call (thread-safe), never unloaded.
const ModuleStatus& module();

// "" when cusolver.* solvers can run here, else why not. Loads the module.
std::string unavailable_reason();

// One line for `condbench --version`: whether the module was built and where it would
// be loaded from. Does not load it.
std::string module_summary();

// The GPU module's entry of run.json's context. Loads the module.
nlohmann::ordered_json module_context();

}  // namespace condbench::cusolver
