// Iterative refinement with extra-precise residuals for the three problem shapes.
//
// Square: A x = b, corrections from a double LU (LAPACK dgetrf) or a float128 LU.
// Least squares / min-norm: the augmented system (Bjorck)
//     [I  B ] [s]   [f0]
//     [B^T 0] [t] = [g0],      B p x q, p >= q,
// with corrections from a Householder QR of B (LAPACK dgeqrf or float128):
//     h = R^{-T} g; d = Q^T f = [d1; d2]; ds = Q [h; d2]; dt = R^{-1} (d1 - h).
// Least squares: B = A, f0 = b, g0 = 0 -> t = x, s = r.
// Min-norm (m < n): B = A^T, f0 = 0, g0 = b -> s = x (t = -(A A^T)^{-1} b).
// (B^T B)^{-1} v (kappa by inverse iteration): f0 = 0, g0 = -v -> t.
#pragma once

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
  bool force_f128 = false;                                        // start with the float128 correction solver
};

struct RefineResult {
  std::vector<Real> x;  // the wanted block (square: x; LS: t; min-norm: s)
  std::vector<Real> other;  // the other block of the augmented system (LS: r), empty for square
  double ref_error = 1;
  bool converged = false;
  int iterations = 0;
  std::string method;
  std::string note;
};

// A refinement problem whose factorizations are computed once and reused for many
// right-hand sides (measure_kappa solves with the same matrix repeatedly).
class Refiner {
 public:
  enum class Shape { square, augmented };
  // square: M is A (n x n). augmented: M is B (p x q, p >= q); want_s picks which block is the answer.
  Refiner(const arma::mat& M, Shape shape, bool want_s, const RefineOptions& opt);
  ~Refiner();
  Refiner(const Refiner&) = delete;
  Refiner& operator=(const Refiner&) = delete;

  // square: rhs1 = b. augmented: rhs1 = f0 (p, may be empty for zero), rhs2 = g0 (q, may be empty).
  RefineResult solve(const arma::vec& rhs1, const arma::vec& rhs2, double target);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace condbench::ref
