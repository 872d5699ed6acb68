#include "studies/reference/kappa_inf.hpp"

#include "studies/reference/dense128.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace condbench::ref {
namespace {

constexpr double kDoubleUpTo = 1e11;

double inverse_norm_inf_f128(const arma::mat& A) {
  const std::size_t n = A.n_rows;
  const Lu128 lu(A);
  if (lu.singular()) return std::numeric_limits<double>::infinity();
  std::vector<f128> row_sum(n, 0), x(n);
  for (std::size_t j = 0; j < n; ++j) {
    std::fill(x.begin(), x.end(), f128(0));
    x[j] = 1;
    lu.solve(x);
    for (std::size_t i = 0; i < n; ++i) row_sum[i] += x[i] < 0 ? -x[i] : x[i];
  }
  f128 m = 0;
  for (f128 s : row_sum) m = s > m ? s : m;
  return static_cast<double>(m);
}

}  // namespace

double kappa_inf(const arma::mat& A, double kappa2_hint) {
  if (A.n_rows != A.n_cols) throw std::invalid_argument("kappa_inf needs a square matrix");
  if (A.n_elem == 0) return 0;
  const double norm_a = arma::norm(A, "inf");
  if (std::isfinite(kappa2_hint) && kappa2_hint <= kDoubleUpTo) {
    arma::mat inv;
    if (arma::inv(inv, A)) return norm_a * arma::norm(inv, "inf");
  }
  return norm_a * inverse_norm_inf_f128(A);
}

}  // namespace condbench::ref
