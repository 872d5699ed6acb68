#include "studies/reference/gram32.hpp"

#include "studies/reference/lapack.hpp"

#include <algorithm>
#include <cmath>

namespace condbench::ref {
namespace {

constexpr double kU32 = 0x1p-24, kU64 = 0x1p-53;

double gamma(double k, double u) { return k * u / (1 - k * u); }

}  // namespace

Gram32::Gram32(const arma::mat& A, double norm_f, float* storage)
    : C_(storage ? arma::fmat(storage, A.n_rows, A.n_cols, false, true) : arma::fmat(A.n_rows, A.n_cols)),
      tall_(A.n_rows >= A.n_cols) {
  if (A.is_empty() || !(norm_f > 0) || !std::isfinite(norm_f)) return;
  const arma::uword m = A.n_rows, n = A.n_cols;
  // The exponent from ||A||_F, which the engine already has (no pass for max |a_ij|): every
  // |2^e a_ij| <= ||2^e A||_F < 1, far inside float32's range.
  int ex = 0;
  std::frexp(norm_f, &ex);  // norm_f = f 2^ex, f in [1/2, 1)
  e_ = -ex;
  // theta ~ ||A||^2 is rescaled by 2^(-2e): keep that, and the scaled entries, in range.
  if (std::abs(e_) > 400) return;
  const double scale = std::ldexp(1.0, e_);
  // The copy alone (it vectorizes): its error needs no pass of its own, since rounding to
  // nearest moves each entry by at most u32 of itself, or 2^-150 below float32's normal
  // range (2^-1075 more where 2^e A_ij is below double's): ||E||_F <= u32 ||2^e A||_F + sqrt(mn) 2^-149.
  const std::size_t count = static_cast<std::size_t>(m) * n;
  const double* a = A.memptr();
  float* c = C_.memptr();
  for (std::size_t i = 0; i < count; ++i) c[i] = static_cast<float>(a[i] * scale);
  const double scaled_f = norm_f * scale * (1 + 1e-10);  // a caller's norm may be low by its rounding
  const double mn = static_cast<double>(m) * static_cast<double>(n);
  err_f_ = kU32 * scaled_f + std::sqrt(mn) * 0x1p-149;
  abs_norm_ = scaled_f * (1 + kU32) + err_f_;  // || |C| ||_2 <= ||C||_F <= ||2^e A||_F + ||E||_F
  const arma::uword p = std::max(m, n);
  xf_.resize(p);
  part_.resize(p);
  mid_.resize(p);
  usable_ = true;
}

void Gram32::product(bool trans, const double* x, double* y) {
  const int m = static_cast<int>(C_.n_rows), n = static_cast<int>(C_.n_cols), one = 1;
  const float fone = 1, fzero = 0;
  const int len_in = trans ? m : n, len_out = trans ? n : m;
  for (int i = 0; i < len_in; ++i) xf_[static_cast<std::size_t>(i)] = static_cast<float>(x[i]);
  std::fill(y, y + len_out, 0.0);
  for (int k = 0; k < len_in; k += kBlock) {
    const int b = std::min(kBlock, len_in - k);
    if (!trans)  // y += C(:, k:k+b) x(k:k+b)
      sgemv_("N", &m, &b, &fone, C_.colptr(static_cast<arma::uword>(k)), &m, xf_.data() + k, &one, &fzero,
             part_.data(), &one, 1);
    else  // y += C(k:k+b, :)^T x(k:k+b)
      sgemv_("T", &b, &n, &fone, C_.memptr() + k, &m, xf_.data() + k, &one, &fzero, part_.data(), &one, 1);
    for (int i = 0; i < len_out; ++i) y[i] += static_cast<double>(part_[static_cast<std::size_t>(i)]);
  }
}

void Gram32::apply(const double* in, double* out) {
  // tall: B = A, B^T B x = A^T (A x); wide: B = A^T, B^T B x = A (A^T x).
  product(!tall_, in, mid_.data());
  product(tall_, mid_.data(), out);
  const int q = static_cast<int>(std::min(C_.n_rows, C_.n_cols));
  const double unscale = std::ldexp(1.0, -2 * e_);  // exact: |e| <= 400
  for (int i = 0; i < q; ++i) out[i] *= unscale;
}

double Gram32::op_error(double theta) const {
  // Scaled units: G = B^T B for 2^e B, Gc = C^T C (the operator the products compute with),
  // t = 2^(2e) theta ~ ||G||. For a unit x, with x~ = fl32(x) (relative u32) and the
  // middle vector y~ = fl32(y) (relative u32), each product's rounding is at most
  // g |C| |v| with g = gamma_kBlock(u32) + 2 gamma_{blocks}(u64); in norm g || |C| ||_2 ||v||.
  // So ||apply(x) - Gc x|| <= (2 u32 + 2 g abs_norm / sqrt(t)) t, and
  // ||G - Gc|| <= ||E|| (||2^e B|| + ||C||) <= err_f (2 sqrt(t) + err_f).
  // Entries below float32's normal range add absolute errors of at most 2^-149 per
  // operation: the last term.
  const double t = std::ldexp(theta, 2 * e_);
  if (!(t > 0)) return arma::datum::inf;
  const double blocks = std::ceil(static_cast<double>(std::max(C_.n_rows, C_.n_cols)) / kBlock);
  const double g = gamma(kBlock, kU32) + 2 * gamma(blocks, kU64) + kU32;
  const double p = static_cast<double>(std::max(C_.n_rows, C_.n_cols));
  return 2 * kU32 + 2 * g * abs_norm_ / std::sqrt(t) + err_f_ * (2 * std::sqrt(t) + err_f_) / t +
         4 * p * p * 0x1p-149 / t;
}

}  // namespace condbench::ref
