// The contract between the condbench executable and its GPU module
// (libcondbench_cusolver.so, the only part of condbench that links CUDA).
//
// The executable dlopens the module the first time a cusolver.* solver is asked
// whether it can run or to solve, and resolves one extern "C" entry point. Both are
// built by the same build with the same compiler and standard library, so C++ objects
// (Solver, SolveOutcome, std::string) cross the boundary; the ABI number and the ABI
// tag are checked first, before anything else in ModuleApi is touched, so that a
// module left over from another build is refused with a reason instead of crashing.
#pragma once

#include "solvers/solver.hpp"

#include <string>
#include <vector>

namespace condbench::cusolver {

// Bump whenever ModuleApi changes.
inline constexpr int kModuleAbi = 1;
inline constexpr const char* kEntryPoint = "condbench_cusolver_module_v1";
inline constexpr const char* kModuleFile = "libcondbench_cusolver.so";

struct ModuleApi {
  // Read first, and compared with the executable's own:
  int abi;              // kModuleAbi
  const char* abi_tag;  // abi_tag() as the module was compiled
  // Used only when both match:
  const char* built_with;                   // "CUDA 13.0.88": the toolkit the module was compiled against
  std::string (*device_reason)();           // "" when a CUDA device is usable, else why not
  std::string (*versions)();                // runtime, driver and cuSOLVER versions, the device's name
  std::vector<const Solver*> (*solvers)();  // the real solvers, owned by the module for the whole process
};

// CMake passes the SHA-256 of solver.hpp and this file (and reconfigures when they
// change) to every target that includes this header: a changed virtual function or
// member of a crossing type changes the tag even where no size changes.
#ifndef CONDBENCH_INTERFACE_HASH
#error "CONDBENCH_INTERFACE_HASH must be defined (CMake: condbench_module_interface)"
#endif

// What must be equal on both sides for C++ objects to cross: the interface sources,
// the compiler, the C++ standard library and its string ABI, the header-only
// libraries in the crossing types, and the sizes of those types.
inline std::string abi_tag() {
  return std::string("abi ") + std::to_string(kModuleAbi) + "; interface " + CONDBENCH_INTERFACE_HASH + "; g++ " + __VERSION__ + "; libstdc++ " +
         std::to_string(__GLIBCXX__) + " cxx11abi " + std::to_string(_GLIBCXX_USE_CXX11_ABI) + "; armadillo " +
         std::to_string(ARMA_VERSION_MAJOR) + "." + std::to_string(ARMA_VERSION_MINOR) + "; nlohmann_json " +
         std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." + std::to_string(NLOHMANN_JSON_VERSION_MINOR) +
         "; sizes " + std::to_string(sizeof(SolverInfo)) + "/" + std::to_string(sizeof(SolverFacts)) + "/" +
         std::to_string(sizeof(SolveOutcome<double>)) + "/" + std::to_string(sizeof(SolveInput<double>)) + "/" +
         std::to_string(sizeof(ModuleApi));
}

}  // namespace condbench::cusolver

// The module's one exported symbol (named by kEntryPoint).
extern "C" const condbench::cusolver::ModuleApi* condbench_cusolver_module_v1();
