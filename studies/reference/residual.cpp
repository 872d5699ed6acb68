#include "studies/reference/residual.hpp"

#include "studies/reference/eft.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace condbench::ref {
namespace {

using eft::two_prod;
using eft::two_sum;

constexpr std::size_t kBlock = 512;  // rows per block: the four accumulators stay in L1

// Accumulates -M(i0:i0+len, :) * x into s0..s3 for one row block. K = components of x in use.
template <int K>
void block_product(const double* __restrict A, std::size_t lda, std::size_t n, const double* const* xc,
                   double* __restrict s0, double* __restrict s1, double* __restrict s2, double* __restrict s3,
                   std::size_t len) {
  for (std::size_t j = 0; j < n; ++j) {
    const double* __restrict a = A + j * lda;
    const double xa = -xc[0][j];
    const double xb = K >= 2 ? -xc[1][j] : 0.0;
    const double xcc = K >= 3 ? -xc[2][j] : 0.0;
    for (std::size_t i = 0; i < len; ++i) {
      double p1, e1, c0, c1a, c1b, c2a, c2b;
      two_prod(a[i], xa, p1, e1);
      two_sum(s0[i], p1, s0[i], c0);
      two_sum(s1[i], c0, s1[i], c1a);
      two_sum(s1[i], e1, s1[i], c1b);
      two_sum(s2[i], c1a, s2[i], c2a);
      two_sum(s2[i], c1b, s2[i], c2b);
      double low = c2a + c2b;
      if constexpr (K >= 2) {
        double p2, e2, c1c, c2c, c2d;
        two_prod(a[i], xb, p2, e2);
        two_sum(s1[i], p2, s1[i], c1c);
        two_sum(s2[i], c1c, s2[i], c2c);
        two_sum(s2[i], e2, s2[i], c2d);
        low += c2c + c2d;
      }
      if constexpr (K >= 3) {
        double p3, e3, c2e;
        two_prod(a[i], xcc, p3, e3);
        two_sum(s2[i], p3, s2[i], c2e);
        low += c2e + e3;
      }
      s3[i] += low;
    }
  }
}

// Adds one term through the whole cascade (for the initial terms).
inline void add_full(double t, double& s0, double& s1, double& s2, double& s3) {
  double c0, c1, c2;
  two_sum(s0, t, s0, c0);
  two_sum(s1, c0, s1, c1);
  two_sum(s2, c1, s2, c2);
  s3 += c2;
}

struct RowRange {
  std::size_t begin, end;
};

// Residual rows [begin, end); returns the sum of squared float128 rounding bounds.
double residual_rows(const arma::mat& M, const MultiVec& x, const std::vector<Term>& init, RowRange rows,
                     __float128* out) {
  double s[4][kBlock];
  double f128_err2 = 0;
  const double u128 = 0x1p-112;
  for (std::size_t i0 = rows.begin; i0 < rows.end; i0 += kBlock) {
    const std::size_t len = std::min(kBlock, rows.end - i0);
    for (std::size_t i = 0; i < len; ++i) {
      s[0][i] = s[1][i] = s[2][i] = s[3][i] = 0;
      for (const Term& t : init) add_full(t.sign * t.v[i0 + i], s[0][i], s[1][i], s[2][i], s[3][i]);
    }
    const double* A = M.memptr() + i0;
    switch (x.k) {
      case 0: break;
      case 1: block_product<1>(A, M.n_rows, M.n_cols, x.c, s[0], s[1], s[2], s[3], len); break;
      case 2: block_product<2>(A, M.n_rows, M.n_cols, x.c, s[0], s[1], s[2], s[3], len); break;
      default: block_product<3>(A, M.n_rows, M.n_cols, x.c, s[0], s[1], s[2], s[3], len); break;
    }
    for (std::size_t i = 0; i < len; ++i) {
      // Summed smallest first: each float128 addition errs by at most u128 times its result.
      __float128 v = static_cast<__float128>(s[3][i]) + s[2][i];
      double e = std::fabs(static_cast<double>(v));
      v += s[1][i];
      e += std::fabs(static_cast<double>(v));
      v += s[0][i];
      e += std::fabs(static_cast<double>(v));
      out[i0 + i] = v;
      f128_err2 += (u128 * e) * (u128 * e);
    }
  }
  return f128_err2;
}

double norm2(const double* v, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += v[i] * v[i];
  return std::sqrt(s);
}

}  // namespace

ResidualResult residual(const arma::mat& M, double norm_f_M, const MultiVec& x, const std::vector<Term>& init) {
  const std::size_t m = M.n_rows, n = M.n_cols;
  ResidualResult res;
  res.r.resize(m);
  const bool two_threads = m >= 2 * kBlock && m * n >= 200000;
  double f128_err2 = 0;
  if (two_threads) {
    const std::size_t half = ((m / 2 + kBlock - 1) / kBlock) * kBlock;
    double err_other = 0;
    std::thread t([&] { err_other = residual_rows(M, x, init, {half, m}, res.r.data()); });
    f128_err2 = residual_rows(M, x, init, {0, half}, res.r.data());
    t.join();
    f128_err2 += err_other;
  } else {
    f128_err2 = residual_rows(M, x, init, {0, m}, res.r.data());
  }
  // Cascade analysis: only the lowest level rounds; with N terms per row its error
  // is below 1200 N^4 u^4 (|M||x| + |init|)_i, and || |M||x| ||_2 <= ||M||_F ||x||_2.
  double xnorm = 0;
  for (int l = 0; l < x.k; ++l) xnorm += norm2(x.c[l], n);
  double init_norm = 0;
  for (const Term& t : init) init_norm += norm2(t.v, m);
  const double N = static_cast<double>(n + init.size());
  const double u = 0x1p-53;
  const double cascade = 1200 * std::pow(N * u, 4) * (norm_f_M * xnorm + init_norm);
  res.err_bound = cascade + std::sqrt(f128_err2);
  return res;
}

}  // namespace condbench::ref
