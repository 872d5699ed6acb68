#include "studies/chains/reference.hpp"

#include "studies/chains/methods.hpp"
#include "studies/chains/reference_detail.hpp"

#include <armadillo>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>

extern "C" {
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void dgetrs_(const char* trans, const int* n, const int* nrhs, const double* a, const int* lda, const int* ipiv,
             double* b, const int* ldb, int* info, std::size_t);
}

namespace condbench::chains {
namespace {

constexpr double kDdEps = 0x1p-104;  // double-double's unit roundoff, about
// The graded route keeps T's largest entry near 1 and forms squares of its entries; double-
// double has its full 32 digits down to about 1e-290, so T's diagonal must stay above
// kGradedFloor (kappa below 1e120), and the Jacobi sweeps leave columns with squared norms
// below kNegligible alone (in an exactly singular chain: rounding noise of zero columns).
constexpr double kGradedFloor = 1e-120;
constexpr double kNegligible = 1e-260;

bool listed(const std::vector<int>& depths, int j) { return std::binary_search(depths.begin(), depths.end(), j); }

// (J_l^T)(i, k) = W_l(k, i) dphi_l(k) (+ 1): exact in double-double (a product of two doubles).
Dense<dd> backward_factor_dd(const StoredChain<double>& c, int layer) {
  const int d = c.d;
  Dense<dd> A(d, d);
  const Dense<double>& W = c.W[layer];
  for (int k = 0; k < d; ++k)
    for (int i = 0; i < d; ++i) A(i, k) = c.dphi.empty() ? dd(W(k, i)) : dd::mul(W(k, i), c.dphi[layer][k]);
  if (c.residual)
    for (int i = 0; i < d; ++i) A(i, i) += 1.0;
  return A;
}

std::vector<dd> backward_step_dd(const StoredChain<double>& c, int layer, const std::vector<dd>& v) {
  const int d = c.d;
  std::vector<dd> dv = v, out(d);
  if (!c.dphi.empty())
    for (int k = 0; k < d; ++k) dv[k] *= c.dphi[layer][k];
  const Dense<double>& W = c.W[layer];
  for (int i = 0; i < d; ++i) {
    dd s = 0.0;
    const double* w = W.col(i);
    for (int k = 0; k < d; ++k) s += dv[k] * w[k];
    out[i] = c.residual ? dd(s + v[i]) : s;
  }
  return out;
}

std::vector<dd> forward_step_dd(const StoredChain<double>& c, int layer, const std::vector<dd>& v) {
  const int d = c.d;
  std::vector<dd> s(d, dd(0.0));
  const Dense<double>& W = c.W[layer];
  for (int k = 0; k < d; ++k) {
    const double* w = W.col(k);
    for (int i = 0; i < d; ++i) s[i] += v[k] * w[i];
  }
  for (int i = 0; i < d; ++i) {
    if (!c.dphi.empty()) s[i] *= c.dphi[layer][i];
    if (c.residual) s[i] += v[i];
  }
  return s;
}

// Divides v by a power of two so its largest entry is in [1/2, 1); returns the exponent.
int renormalize(std::vector<dd>& v) {
  double big = 0;
  for (const dd& x : v) big = std::max(big, std::fabs(x.x[0]));
  if (big == 0) return 0;
  const int e = std::ilogb(big) + 1;
  for (dd& x : v) x = ldexp(x, -e);
  return e;
}

double scaled_norm(const std::vector<dd>& v, std::int64_t e) {
  dd s = 0.0;
  for (const dd& x : v) s += sqr(x);
  return std::ldexp(to_double(sqrt(s)), static_cast<int>(e));
}

std::vector<dd> to_dd(const std::vector<double>& v) { return {v.begin(), v.end()}; }

void vector_reference(const StoredChain<double>& c, const std::vector<int>& depths, ChainReference& out) {
  const char* how = "double-double pushes";
  std::vector<dd> g = to_dd(c.g);
  std::int64_t e = 0;
  int zero_at = 0;
  for (int j = 1; j <= c.L; ++j) {
    g = backward_step_dd(c, c.layer_of_step(j), g);
    e += renormalize(g);
    if (!zero_at && std::all_of(g.begin(), g.end(), [](const dd& x) { return x == 0.0; })) zero_at = j;
    if (listed(depths, j)) out.set(j, 0, "grad_norm", zero_at ? 0.0 : scaled_norm(g, e));
  }
  for (int j : c.dphi.empty() ? std::vector<int>{} : depths) {
    std::vector<dd> v = to_dd(c.u);
    std::int64_t ev = 0;
    for (int l = c.L - j; l < c.L; ++l) {
      v = forward_step_dd(c, l, v);
      ev += renormalize(v);
    }
    out.set(j, 0, "tangent_norm", scaled_norm(v, ev));
  }
  out.set(c.L, 0, "zero_depth", zero_at ? double(zero_at) : std::nan(""));
  out.set(c.L, 0, "nonfinite_depth", std::nan(""));
  for (const char* q : {"grad_norm", "tangent_norm", "zero_depth"}) out.method[q] = how;
  out.method["nonfinite_depth"] = "exact arithmetic never overflows";
}

// Sets the entries of R (C's upper triangle) below 2^-100 max|R| to zero: double-double's
// own rounding level, so a perturbation no larger than the QR's backward error. A
// rank-deficient step (a ReLU unit off) leaves rounding noise where R is exactly zero;
// kept, that noise would be multiplied into ever smaller levels in T, down to where
// double-double arithmetic breaks (subnormal high words).
void flush_noise(Dense<dd>& C) {
  double big = 0;
  for (int j = 0; j < C.cols; ++j)
    for (int i = 0; i <= j; ++i) big = std::max(big, std::fabs(C(i, j).x[0]));
  const double floor = std::ldexp(big, -100);
  for (int j = 0; j < C.cols; ++j)
    for (int i = 0; i <= j; ++i)
      if (std::fabs(C(i, j).x[0]) < floor) C(i, j) = 0.0;
}

void graded_spectrum_reference(const StoredChain<double>& c, const std::vector<int>& depths, ChainReference& out) {
  const int d = c.d;
  Dense<dd> V, T = Dense<dd>::identity(d);
  std::vector<dd> tau;
  std::vector<double> ln_r(d, 0.0);
  std::int64_t e = 0;
  bool singular = false;
  int max_sweeps = 0;
  std::string failure;
  for (int j = 1; j <= c.L && failure.empty(); ++j) {
    const int layer = c.layer_of_step(j);
    singular = singular || exactly_singular(c, layer, layer);
    Dense<dd> C = backward_factor_dd(c, layer);
    if (j > 1) apply_q_right(C, V, tau);
    householder_qr(C, tau);
    flush_noise(C);
    for (int i = 0; i < d; ++i) ln_r[i] += std::log(std::fabs(to_double(C(i, i))));
    upper_times_upper(C, T);
    double big = 0;
    for (const dd& x : T.a) big = std::max(big, std::fabs(x.x[0]));
    if (big == 0) {
      failure = fmt::format("the product is zero from depth {} (a dead layer)", j);
      break;
    }
    const int ej = std::ilogb(big) + 1;
    for (dd& x : T.a) x = ldexp(x, -ej);
    e += ej;
    V = std::move(C);
    if (!listed(depths, j)) continue;
    out.set(j, 0, "qr_ln_r11", ln_r[0]);
    out.set(j, 0, "qr_ln_rdd", ln_r[d - 1]);
    double min_diag = INFINITY;
    for (int i = 0; i < d; ++i) min_diag = std::min(min_diag, std::fabs(T(i, i).x[0]));
    if (!singular && min_diag < kGradedFloor) {
      failure = fmt::format(
          "from depth {}: kappa beyond ~1e120, outside the double-double range of the graded "
          "route (reference = \"explicit\" reaches further)",
          j);
      break;
    }
    JacobiResult<dd> jr = graded_singular_values(transpose(T), dd(d * kDdEps), dd(kNegligible));
    max_sweeps = std::max(max_sweeps, jr.sweeps);
    if (!jr.converged) {
      failure = fmt::format("one-sided Jacobi did not converge in {} sweeps at depth {}", jr.sweeps, j);
      break;
    }
    detail::fill_spectrum(out, j, jr.sigma, e, singular);
  }
  for (const char* q : detail::kSpectrumQuantities) {
    out.method[q] = "graded: QR sweep, T, Jacobi in double-double";
    if (!failure.empty()) out.failure[q] = failure;
    if (max_sweeps) out.note[q] = fmt::format("Jacobi sweeps <= {}", max_sweeps);
  }
}

// y = op(W) x in double-double (W exact doubles).
std::vector<dd> apply(const Dense<double>& W, const std::vector<dd>& x, bool trans) {
  const int n = W.rows;
  std::vector<dd> y(n, dd(0.0));
  for (int k = 0; k < n; ++k) {
    const double* w = W.col(k);
    if (trans) {
      dd s = 0.0;
      for (int i = 0; i < n; ++i) s += x[i] * w[i];
      y[k] = s;
    } else {
      for (int i = 0; i < n; ++i) y[i] += x[k] * w[i];
    }
  }
  return y;
}

dd dot_dd(const std::vector<dd>& a, const std::vector<dd>& b) {
  dd s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// op(W) x = b by a double LU, refined with double-double residuals to double-double accuracy.
std::vector<dd> refined_solve(const Dense<double>& W, const std::vector<double>& lu, const std::vector<int>& piv,
                              const std::vector<dd>& b, bool trans) {
  const int n = W.rows, one = 1;
  std::vector<dd> x(n, dd(0.0));
  for (int it = 0; it < 8; ++it) {
    std::vector<dd> Ax = apply(W, x, trans);
    std::vector<double> r(n);
    double rmax = 0, bmax = 0;
    for (int i = 0; i < n; ++i) {
      r[i] = to_double(b[i] - Ax[i]);
      rmax = std::max(rmax, std::fabs(r[i]));
      bmax = std::max(bmax, std::fabs(b[i].x[0]));
    }
    if (rmax <= 1e-34 * bmax) break;
    int info = 0;
    dgetrs_(trans ? "T" : "N", &n, &one, lu.data(), &n, piv.data(), r.data(), &n, &info, 1);
    for (int i = 0; i < n; ++i) x[i] += r[i];
  }
  return x;
}

// Kato-Temple: for a symmetric matrix, a unit v with Rayleigh quotient theta next to the
// extreme eigenvalue lambda and a gap delta to the rest, |lambda - theta| <= ||r||^2 / delta.
struct Rayleigh {
  dd theta;
  double bound;  // relative
};

Rayleigh rayleigh(const std::vector<dd>& v, const std::vector<dd>& Mv, double other) {
  const dd vv = dot_dd(v, v);
  const dd theta = dot_dd(v, Mv) / vv;
  dd r2 = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) r2 += sqr(Mv[i] - theta * v[i]);
  r2 /= vv;
  const double t = to_double(theta), gap = std::fabs(t - other);
  return {theta, gap > 0 ? to_double(r2) / gap / t : INFINITY};
}

void weight_reference(const StoredChain<double>& c, ChainReference& out) {
  const int n = c.d;
  double worst = 0;
  std::string failure;
  for (int l = 0; l < c.L; ++l) {
    const Dense<double>& W = c.W[l];
    arma::mat A(const_cast<double*>(W.data()), n, n, /*copy_aux_mem=*/true);
    arma::mat U, V;
    arma::vec s;
    if (!arma::svd(U, s, V, A)) {
      failure = fmt::format("double SVD of layer {} failed", l + 1);
      break;
    }
    std::vector<double> lu(W.a);
    std::vector<int> piv(n);
    int info = 0;
    dgetrf_(&n, &n, lu.data(), &n, piv.data(), &info);
    double kappa;
    if (info > 0 || s(n - 1) == 0) {
      kappa = INFINITY;  // exactly singular
    } else {
      std::vector<dd> vmax(n), vmin(n);
      for (int i = 0; i < n; ++i) vmax[i] = V(i, 0), vmin[i] = V(i, n - 1);
      // sigma_max^2: Rayleigh quotient of W^T W; 1/sigma_min^2: of (W^T W)^{-1}.
      Rayleigh top = rayleigh(vmax, apply(W, apply(W, vmax, false), true), n > 1 ? s(1) * s(1) : 0.0);
      std::vector<dd> y = refined_solve(W, lu, piv, vmin, true);
      std::vector<dd> x = refined_solve(W, lu, piv, y, false);
      Rayleigh bottom = rayleigh(vmin, x, n > 1 ? 1 / (s(n - 2) * s(n - 2)) : 0.0);
      kappa = to_double(sqrt(top.theta * bottom.theta));
      worst = std::max({worst, top.bound, bottom.bound});
    }
    out.set(0, l + 1, "weight_kappa", kappa);
    out.set(0, l + 1, "weight_warn", kappa > kWarnKappa ? 1.0 : 0.0);
    dd sum = 0.0, ss = 0.0;
    for (double x : W.a) sum += x;
    const dd mean = sum / static_cast<double>(W.a.size());
    for (double x : W.a) ss += sqr(x - mean);
    out.set(0, l + 1, "weight_std", to_double(sqrt(ss / static_cast<double>(W.a.size() - 1))));
  }
  out.method["weight_std"] = "double-double";
  for (const char* q : {"weight_kappa", "weight_warn"}) {
    out.method[q] = "double-double Rayleigh quotients";
    if (!failure.empty()) out.failure[q] = failure;
    out.note[q] = fmt::format("Kato-Temple relative bound on sigma^2 <= {:.1e}", worst);
  }
}

}  // namespace

ChainReference chain_reference(const StoredChain<double>& chain, const std::vector<int>& depths, RefRoute route,
                               const RefNeeds& needs) {
  const auto t0 = std::chrono::steady_clock::now();
  ChainReference out;
  if (needs.vectors) vector_reference(chain, depths, out);
  if (needs.spectrum) {
    if (route == RefRoute::graded)
      graded_spectrum_reference(chain, depths, out);
    else
      explicit_spectrum_reference(chain, depths, out);
  }
  if (needs.weights) weight_reference(chain, out);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace condbench::chains
