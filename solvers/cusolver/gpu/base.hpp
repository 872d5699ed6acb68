// Base of every real cusolver.* solver in the GPU module: its catalogue entry, the
// device check, the warm-up, one GPU solve at a time, and CUDA failures as failed rows.
#pragma once

#include "solvers/cusolver/catalogue.hpp"
#include "solvers/cusolver/gpu/device.hpp"
#include "solvers/cusolver/gpu/rules.hpp"

#include <memory>
#include <mutex>
#include <vector>

namespace condbench::cusolver {

// The module's own list of solvers (the executable's registry is not in the module).
std::vector<std::unique_ptr<Solver>>& module_solvers();
// First calls per (solver, precision, size class), for the warm-up.
WarmupLedger& warmups();
// One handle and one stream: GPU solves run one at a time, whichever thread asks.
std::mutex& gpu_mutex();

template <class Derived>
class CusolverSolver : public SolverT<Derived> {
 public:
  const SolverInfo& info() const override { return catalogue_info(Derived::kName); }
  std::string unavailable_reason() const override { return device_reason(); }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    if (std::string why = unavailable_reason(); !why.empty()) return SolveOutcome<T>::failure(why);
    const Derived& self = static_cast<const Derived&>(*this);
    std::lock_guard lock(gpu_mutex());
    try {
      if (warmups().first_use(Derived::kName, precision_of<T>(), in.A.n_rows, in.A.n_cols)) self.warm_up(in);
      return self.device_run(in);
    } catch (const CudaFailure& e) {
      return SolveOutcome<T>::failure(e.what());
    }
  }

  // The untimed first call: the same call on the same problem, its result dropped. A
  // failure here is left for the timed call to report as its own.
  template <class T>
  void warm_up(const SolveInput<T>& in) const {
    try {
      (void)static_cast<const Derived&>(*this).device_run(in);
    } catch (const CudaFailure&) {
    }
  }
};

namespace detail {
template <class S>
struct ModuleRegistrar {
  ModuleRegistrar() { module_solvers().push_back(std::make_unique<S>()); }
};
}  // namespace detail

}  // namespace condbench::cusolver

// Adds a solver to the module's list (the module's counterpart of CONDBENCH_REGISTER_SOLVER).
#define CONDBENCH_CUSOLVER_CONCAT_(a, b) a##b
#define CONDBENCH_CUSOLVER_CONCAT(a, b) CONDBENCH_CUSOLVER_CONCAT_(a, b)
#define CONDBENCH_CUSOLVER_SOLVER(Class)                                                            \
  static const ::condbench::cusolver::detail::ModuleRegistrar<Class> CONDBENCH_CUSOLVER_CONCAT( \
      condbench_cusolver_registrar_, __LINE__) {}
