// Textbook float128 factorizations: the correction solvers once kappa nears
// 1/u_f64 and a double factorization no longer contracts (kappa * 1e-34 per step).
// O(n^3) at ~20 MFLOP/s: only for the small problems of the extreme-kappa studies.
#pragma once

#include <armadillo>

#include <cstddef>
#include <vector>

namespace condbench::ref {

using f128 = __float128;

// P A = L U with partial pivoting, column-major n x n.
class Lu128 {
 public:
  explicit Lu128(const arma::mat& A);
  bool singular() const { return singular_; }
  // Solves A x = rhs (trans: A^T x = rhs) in place.
  void solve(std::vector<f128>& rhs, bool trans = false) const;

 private:
  f128& at(std::size_t i, std::size_t j) { return a_[i + j * n_]; }
  f128 at(std::size_t i, std::size_t j) const { return a_[i + j * n_]; }
  std::size_t n_;
  std::vector<f128> a_;
  std::vector<std::size_t> piv_;
  bool singular_ = false;
};

// Householder B = Q [R; 0], B p x q with p >= q.
class Qr128 {
 public:
  explicit Qr128(const arma::mat& B);
  bool singular() const { return singular_; }
  void apply_qt(f128* f) const;  // f (p) <- Q^T f
  void apply_q(f128* f) const;   // f (p) <- Q f
  void solve_r(f128* y) const;   // y (q) <- R^{-1} y
  void solve_rt(f128* y) const;  // y (q) <- R^{-T} y

 private:
  f128 at(std::size_t i, std::size_t j) const { return a_[i + j * p_]; }
  std::size_t p_, q_;
  std::vector<f128> a_;     // R above the diagonal and on it; Householder vectors below (v_k(k) = 1)
  std::vector<f128> tau_;
  bool singular_ = false;
};

}  // namespace condbench::ref
