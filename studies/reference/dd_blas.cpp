#include "studies/reference/dd_blas.hpp"

#include "studies/reference/eft.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace condbench::ref {
namespace {

using eft::two_prod;
using eft::two_sum;

// hi + lo <- (hi + lo) / d, renormalized (|lo| <= u |hi|).
inline void divide(double& hi, double& lo, double d) {
  double h, l;
  two_sum(hi, lo, h, l);
  const double q = h / d;
  const double rem = std::fma(-q, d, h);  // exact: h - q d
  two_sum(q, (rem + l) / d, hi, lo);
}

}  // namespace

// The lower parts collect every rounding error, so the sum stays exact to ~u^2.
void axpy_dd(const double* __restrict t, std::size_t len, double xh, double xl, double* __restrict yh,
                    double* __restrict yl) {
  for (std::size_t i = 0; i < len; ++i) {
    double p, e, s, err;
    two_prod(t[i], xh, p, e);
    e += t[i] * xl;
    two_sum(yh[i], -p, s, err);
    yh[i] = s;
    yl[i] += err - e;
  }
}

// Eight independent lanes so that the compiler vectorizes the loop, then the lanes summed.
void dot_dd(const double* __restrict t, const double* __restrict xh, const double* __restrict xl,
                   std::size_t len, double& hi, double& lo) {
  constexpr std::size_t W = 8;
  double sh[W] = {}, sl[W] = {};
  std::size_t i = 0;
  for (; i + W <= len; i += W)
    for (std::size_t l = 0; l < W; ++l) {
      double p, e, s, err;
      two_prod(t[i + l], xh[i + l], p, e);
      e += t[i + l] * xl[i + l];
      two_sum(sh[l], p, s, err);
      sh[l] = s;
      sl[l] += err + e;
    }
  for (; i < len; ++i) {
    double p, e, s, err;
    two_prod(t[i], xh[i], p, e);
    e += t[i] * xl[i];
    two_sum(sh[0], p, s, err);
    sh[0] = s;
    sl[0] += err + e;
  }
  hi = 0;
  lo = 0;
  for (std::size_t l = 0; l < W; ++l) {
    double s, err;
    two_sum(hi, sh[l], s, err);
    hi = s;
    lo += err + sl[l];
  }
}

void gemv_dd(const double* M, std::size_t m, std::size_t n, const double* x, double* yh, double* yl) {
  constexpr std::size_t kBlock = 1024;  // rows per block: yh, yl and a column slice stay in L1/L2
  auto rows = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i0 = begin; i0 < end; i0 += kBlock) {
      const std::size_t len = std::min(kBlock, end - i0);
      std::fill(yh + i0, yh + i0 + len, 0.0);
      std::fill(yl + i0, yl + i0 + len, 0.0);
      for (std::size_t j = 0; j < n; ++j) axpy_dd(M + j * m + i0, len, -x[j], 0.0, yh + i0, yl + i0);
    }
  };
  if (m >= 2 * kBlock && m * n >= 200000) {
    const std::size_t half = ((m / 2 + kBlock - 1) / kBlock) * kBlock;
    std::thread other(rows, half, m);
    rows(0, half);
    other.join();
  } else {
    rows(0, m);
  }
}

void trsv_dd(const Triangle& t, bool trans, double* hi, double* lo) {
  const std::size_t n = t.n;
  auto col = [&](std::size_t j) { return t.a + j * t.ld; };
  auto finish = [&](std::size_t j) {
    if (t.unit) {
      double h, l;
      two_sum(hi[j], lo[j], h, l);
      hi[j] = h;
      lo[j] = l;
    } else {
      divide(hi[j], lo[j], col(j)[j]);
    }
  };
  if (!trans) {
    if (t.lower) {
      for (std::size_t j = 0; j < n; ++j) {
        finish(j);
        axpy_dd(col(j) + j + 1, n - j - 1, hi[j], lo[j], hi + j + 1, lo + j + 1);
      }
    } else {
      for (std::size_t j = n; j-- > 0;) {
        finish(j);
        axpy_dd(col(j), j, hi[j], lo[j], hi, lo);
      }
    }
    return;
  }
  // T^T x = y: x_j = (y_j - column j of T off the diagonal . x) / T_jj.
  auto update = [&](std::size_t j, std::size_t begin, std::size_t len) {
    double sh, sl, h, l;
    dot_dd(col(j) + begin, hi + begin, lo + begin, len, sh, sl);
    two_sum(hi[j], -sh, h, l);
    hi[j] = h;
    lo[j] += l - sl;
    finish(j);
  };
  if (t.lower) {
    for (std::size_t j = n; j-- > 0;) update(j, j + 1, n - j - 1);
  } else {
    for (std::size_t j = 0; j < n; ++j) update(j, 0, j);
  }
}

void reflect_dd(const double* a, std::size_t ld, std::size_t p, std::size_t k, double tau, double* fh, double* fl) {
  const double* v = a + k * ld;
  double sh, sl, h, l;
  dot_dd(v + k + 1, fh + k + 1, fl + k + 1, p - k - 1, sh, sl);
  two_sum(sh, fh[k], h, l);  // v(k) = 1
  l += sl + fl[k];
  double wh, wl;  // w = tau (v^T f)
  two_prod(h, tau, wh, wl);
  wl += l * tau;
  double s, err;
  two_sum(fh[k], -wh, s, err);
  fh[k] = s;
  fl[k] += err - wl;
  axpy_dd(v + k + 1, p - k - 1, wh, wl, fh + k + 1, fl + k + 1);
}

}  // namespace condbench::ref
