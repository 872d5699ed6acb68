// The float64 factorizations of a stored matrix, computed once per problem and shared by
// the reference (correction solver, GMRES-IR preconditioner) and the kappa measurement
// (the operator (B^T B)^{-1} of its Lanczos process).
#pragma once

#include <armadillo>

#include <vector>

namespace condbench::ref {

// P A = L U with partial pivoting (LAPACK dgetrf), A square.
class LuFactors {
 public:
  // storage: memory for the factors (n x n, contents ignored), or empty to allocate.
  explicit LuFactors(const arma::mat& A, arma::mat&& storage = arma::mat());
  arma::uword n() const { return lu_.n_rows; }
  // dgetrf found an exactly zero pivot. Such pivots are replaced by u * max|U_ij| so the
  // factors still give a (perturbed) solve: kappa's lower bound and the float128
  // fallback of the reference both need one.
  bool singular() const { return singular_; }
  // X <- A^{-1} X (trans: A^{-T} X) for the n x nrhs column-major block X. One right-hand
  // side goes through blocked triangular solves whose off-diagonal panels are dgemv calls,
  // which OpenBLAS runs on every thread (its dtrsv, which dgetrs ends in, runs on one):
  // kappa's Lanczos solves one vector at a time, twice per step.
  void solve(double* x, int nrhs, bool trans) const;
  // The same solve in double-double arithmetic (hi + lo in, hi + lo out): the
  // preconditioner of GMRES-IR, applied to ~u^2 so that it is one fixed operator.
  void solve_dd(double* hi, double* lo, bool trans) const;
  // ||A^{-1}||_1 from LAPACK's estimator dgecon (computed on first use).
  double inv_norm1(double anorm1) const;

 private:
  arma::mat lu_;
  std::vector<int> piv_;
  bool singular_ = false;
  mutable double inv_norm1_ = -1;
};

// B = Q [R; 0], B p x q with p >= q (LAPACK dgeqrf).
class QrFactors {
 public:
  explicit QrFactors(const arma::mat& B, arma::mat&& storage = arma::mat());
  arma::uword rows() const { return qr_.n_rows; }
  arma::uword cols() const { return qr_.n_cols; }
  bool singular() const { return singular_; }
  void apply_qt(double* f) const;  // f (p) <- Q^T f
  void apply_q(double* f) const;   // f (p) <- Q f
  void solve_r(double* y) const;   // y (q) <- R^{-1} y
  void solve_rt(double* y) const;  // y (q) <- R^{-T} y
  arma::vec times(const arma::vec& x) const;  // Q [R; 0] x (p): the factors' product, in double
  double inv_norm1() const;        // ||R^{-1}||_1 from dtrcon (on first use)
  // The same four operations in double-double (f = fh + fl), for GMRES-IR.
  void apply_qt_dd(double* fh, double* fl) const;
  void apply_q_dd(double* fh, double* fl) const;
  void solve_r_dd(double* yh, double* yl) const;
  void solve_rt_dd(double* yh, double* yl) const;

 private:
  void ormqr(const char* trans, double* f) const;
  arma::mat qr_;
  std::vector<double> tau_;
  bool singular_ = false;
  mutable double inv_norm1_ = -1;
};

}  // namespace condbench::ref
