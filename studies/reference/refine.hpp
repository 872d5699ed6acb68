// Iterative refinement with extra-precise residuals for the three problem shapes.
//
// Square: A x = b (or A^T x = b). Augmented (least squares, min-norm) (Bjorck):
//     [I  B ] [s]   [f0]
//     [B^T 0] [t] = [g0],      B p x q, p >= q,
// with corrections from a Householder QR of B:
//     h = R^{-T} g; d = Q^T f = [d1; d2]; ds = Q [h; d2]; dt = R^{-1} (d1 - h).
// Least squares: B = A, f0 = b, g0 = 0 -> t = x, s = r.
// Min-norm (m < n): B = A^T, f0 = 0, g0 = b -> s = x (t = -(A A^T)^{-1} b).
// (B^T B)^{-1} v (kappa's Lanczos): f0 = 0, g0 = -v -> t.
//
// The correction solver, cheapest first (the method says which one finished):
// 1. the float64 factorization (LU-IR: contracts by ~kappa u per step);
// 2. GMRES-IR (Carson & Higham 2017/2018): GMRES in float64 on the system preconditioned
//    by the same float64 factors, the products with the matrix and the preconditioner both
//    in double-double (dd_blas.hpp); it converges while kappa is well below u^{-1/2} u^{-1};
// 3. a float128 factorization (O(n^3) at ~20 MFLOP/s), the last resort, only while
//    p q^2 <= 3e8.
// Every residual is extra-precise (residual.hpp) and the iterate a triple-double, so the
// reachable error is ~kappa 1e-48, far below any target; for targets from 1e-28 up (every
// reference) a double-double iterate does, at a third less cost per step.
#pragma once

#include "studies/reference/factor.hpp"
#include "studies/reference/reference.hpp"

#include <armadillo>

#include <limits>
#include <string>
#include <vector>

namespace condbench::ref {

struct RefineOptions {
  double target = 1e-22;  // wanted relative 2-norm error of the wanted block
  int max_iter = 60;
  double kappa_hint = std::numeric_limits<double>::quiet_NaN();  // 2-norm kappa of the matrix, when known
  double norm_f = std::numeric_limits<double>::quiet_NaN();      // ||M||_F, when the caller has it
};

struct RefineResult {
  std::vector<Real> x;      // the wanted block (square: x; LS: t; min-norm: s)
  std::vector<Real> other;  // the other block of the augmented system (LS: r), empty for square
  double ref_error = 1;
  bool converged = false;
  int iterations = 0;        // refinement steps (residuals)
  int gmres_iterations = 0;  // products with the matrix inside GMRES-IR, all steps together
  std::string method;
  std::string note;
};

// A refinement problem whose float64 factorization is shared (ReferenceEngine) and reused
// for many right-hand sides (kappa's Lanczos solves with the same matrix repeatedly).
class Refiner {
 public:
  enum class Shape { square, augmented };
  // square: M is A (n x n) and lu its factors; augmented: M is B (p x q, p >= q) and qr its
  // factors; want_s picks which block is the answer. Mt: M^T when the caller holds it
  // (made on first need otherwise). M, the factors and Mt must outlive the Refiner.
  // Null factors: float128 corrections only.
  Refiner(const arma::mat& M, Shape shape, bool want_s, const RefineOptions& opt, const LuFactors* lu,
          const QrFactors* qr, const arma::mat* Mt = nullptr);
  ~Refiner();
  Refiner(const Refiner&) = delete;
  Refiner& operator=(const Refiner&) = delete;

  // The 2-norm kappa of M when known: picks the first correction solver and bounds the
  // error floor (NaN: a LAPACK 1-norm estimate times a safety factor).
  void set_kappa_hint(double kappa);

  // square: rhs1 = b, trans solves M^T x = b. augmented: rhs1 = f0 (p, may be empty for
  // zero), rhs2 = g0 (q, may be empty).
  RefineResult solve(const arma::vec& rhs1, const arma::vec& rhs2, double target, bool trans = false);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace condbench::ref
