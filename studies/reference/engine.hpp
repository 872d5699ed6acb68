// The reference solution and the condition number of one stored problem from ONE float64
// factorization (LU for square matrices, Householder QR of A or A^T otherwise), made on
// first need and shared: the reference refines with it (LU-IR, GMRES-IR), kappa's Lanczos
// solves with it. See docs/reference-and-kappa.md.
#pragma once

#include "studies/reference/factor.hpp"
#include "studies/reference/reference.hpp"

#include <armadillo>

#include <chrono>
#include <limits>
#include <memory>

namespace condbench::ref {

class Refiner;

class ReferenceEngine {
 public:
  // A: the stored matrix widened to double; it must outlive the engine. Nothing is
  // computed until asked for.
  ReferenceEngine(const arma::mat& A, ProblemKind kind);
  ~ReferenceEngine();
  ReferenceEngine(const ReferenceEngine&) = delete;
  ReferenceEngine& operator=(const ReferenceEngine&) = delete;

  // The 2-norm condition number (kappa.cpp), computed once. Its seconds exclude the
  // factorization (the reference owns that).
  const KappaResult& kappa();

  // Timing-only rows (reference = false): kappa not measured (NaN, the method says so), but
  // sigma_max for the backward errors, a lower bound from Lanczos on B^T B without any
  // factorization (within 5% except with probability <= 5e-10).
  KappaResult sigma_max_only();

  // The reference solution of A x = b to relative error `target`, using kappa() as its
  // hint when kappa was measured and certified (else kappa_hint, else a LAPACK 1-norm
  // estimate). Its seconds include the factorization.
  ReferenceSolution reference(const arma::vec& b, double target,
                              double kappa_hint = std::numeric_limits<double>::quiet_NaN());

  double factor_seconds() const { return factor_s_; }

 private:
  struct Side;
  Side sigma_max_side(double ratio_goal, bool lend_spare);
  Side sigma_min_side(double ratio_goal, double sigma_max);
  Side sigma_min_refined(double ratio_goal, double kappa_est);
  double sigma_min_upper(const arma::vec& y, double kappa_est);
  void factorize();
  const arma::mat& B();  // A (m >= n) or A^T (m < n, made on first need): p x q, p >= q, sigma(B) = sigma(A)
  Refiner& refiner(bool want_s, double kappa_hint);  // NaN: no hint (LAPACK's estimate)
  double norm_f_of_A();  // ||A||_F = ||B||_F (never below it), computed once with finite_A()
  bool finite_A();       // no Inf or NaN in A
  void scan_A();

  // Matrices whose entries are far from 1 (a_ij^2 summed outside 2^+-600: A^T A and its
  // inverse would leave double's range) are computed as 2^e A, an exact scaling while
  // 2^e a_ij stays normal. kappa and x do not change; sigma_max, sigma_min and the
  // least-squares residual are scaled back, and the methods say so.
  struct Scan {
    int e = 0;          // the exponent (0: A itself)
    double sum = -1;    // sum of a_ij^2 by ddot, when e = 0
    std::chrono::steady_clock::time_point t0;  // when the constructor began
  };
  static Scan scan(const arma::mat& A, std::chrono::steady_clock::time_point t0);
  void unscale(KappaResult& k) const;
  ReferenceEngine(const arma::mat& A, ProblemKind kind, Scan s);
  int e_ = 0;
  arma::mat scaled_;
  double sumsq_ = -1;  // the scan's sum, reused by scan_A()
  const arma::mat& A_;  // the caller's matrix, or scaled_
  ProblemKind kind_;
  arma::mat At_;  // A^T, only for m < n (B)
  // The factorization's memory, allocated before it by kappa() so that sigma_max's float32
  // copy of A (gram32.hpp) can use it first: no extra half matrix, no extra page faults.
  arma::mat spare_;
  std::unique_ptr<LuFactors> lu_;
  std::unique_ptr<QrFactors> qr_;
  std::unique_ptr<Refiner> refiner_t_, refiner_s_;  // want the t block / the s block (augmented)
  std::unique_ptr<KappaResult> kappa_;
  double factor_s_ = 0;
  double norm_f_ = -1;
  bool finite_ = false;
  double scan_s_ = 0;  // the constructor's scan (and scaled copy), counted in the reference's seconds
};

}  // namespace condbench::ref
