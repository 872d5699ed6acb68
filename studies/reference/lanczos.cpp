#include "studies/reference/lanczos.hpp"

#include "studies/reference/lapack.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace condbench::ref {
namespace {

// The largest eigenvalue of T_k = tridiag(beta, alpha, beta) (LAPACK dstev, O(k^2) without
// vectors), and its eigenvector when asked for.
double tridiagonal_top(const std::vector<double>& alpha, const std::vector<double>& beta, arma::vec* vec) {
  const int k = static_cast<int>(alpha.size());
  std::vector<double> d(alpha), e(beta.begin(), beta.begin() + (k - 1)), work(vec ? 2 * k : 1);
  arma::mat z(vec ? k : 1, vec ? k : 1);
  const int ldz = vec ? k : 1;
  int info = 0;
  e.resize(std::max(k - 1, 1));
  dstev_(vec ? "V" : "N", &k, d.data(), e.data(), z.memptr(), &ldz, work.data(), &info, 1);
  if (vec) *vec = z.col(k - 1);  // ascending order
  return d[k - 1];
}

}  // namespace

int kw_steps(arma::uword n, double eps, double delta) {
  // 1.648 sqrt(n) exp(-sqrt(eps) (2k - 1)) <= delta
  const double k = (std::log(1.648 * std::sqrt(static_cast<double>(n)) / delta) / std::sqrt(eps) + 1) / 2;
  return static_cast<int>(std::ceil(k));
}

Lanczos::Lanczos(arma::uword n, int max_steps, std::uint64_t seed)
    : n_(n), Q_(n, static_cast<arma::uword>(std::min<long long>(max_steps, static_cast<long long>(n))) + 1) {
  // A fixed, documented seed: the start must not depend on G, and a case is reproducible.
  std::mt19937_64 eng(seed);
  std::normal_distribution<double> normal;
  arma::vec w(n);
  for (double& x : w) x = normal(eng);
  wnorm_ = arma::norm(w);
  Q_.col(0) = w / wnorm_;
}

void Lanczos::step(const Apply& apply) {
  if (exhausted_ || k_ + 1 >= static_cast<int>(Q_.n_cols)) return;
  const arma::uword j = static_cast<arma::uword>(k_);
  arma::vec w(n_);
  apply(Q_.colptr(j), w.memptr());
  if (j > 0) w -= beta_.back() * Q_.col(j - 1);
  const double a = arma::dot(Q_.col(j), w);
  w -= a * Q_.col(j);
  // Full reorthogonalization, twice ("twice is enough"): keeps the basis orthonormal to ~u
  // so that T_k is the Rayleigh quotient of G on span(Q) and the bound's recurrence holds.
  // Two dgemv calls on the basis in place (an Armadillo subview expression copied the
  // n x (j+1) block twice per pass, which cost more than the product itself past 30 steps).
  const int rows = static_cast<int>(n_), cols = static_cast<int>(j) + 1, one = 1;
  const double plus = 1, minus = -1, zero = 0;
  std::vector<double> h(static_cast<std::size_t>(cols));
  for (int pass = 0; pass < 2; ++pass) {
    dgemv_("T", &rows, &cols, &plus, Q_.memptr(), &rows, w.memptr(), &one, &zero, h.data(), &one, 1);
    dgemv_("N", &rows, &cols, &minus, Q_.memptr(), &rows, h.data(), &one, &plus, w.memptr(), &one, 1);
  }
  const double b = arma::norm(w);
  alpha_.push_back(a);
  beta_.push_back(b);
  ++k_;
  theta_ = tridiagonal_top(alpha_, beta_, nullptr);
  if (b == 0 || static_cast<arma::uword>(k_) == n_) {
    exhausted_ = true;
    return;
  }
  Q_.col(j + 1) = w / b;
}

double Lanczos::upper(double delta, double op_error) const {
  if (k_ == 0) return arma::datum::inf;
  const double eta = op_error * theta_;
  // The Krylov space is the whole space (or invariant): T_k is similar to G.
  if (exhausted_) return theta_ + 2 * eta;
  const double t = delta * std::sqrt(M_PI / 2);
  const double limit = (wnorm_ / t) * (wnorm_ / t);
  // S(x) = sum psi_j(x)^2 with the inflated coefficients; stops early once past the limit.
  auto reaches = [&](double x) {
    double prev = 0, cur = 1, s = 1;
    for (int j = 0; j < k_; ++j) {
      const double next = ((x - (alpha_[j] + eta)) * cur - (j > 0 ? beta_[j - 1] + eta : 0.0) * prev) /
                          (beta_[j] + eta);
      prev = cur;
      cur = next;
      s += cur * cur;
      if (s >= limit) return true;
    }
    return false;
  };
  // S increases above the largest zero of psi_{k+1}, the largest Ritz value (of the
  // inflated T_k, at most theta + 3 eta): bisect for the root on [lo, hi].
  double lo = theta_ + 3 * eta, step = std::max(lo, 1e-300) * 1e-3, hi = lo + step;
  while (!reaches(hi)) {
    step *= 2;
    hi = lo + step;
    if (!std::isfinite(hi)) return arma::datum::inf;
  }
  for (int it = 0; it < 200 && hi - lo > 1e-12 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    (reaches(mid) ? hi : lo) = mid;
  }
  return hi;
}

arma::vec Lanczos::ritz_vector() const {
  if (k_ == 0) return Q_.col(0);
  arma::vec top;
  tridiagonal_top(alpha_, beta_, &top);
  arma::vec y = Q_.cols(0, static_cast<arma::uword>(k_) - 1) * top;
  return y / arma::norm(y);
}

}  // namespace condbench::ref
