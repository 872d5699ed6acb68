// Base of every cusolver.* solver: availability, and CUDA failures as failed rows.
#pragma once

#include "solvers/cusolver/device.hpp"
#include "solvers/solver.hpp"

namespace condbench::cusolver {

template <class Derived>
class CusolverSolver : public SolverT<Derived> {
 public:
  std::string unavailable_reason() const override { return cusolver::unavailable_reason(); }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    if (std::string why = unavailable_reason(); !why.empty()) return SolveOutcome<T>::failure(why);
#ifdef CONDBENCH_HAVE_CUDA
    try {
      return static_cast<const Derived*>(this)->template device_run<T>(in);
    } catch (const CudaFailure& e) {
      return SolveOutcome<T>::failure(e.what());
    }
#else
    (void)in;
    return SolveOutcome<T>::failure("not compiled");
#endif
  }
};

}  // namespace condbench::cusolver
