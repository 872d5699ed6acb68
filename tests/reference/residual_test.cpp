#include "studies/reference/residual.hpp"
#include "studies/reference/reference.hpp"

#include <gtest/gtest.h>

namespace condbench {
namespace {

using ref::Real;

// The kernel against r computed naively in 256-bit arithmetic, with cancellation:
// b is A x rounded, so r is ~u |A||x| and the lower components of x matter.
TEST(ResidualKernel, MatchesNaive256BitResidualWithinItsBound) {
  for (arma::uword m : {7u, 37u, 1100u}) {
    const arma::uword n = m == 1100u ? 300u : 23u;
    arma::arma_rng::set_seed(m);
    arma::mat A(m, n, arma::fill::randn);
    A.each_row() %= arma::exp2(arma::round(arma::randu<arma::rowvec>(n) * 40 - 20));  // wide magnitudes
    const arma::vec x1(n, arma::fill::randn);
    const arma::vec x2 = x1 * 0x1p-54 % arma::randu<arma::vec>(n);
    const arma::vec x3 = x2 * 0x1p-54 % arma::randu<arma::vec>(n);
    const arma::vec b = A * x1;
    ref::MultiVec x{{x1.memptr(), x2.memptr(), x3.memptr()}, 3};
    const ref::ResidualResult rr = ref::residual(A, arma::norm(A, "fro"), x, {{b.memptr(), 1.0}});
    double worst = 0, scale = 0;
    for (arma::uword i = 0; i < m; ++i) {
      Real exact = b[i];
      for (arma::uword j = 0; j < n; ++j) exact -= Real(A(i, j)) * (Real(x1[j]) + Real(x2[j]) + Real(x3[j]));
      double hi, mid, lo;
      ref::split3(rr.r[i], hi, mid, lo);
      const double err = abs(exact - Real(hi) - Real(mid) - Real(lo)).convert_to<double>();
      worst = std::max(worst, err);
      scale = std::max(scale, arma::dot(arma::abs(A.row(i)), arma::abs(x1)));
      ASSERT_LE(err, rr.err_bound) << "row " << i;
    }
    // float128 rounding of r (~1e-34 |r|, r ~ u|A||x|) dominates: far below u^2.
    EXPECT_LE(worst, 1e-45 * scale) << "m = " << m;
  }
}

TEST(ResidualKernel, ZeroComponentsGiveTheInitialTermsExactly) {
  const arma::mat A(5, 3, arma::fill::ones);
  const arma::vec b = {1, -2, 3, 0.1, 1e300};
  const ref::ResidualResult rr = ref::residual(A, 1, ref::MultiVec{}, {{b.memptr(), -1.0}});
  for (arma::uword i = 0; i < 5; ++i) EXPECT_EQ(static_cast<double>(rr.r[i]), -b[i]);
}

}  // namespace
}  // namespace condbench
