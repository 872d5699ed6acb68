// kappa's float32 Gram products (studies/reference/gram32.hpp): each product within its
// stated error bound of the float64 operator, the bound small enough to be worth it on the
// matrices studies use, and kappa through it still certified within 1% of the SVD's value,
// with the float64 products taking over where the bound is too large.
#include "studies/reference/engine.hpp"
#include "studies/reference/gram32.hpp"
#include "tests/reference/helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace condbench {
namespace {

using testing::randsvd;

// ||G x|| in float64 (its own rounding ~1e-13 relative, far below the float32 bound).
arma::vec gram64(const arma::mat& A, const arma::vec& x) {
  return A.n_rows >= A.n_cols ? arma::vec(A.t() * (A * x)) : arma::vec(A * (A.t() * x));
}

void expect_products_within_bound(const arma::mat& A, double max_bound) {
  ref::Gram32 g(A, arma::norm(A, "fro"));
  ASSERT_TRUE(g.usable());
  const double smax = arma::max(arma::svd(A)), theta = smax * smax;
  const double bound = g.op_error(theta);
  EXPECT_LT(bound, max_bound) << "the bound is too loose to be of use";
  const arma::uword q = std::min(A.n_rows, A.n_cols);
  std::mt19937_64 eng(5);
  std::normal_distribution<double> normal;
  double worst = 0;
  for (int t = 0; t < 20; ++t) {
    arma::vec x(q);
    for (double& v : x) v = normal(eng);
    x /= arma::norm(x);
    arma::vec y(q);
    g.apply(x.memptr(), y.memptr());
    worst = std::max(worst, arma::norm(y - gram64(A, x)) / theta);
  }
  EXPECT_LE(worst, bound);
  // Not vacuous: the products are float32 ones (errors well above float64's).
  EXPECT_GT(worst, 1e-11);
}

TEST(Gram32, ProductsStayWithinTheirBound) {
  expect_products_within_bound(randsvd(400, 400, 1e10, 3), 5e-4);
  expect_products_within_bound(randsvd(500, 300, 1e6, 4), 5e-4);   // tall: A^T A
  expect_products_within_bound(randsvd(300, 500, 1e6, 5), 5e-4);   // wide: A A^T
  // Far from 1 in scale both ways: the power-of-two scaling keeps float32 in range.
  expect_products_within_bound(randsvd(300, 300, 1e8, 6) * 1e-100, 5e-4);
  expect_products_within_bound(randsvd(300, 300, 1e8, 7) * 1e100, 5e-4);
}

TEST(Gram32, OutOfRangeScalesAreRefused) {
  const arma::mat A = randsvd(300, 300, 10, 8) * 1e-300;
  ref::Gram32 g(A, arma::norm(A, "fro"));
  EXPECT_FALSE(g.usable()) << "theta ~ 1e-600 cannot be scaled back into double";
}

void expect_kappa(const arma::mat& A, bool float32_expected) {
  ref::ReferenceEngine engine(A, ProblemKind::general);
  const ref::KappaResult& k = engine.kappa();
  const arma::vec s = arma::svd(A);
  const double truth = s.max() / s.min();
  ASSERT_TRUE(k.certified) << k.method;
  EXPECT_EQ(k.method.find("in float32") != std::string::npos, float32_expected) << k.method;
  // sigma_max: the SVD's is accurate to ~n u; ours is a lower bound within 0.4%.
  const double n = static_cast<double>(std::max(A.n_rows, A.n_cols)), svd_err = 4 * n * 0x1p-53;
  EXPECT_LE(k.sigma_max, s.max() * (1 + svd_err));
  EXPECT_GE(k.sigma_max, s.max() * (1 - 0.004 - svd_err));
  // kappa: the SVD's sigma_min is accurate to ~n u sigma_max only, so compare where that is
  // far below 1% (kappa <= 1e9 at these sizes).
  const double slack = svd_err * truth;
  if (slack < 1e-3) {
    EXPECT_LE(k.kappa, truth * (1 + slack)) << "kappa is a lower bound";
    EXPECT_GE(k.kappa, truth * (0.99 - slack)) << k.method;
  }
  // The factorization then made in the memory the float32 copy used gives the reference
  // (square: against a float64 solve, whose error is at most ~kappa u).
  if (A.n_rows == A.n_cols) {
    const arma::vec b = A * arma::linspace(1, 2, A.n_cols);
    const ref::ReferenceSolution r = engine.reference(b, 1e-6 * 0x1p-53);
    ASSERT_TRUE(r.converged) << r.note;
    arma::vec x(r.x.size());
    for (std::size_t i = 0; i < r.x.size(); ++i) x[i] = r.x[i].convert_to<double>();
    EXPECT_LE(arma::norm(x - arma::solve(A, b)) / arma::norm(x), 100 * truth * 0x1p-53);
    EXPECT_NE(r.method.find("double-double iterate"), std::string::npos) << r.method;
  }
}

TEST(Gram32, KappaThroughFloat32ProductsIsCertifiedWithinOnePercent) {
  expect_kappa(randsvd(400, 400, 1e3, 11), true);
  expect_kappa(randsvd(400, 400, 1e9, 12), true);
  // Past the SVD's reach for kappa: sigma_max and the certificate (the sigma_min side does
  // not depend on how sigma_max's products are made).
  expect_kappa(randsvd(400, 400, 1e14, 16), true);
  expect_kappa(randsvd(500, 300, 1e8, 13), true);
  expect_kappa(randsvd(300, 500, 1e8, 14), true);
}

TEST(Gram32, FloatSixtyFourProductsWhereTheBoundIsTooLoose) {
  // kappa ~ 1.5: ||A||_F / ||A||_2 ~ sqrt(n), so the float32 bound (~7e-4) would cost the
  // Lanczos bound steps; kappa falls back to float64 products and is still certified.
  expect_kappa(randsvd(400, 400, 1.5, 15), false);
}

// Timing-only rows use the same float32 products for sigma_max, without a factorization.
TEST(Gram32, SigmaMaxOnlyThroughFloat32Products) {
  const arma::mat A = randsvd(400, 400, 1e6, 17) * 3.0;
  ref::ReferenceEngine engine(A, ProblemKind::general);
  const ref::KappaResult k = engine.sigma_max_only();
  EXPECT_NE(k.method.find("in float32"), std::string::npos) << k.method;
  const double smax = arma::max(arma::svd(A));
  EXPECT_LE(k.sigma_max, smax * (1 + 1e-12));
  EXPECT_GE(k.sigma_max, smax / 1.05);
  EXPECT_EQ(engine.factor_seconds(), 0) << "no factorization for timing-only rows";
}

}  // namespace
}  // namespace condbench
