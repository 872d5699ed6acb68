#include "studies/reference/reference.hpp"
#include "tests/reference/helpers.hpp"

#include <gtest/gtest.h>

namespace condbench {
namespace {

using testing::Mp;

TEST(MeasureKappa, DiagonalMatrixGivesRatioOfExtremeEntries) {
  const arma::vec d = {3, -1, 0.5, 2e-6, 7};
  const ref::KappaResult k = ref::measure_kappa(arma::diagmat(d), ProblemKind::general);
  EXPECT_TRUE(k.certified);
  EXPECT_NEAR(k.kappa / (7 / 2e-6), 1, 1e-12);
}

// sigma_min of the STORED matrix, independently: sigma_max of its pseudo-inverse formed
// in 400-bit arithmetic (the largest singular value of the rounded inverse is accurate to ~u).
double independent_sigma_min(const arma::mat& A) {
  const arma::uword m = A.n_rows, n = A.n_cols;
  const arma::uword k = std::min(m, n);
  arma::mat pinv(n, m);
  for (arma::uword col = 0; col < m; ++col) {
    arma::vec e(m, arma::fill::zeros);
    e[col] = 1;
    const std::vector<Mp> x = testing::mp_reference(A, e);
    for (arma::uword i = 0; i < n; ++i) pinv(i, col) = static_cast<double>(x[i]);
  }
  (void)k;
  return 1 / arma::max(arma::svd(pinv));
}

struct KCase {
  arma::uword m, n;
  double kappa;
};
class MeasureKappaKnownSpectrum : public ::testing::TestWithParam<KCase> {};

TEST_P(MeasureKappaKnownSpectrum, WithinOnePercentOfIndependentValue) {
  const KCase c = GetParam();
  const arma::mat A = testing::randsvd(c.m, c.n, c.kappa, 99 + c.m);
  const ref::KappaResult k = ref::measure_kappa(A, ProblemKind::general);
  const double sigma_min = independent_sigma_min(A);
  const double expected = arma::max(arma::svd(A)) / sigma_min;
  EXPECT_TRUE(k.certified) << k.method;
  EXPECT_NEAR(k.kappa / expected, 1, 0.01) << k.method;
  // Below 1e12 the stored matrix keeps its generated spectrum to far better than 1%.
  if (c.kappa <= 1e12) EXPECT_NEAR(k.kappa / c.kappa, 1, 0.01);
}

INSTANTIATE_TEST_SUITE_P(Shapes, MeasureKappaKnownSpectrum,
                         ::testing::Values(KCase{40, 40, 1e3}, KCase{40, 40, 1e10}, KCase{40, 40, 1e14},
                                           KCase{40, 40, 1e16}, KCase{50, 20, 1e3}, KCase{50, 20, 1e14},
                                           KCase{15, 35, 1e10}, KCase{15, 35, 1e14}));

TEST(MeasureKappa, ExactlySingularIsInfiniteOrNotCertified) {
  const arma::mat A = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
  const ref::KappaResult k = ref::measure_kappa(A, ProblemKind::general);
  EXPECT_TRUE(!k.certified || std::isinf(k.kappa)) << k.kappa << " " << k.method;
}

}  // namespace
}  // namespace condbench
