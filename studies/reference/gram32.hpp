// The Gram operator B^T B of kappa's sigma_max side (B = A, or A^T when A is wide) from a
// float32 copy of A, with a rigorous bound on each product's error against the float64
// operator. At n = 2000 a float64 product streams 64 MB; the float32 copy is half that and
// stays in a 32 MiB L3, so a product costs about a third (0.28 against 0.86 ms here).
//
// What keeps it rigorous: C = fl32(2^e A), with 2^e putting ||C||_F in [1/2, 1) (exact
// scaling; every |C_ij| < 1). Each product sums kBlock terms in float32 and adds the blocks in float64, so
// its rounding is gamma_kBlock(u32) |C| |x|, not gamma_n(u32) |C| |x| (1% at n = 2000).
// The copy's own error E = 2^e A - C is at most u32 |2^e A| entry by entry. op_error() turns
// these into the relative error of a product against ||B^T B||, the form Lanczos::upper
// takes (lanczos.hpp). Where it is too large for kappa's 1% (matrices with
// || |A| ||_2 >> ||A||_2, or entries flushed below float32's range) kappa uses float64
// products instead.
#pragma once

#include <armadillo>

#include <vector>

namespace condbench::ref {

class Gram32 {
 public:
  static constexpr int kBlock = 128;  // terms summed in float32 before the float64 sum

  // norm_f: ||A||_F (the engine computes it once). storage: m n floats to hold the copy
  // (the engine lends the memory its factorization will use next), or null to allocate.
  Gram32(const arma::mat& A, double norm_f, float* storage = nullptr);
  // False when 2^e cannot be applied to theta without leaving float64's range.
  bool usable() const { return usable_; }
  // out = B^T B in (q doubles each; q = min(m, n)), in A's own units.
  void apply(const double* in, double* out);
  // A bound on ||apply(x) - B^T B x|| / (theta ||x||) for any x, valid once theta is within a
  // factor of about 1.1 of ||B^T B|| (kappa's Side::run multiplies it by a safety factor).
  double op_error(double theta) const;

 private:
  // y (len_out doubles) = op(C) x with op = C (trans false) or C^T: blocks of kBlock
  // terms in float32, summed in float64.
  void product(bool trans, const double* x, double* y);

  arma::fmat C_;
  int e_ = 0;
  bool tall_ = true, usable_ = false;
  double err_f_ = 0;    // >= ||2^e A - C||_F
  double abs_norm_ = 0;  // >= || |C| ||_2 (by ||C||_F)
  std::vector<float> xf_, part_;
  std::vector<double> mid_;
};

}  // namespace condbench::ref
