// cusolver.lu's device work, also the IRS solvers' warm-up of their fallback path.
#pragma once

#include "solvers/solver.hpp"

namespace condbench::cusolver {

// cusolverDnXgetrf + cusolverDnXgetrs, timed with events; throws CudaFailure.
template <class T>
SolveOutcome<T> getrf_getrs(const SolveInput<T>& in);

}  // namespace condbench::cusolver
