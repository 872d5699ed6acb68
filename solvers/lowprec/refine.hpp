// Iterative refinement in three precisions (Carson & Higham, SISC 39(6) 2017 and 40(2) 2018): LU-IR and
// GMRES-IR with the factorization precision u_f, the residual precision u_r (and for GMRES-IR the precision u_p
// of the preconditioned products) chosen by the caller; the working precision u is the row's (float or double).
//
//   x0 = (LU)^-1 b with the u_f factors (x0 = 0 if that is not finite)
//   for k = 0, 1, ...:
//     r = b - A x_k in u_r, stored in u;  normwise and componentwise backward errors of x_k from it
//     stop (converged) when both are <= tol_b and, unless u_r = u, the last correction ||d_{k-1}||/||x_k|| <= tol_d
//     stop (max_steps) at k = max_steps
//     LU-IR:    d = (LU)^-1 r, every operation in u_f (r scaled by a power of two to ||r|| in [0.5, 1), rounded to u_f)
//     GMRES-IR: d solves M^-1 A d = M^-1 r by GMRES in u, M^-1 = (LU)^-1, the products M^-1 A v and M^-1 r in u_p
//     stop (correction_overflow) when d, or x + d, is not finite
//     x_{k+1} = x_k + d in u
// with tol_b = 2u + sqrt(n) u_r (2u, plus the rounding of the residual itself, which grows like sqrt(n) u_r with
// high probability: Higham & Mary, SISC 41(5), 2019; dsgesv's test is sqrt(n) u too) and tol_d = 2u (the correction
// at the rounding level of x, as LAPACK's extra-precise refinement tests ||dx||/||x|| <= eps: dla_gerfsx_extended,
// LAWN 165); all norms are infinity norms. Measured at n = 100, the floor a converged iterate sits on is about 0.2u
// (componentwise) with u_r < u and 1.3u to 2.4u with u_r = u. With u_r = u the correction cannot fall below about
// cond(A,x) u, so only the backward errors are tested (LAPACK's fixed-precision regime: what such refinement
// delivers is backward stability). Like Carson & Higham's codes, a run that does not converge goes on to the
// maximum number of steps: stopping early when a correction fails to shrink (LAPACK's RTHRESH = 0.5) was tried and
// cut measured regions short by up to two decades where convergence is slow or uneven.
//
// A run that stops for any reason but `converged` is Status::failed with the reason, and still returns its last
// iterate x_k in SolveOutcome::x (the runner does not measure a failed row's x; the solver's own backward errors
// of it are in the facts). Facts (SolverFacts::extra): uf, u, ur (up, gmres_tol, gmres_maxit), scale, steps,
// gmres_iterations, gmres_capped, stop, lu_overflow, lu_breakdown, nbe, cbe, dx, max_steps.
#pragma once

#include <optional>
#include <string>

#include "solvers/lowprec/eval.hpp"
#include "solvers/lowprec/format.hpp"
#include "solvers/solver.hpp"

namespace condbench::lowprec {

enum class Method { lu, gmres };

struct RefineSpec {
  Method method = Method::lu;
  Format uf = Format::fp16;
  Eval ur = Eval::f64;
  // GMRES products; default u^2: f64 (2^-53 <= 2^-48) for f32 rows, dd (2^-106, exactly u^2) for f64 rows. Carson
  // & Higham's codes use quad for u^2 with u = double (up=quad), at several times the cost here.
  std::optional<Eval> up;
  bool squeeze = false;             // fp16 only: Higham, Pranesh & Zounon's two-sided scaling and mu = 0.1 xmax
  int max_steps = 10;               // Carson & Higham's codes
  std::optional<double> gmres_tol;  // default 1e-6 for f64 rows, 1e-4 for f32 rows
  std::optional<int> gmres_maxit;   // per refinement step; default n (restart n, one cycle, as published)
};

// The GMRES product precision, tolerance and cap a spec uses at working precision p on an n x n problem.
Eval product_precision(const RefineSpec& s, Precision p);
double gmres_tolerance(const RefineSpec& s, Precision p);
int gmres_cap(const RefineSpec& s, int n);

template <class T>
SolveOutcome<T> refine(const SolveInput<T>& in, const RefineSpec& spec);

extern template SolveOutcome<float> refine(const SolveInput<float>&, const RefineSpec&);
extern template SolveOutcome<double> refine(const SolveInput<double>&, const RefineSpec&);

}  // namespace condbench::lowprec
