// kappa_inf of the stored matrix, for the convergence-region table: exact on matrices whose inverse is known,
// through both paths (the double inverse up to kappa_2 = 1e11, float128 solves beyond).
#include "studies/reference/kappa_inf.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

// Upper bidiagonal with 1 on the diagonal and -a above: (A^-1)_ij = a^(j-i) for j >= i, so
// ||A^-1||_inf = 1 + a + ... + a^(n-1) (the first row) and ||A||_inf = 1 + a.
arma::mat bidiagonal(arma::uword n, double a) {
  arma::mat m(n, n, arma::fill::eye);
  for (arma::uword i = 0; i + 1 < n; ++i) m(i, i + 1) = -a;
  return m;
}

double geometric_sum(double a, int n) { return (std::pow(a, n) - 1) / (a - 1); }

TEST(KappaInf, ExactOnADiagonalMatrix) {
  const arma::mat d = arma::diagmat(arma::vec{4.0, -2.0, 0.5, 1e-9});
  EXPECT_DOUBLE_EQ(condbench::ref::kappa_inf(d, 4e9), 4e9);
  EXPECT_DOUBLE_EQ(condbench::ref::kappa_inf(d), 4e9);  // no hint: float128
}

TEST(KappaInf, ExactOnBidiagonalMatricesThroughBothPaths) {
  // n = 20, a = 2: kappa_inf = 3 (2^20 - 1) ~ 3.1e6, by the double inverse.
  EXPECT_NEAR(condbench::ref::kappa_inf(bidiagonal(20, 2), 1e6) / (3 * geometric_sum(2, 20)), 1.0, 1e-12);
  // n = 40: 3 (2^40 - 1) ~ 3.3e12, past the double path's limit: float128 solves.
  const double k = condbench::ref::kappa_inf(bidiagonal(40, 2), 1e12);
  EXPECT_NEAR(k / (3 * geometric_sum(2, 40)), 1.0, 1e-14);
  // n = 60, a = 2: 3.5e18, beyond what a double inverse could resolve at all.
  EXPECT_NEAR(condbench::ref::kappa_inf(bidiagonal(60, 2), 1e18) / (3 * geometric_sum(2, 60)), 1.0, 1e-14);
}

TEST(KappaInf, InfiniteForASingularMatrix) {
  arma::mat s(3, 3, arma::fill::ones);
  EXPECT_EQ(condbench::ref::kappa_inf(s, std::numeric_limits<double>::infinity()),
            std::numeric_limits<double>::infinity());
}

}  // namespace
