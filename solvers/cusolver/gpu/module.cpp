// The GPU module's entry point: the one symbol the executable resolves.
#include "solvers/cusolver/gpu/base.hpp"
#include "solvers/cusolver/module_api.hpp"

#ifndef CONDBENCH_CUDA_VERSION
#error "CMake defines CONDBENCH_CUDA_VERSION for the module"
#endif

namespace condbench::cusolver {

std::vector<std::unique_ptr<Solver>>& module_solvers() {
  static std::vector<std::unique_ptr<Solver>> v;
  return v;
}

WarmupLedger& warmups() {
  static WarmupLedger ledger;
  return ledger;
}

std::mutex& gpu_mutex() {
  static std::mutex mu;
  return mu;
}

namespace {

std::vector<const Solver*> solvers() {
  std::vector<const Solver*> v;
  for (const auto& s : module_solvers()) v.push_back(s.get());
  return v;
}

}  // namespace
}  // namespace condbench::cusolver

extern "C" __attribute__((visibility("default"))) const condbench::cusolver::ModuleApi* condbench_cusolver_module_v1() {
  using namespace condbench::cusolver;
  static const std::string tag = abi_tag();
  static const ModuleApi api{kModuleAbi, tag.c_str(), "CUDA " CONDBENCH_CUDA_VERSION, &device_reason, &versions,
                             &solvers};
  return &api;
}
