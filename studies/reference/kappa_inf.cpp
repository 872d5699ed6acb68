#include "studies/reference/kappa_inf.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "solvers/lowprec/double_double.hpp"
#include "solvers/lowprec/lu.hpp"

namespace condbench::ref {
namespace {

using lowprec::DD;

constexpr double kDoubleUpTo = 1e11;

double inverse_norm_inf_dd(const arma::mat& A) {
  const int n = static_cast<int>(A.n_rows);
  std::vector<DD> a(A.n_elem);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = DD(A[i]);
  const lowprec::LuFactors<DD> lu = lowprec::lu_factor(std::move(a), n);
  if (lu.outcome != lowprec::LuFactors<DD>::Outcome::ok) return std::numeric_limits<double>::infinity();
  std::vector<DD> row_sum(n), x(n);
  for (int j = 0; j < n; ++j) {
    std::fill(x.begin(), x.end(), DD(0.0));
    x[j] = DD(1.0);
    lowprec::lu_solve_in_place(lu.a, lu.piv, n, x);
    for (int i = 0; i < n; ++i) row_sum[i] += abs(x[i]);
  }
  double m = 0;
  for (const DD& s : row_sum) m = std::max(m, static_cast<double>(s));
  return m;
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
  return norm_a * inverse_norm_inf_dd(A);
}

}  // namespace condbench::ref
