#include "studies/metrics/metrics.hpp"

#include "studies/reference/residual.hpp"

#include <cmath>
#include <limits>

namespace condbench {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// num / den with 0/0 -> 0 and x/0 -> inf: a zero denominator means a zero answer
// to a nonzero problem (or the reverse), which no finite ratio describes.
double safe_ratio(double num, double den) {
  if (num == 0) return 0;
  if (den == 0) return kInf;
  return num / den;
}

struct Resid {
  arma::vec hi, mid, lo;  // r = hi + mid + lo (float128 accuracy)
};

Resid extended_residual(const arma::mat& A, double norm_f, const arma::vec& b, const arma::vec& xhat) {
  ref::MultiVec x{{xhat.memptr(), nullptr, nullptr}, 1};
  ref::ResidualResult rr = ref::residual(A, norm_f, x, {{b.memptr(), 1.0}});
  Resid r{arma::vec(A.n_rows), arma::vec(A.n_rows), arma::vec(A.n_rows)};
  for (std::size_t i = 0; i < A.n_rows; ++i) ref::split3(rr.r[i], r.hi[i], r.mid[i], r.lo[i]);
  return r;
}

// A^T r from the three components of r, in extended precision.
arma::vec at_times(const MatrixFacts& f, const Resid& r) {
  ref::MultiVec x{{r.hi.memptr(), r.mid.memptr(), r.lo.memptr()}, 3};
  ref::ResidualResult rr = ref::residual(f.At, f.norm_f, x, {});
  arma::vec out(f.At.n_rows);
  for (std::size_t i = 0; i < out.n_elem; ++i) out[i] = -static_cast<double>(rr.r[i]);
  return out;
}

void forward_errors(const arma::vec& xhat, const ref::ReferenceSolution& ref, Metrics& m) {
  if (ref.x.size() != xhat.n_elem) return;
  double d2 = 0, dinf = 0, x2 = 0, xinf = 0;
  for (std::size_t i = 0; i < xhat.n_elem; ++i) {
    const double d = std::fabs((ref::Real(xhat[i]) - ref.x[i]).convert_to<double>());
    const double xs = std::fabs(ref.x[i].convert_to<double>());
    d2 += d * d;
    x2 += xs * xs;
    dinf = std::max(dinf, d);
    xinf = std::max(xinf, xs);
  }
  m.forward_error = safe_ratio(std::sqrt(d2), std::sqrt(x2));
  m.forward_error_inf = safe_ratio(dinf, xinf);
}

double componentwise(const arma::mat& A, const arma::vec& b, const arma::vec& xhat, const arma::vec& r) {
  const arma::vec den = arma::abs(A) * arma::abs(xhat) + arma::abs(b);
  double worst = 0;
  for (std::size_t i = 0; i < r.n_elem; ++i) worst = std::max(worst, safe_ratio(std::fabs(r[i]), den[i]));
  return worst;
}

double karlson_walden(const MatrixFacts& f, const arma::vec& xhat, const arma::vec& atr, double rnorm) {
  const double xn = arma::norm(xhat, 2);
  const double atr_norm = arma::norm(atr, 2);
  if (xn == 0) return safe_ratio(atr_norm, 0);
  arma::vec w = f.V.t() * atr;
  for (std::size_t i = 0; i < w.n_elem; ++i) w[i] /= std::sqrt(xn * xn * f.sigma[i] * f.sigma[i] + rnorm * rnorm);
  return safe_ratio(arma::norm(w, 2), xn);
}

double ref_residual_norm1(const ref::ReferenceSolution& ref) {
  double s = 0;
  for (const ref::Real& v : ref.r) s += std::fabs(v.convert_to<double>());
  return s;
}

}  // namespace

MatrixFacts matrix_facts(const arma::mat& A) {
  MatrixFacts f;
  f.norm1 = arma::norm(A, 1);
  f.norm_f = arma::norm(A, "fro");
  if (A.n_rows > A.n_cols) {
    arma::mat U;
    arma::svd_econ(U, f.sigma, f.V, A, "right", "std");
    f.norm2 = f.sigma.empty() ? 0 : f.sigma[0];
    f.At = A.t();
  } else {
    const arma::vec s = arma::svd(A);
    f.norm2 = s.empty() ? 0 : s[0];
  }
  return f;
}

Metrics compute_metrics(const arma::mat& A, const arma::vec& b, const arma::vec& xhat, const ref::ReferenceSolution& ref,
                        ProblemKind /*kind*/, double u, const arma::vec& x_true, const MatrixFacts* facts) {
  Metrics m;
  if (xhat.n_elem != A.n_cols || b.n_elem != A.n_rows) return m;
  MatrixFacts own;
  if (!facts) {
    own = matrix_facts(A);
    facts = &own;
  }
  forward_errors(xhat, ref, m);
  if (!x_true.empty() && x_true.n_elem == xhat.n_elem)
    m.error_vs_true = safe_ratio(arma::norm(xhat - x_true, 2), arma::norm(x_true, 2));

  const Resid r = extended_residual(A, facts->norm_f, b, xhat);
  const double rnorm2 = arma::norm(r.hi, 2);
  m.residual_norm = rnorm2;
  const double m_rows = static_cast<double>(A.n_rows), n_cols = static_cast<double>(A.n_cols);
  m.residual_ratio = safe_ratio(arma::norm(r.hi, 1), facts->norm1 * arma::norm(xhat, 1) * n_cols * u);
  if (A.n_rows > A.n_cols) {
    const arma::vec atr = at_times(*facts, r);
    m.backward_error = karlson_walden(*facts, xhat, atr, rnorm2);
    // LAPACK dqrt17: alpha = ||r|| for a full-rank problem, ||b|| when the exact residual is negligible.
    const double bn1 = arma::norm(b, 1);
    const double rref1 = ref_residual_norm1(ref);
    const double maxmn = std::max(m_rows, n_cols);
    const double alpha = (ref.r.empty() || rref1 <= maxmn * u * bn1) ? bn1 : rref1;
    m.ls_residual_ratio = safe_ratio(arma::norm(atr, 1), facts->norm1 * alpha * maxmn * u);
  } else {
    m.backward_error = safe_ratio(rnorm2, facts->norm2 * arma::norm(xhat, 2) + arma::norm(b, 2));
    m.componentwise_backward_error = componentwise(A, b, xhat, r.hi);
  }
  return m;
}

}  // namespace condbench
