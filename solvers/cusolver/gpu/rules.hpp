// The GPU module's decisions that need no GPU, kept apart so that they are tested on
// every machine: which calls get a warm-up, what an IRS outcome means, where the SVD
// solve cuts off small singular values.
#pragma once

#include "solvers/solver.hpp"

#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace condbench::cusolver {

// ---- Warm-up -------------------------------------------------------------------------
// CUDA loads a library's kernels lazily, on their first launch, and cuSOLVER/cuBLAS pick
// different kernels for different sizes; so the first call of a routine in a precision
// at a size pays for loading. Each solver warms up once per (solver, precision, size
// class) with an untimed call on the very problem it is about to time. A size class is
// the power of two at or below the dimension: [512, 1023] is one class, [1024, 2047] the next.
int size_class(std::int64_t dim);

class WarmupLedger {
 public:
  // True exactly once for each (solver, precision, size class of m, size class of n).
  bool first_use(const std::string& solver, Precision p, std::int64_t m, std::int64_t n);

 private:
  std::mutex mu_;
  std::set<std::string> seen_;
};

// ---- Iterative refinement (cusolverDnIRSXgesv) ----------------------------------------
// What a negative niters means (cuSOLVER documentation of cusolverDn<t1><t2>gesv and
// cusolverDnIRSXgesv); max_iters is the call's limit (cusolverDnIRSInfosGetMaxIters).
std::string niters_meaning(int niters, int max_iters);

// niters and d_info are set to a sentinel before the call; one the call did not
// overwrite (it failed before getting there) is empty here.
struct IrsCall {
  std::string status;  // "" when cusolverDnIRSXgesv returned success, else its name and number
  std::optional<int> niters;
  int outer_niters = 0;
  int max_iters = 0;
  std::optional<int> d_info;  // devInfo read back
  bool fallback_enabled = true;
  std::int64_t n = 0;
  std::int64_t x_written = 0;  // entries of x that are no longer the NaN fill
};

struct IrsReport {
  std::string failure;  // "" when the row is ok, else the reason
  SolverFacts facts;    // iterations, fallback, note and extra (niters, outer_niters, max_iters, d_info, ...)
};

// Every call's facts, failed ones included: the row shows niters, d_info and how much
// of x the call wrote even when cuSOLVER returned an error status.
IrsReport describe_irs(const IrsCall& c);

// ---- SVD cut-off ---------------------------------------------------------------------
// ?gelsd with rcond < 0 (lapack.svd) uses RCND = ?LAMCH('Epsilon'), the unit roundoff
// u = 2^-53 (f64) or 2^-24 (f32), and treats s_i <= RCND * s_max as zero (?LALSD).
// cusolver.svd uses the same rule, so both agree on the effective rank.
template <class T>
constexpr T svd_cutoff(T s_max) {
  return std::numeric_limits<T>::epsilon() / 2 * s_max;
}
template <class T>
constexpr bool svd_keeps(T s, T s_max) {
  return s > svd_cutoff(s_max);
}

}  // namespace condbench::cusolver
