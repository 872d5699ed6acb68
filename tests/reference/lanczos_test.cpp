// Lanczos with the a posteriori probabilistic bound (lanczos.hpp): the Ritz value is a
// lower bound, the bound fails only on the event it names, and the a priori count is KW's.
#include "studies/reference/lanczos.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace condbench {
namespace {

ref::Lanczos::Apply diagonal(const arma::vec& lambda) {
  return [lambda](const double* in, double* out) {
    for (arma::uword i = 0; i < lambda.n_elem; ++i) out[i] = lambda[i] * in[i];
  };
}

TEST(KwSteps, SmallestCountMeetingTheBound) {
  for (arma::uword n : {10u, 2000u, 100000u})
    for (double eps : {0.01, 0.1})
      for (double delta : {2.5e-10, 1e-3}) {
        const int k = ref::kw_steps(n, eps, delta);
        auto bound = [&](int kk) { return 1.648 * std::sqrt(double(n)) * std::exp(-std::sqrt(eps) * (2 * kk - 1)); };
        EXPECT_LE(bound(k), delta);
        EXPECT_GT(bound(k - 1), delta);
      }
  EXPECT_EQ(ref::kw_steps(2000, 0.01, 5e-10), 130);  // the count quoted in the docs
}

// A geometric spectrum like randsvd's: theta rises to lambda_1 from below and the bound
// closes on it from above; at each step theta <= lambda_1 <= upper.
TEST(Lanczos, RitzValueBelowAndBoundAboveTheLargestEigenvalue) {
  const arma::uword n = 400;
  arma::vec lambda(n);
  for (arma::uword i = 0; i < n; ++i) lambda[i] = std::pow(1e-8, double(i) / (n - 1));
  ref::Lanczos lz(n, 200, 42);
  double prev = 0;
  for (int k = 0; k < 60; ++k) {
    lz.step(diagonal(lambda));
    EXPECT_LE(lz.theta(), 1 + 1e-12);
    EXPECT_GE(lz.theta(), prev * (1 - 1e-14)) << "Ritz values increase";
    prev = lz.theta();
    EXPECT_GE(lz.upper(1e-9, 0), 1.0) << "step " << k;
  }
  EXPECT_LE(lz.upper(1e-9, 0), 1.01) << "the bound closes within 60 steps here";
  const arma::vec y = lz.ritz_vector();
  EXPECT_NEAR(arma::norm(y), 1, 1e-12);
  EXPECT_NEAR(arma::dot(y, lambda % y), lz.theta(), 1e-12);
}

TEST(Lanczos, WholeSpaceIsExact) {
  const arma::vec lambda = {3, 1, 4, 1.5, 9, 2.6};
  ref::Lanczos lz(6, 50, 7);
  while (!lz.exhausted()) lz.step(diagonal(lambda));
  EXPECT_EQ(lz.steps(), 6);
  EXPECT_NEAR(lz.theta(), 9, 1e-13);
  EXPECT_NEAR(lz.upper(1e-9, 0), 9, 1e-12);
}

// The proof's event, checked, on the spectrum where the bound is tight: lambda = (1, 0, ..., 0)
// and one product. Then upper ~ |c_1| / t, so the bound fails almost exactly when
// |c_1| < t = delta sqrt(pi/2), c_1 ~ N(0, 1) being the start's component along e_1. Every
// failure must have |c_1| < t; failures must be no more frequent than delta (binomial, 4
// sigma) and, the bound being tight here, not much rarer either.
TEST(Lanczos, BoundFailsOnlyOnTheStatedEvent) {
  const arma::uword n = 60;
  arma::vec lambda(n, arma::fill::zeros);
  lambda[0] = 1;
  const double delta = 0.3, t = delta * std::sqrt(M_PI / 2);
  const int trials = 500;
  int failures = 0;
  for (int s = 0; s < trials; ++s) {
    ref::Lanczos lz(n, 10, 1000 + s);
    lz.step(diagonal(lambda));
    EXPECT_LE(lz.theta(), 1 + 1e-14);
    if (lz.upper(delta, 0) < 1) {
      ++failures;
      EXPECT_LT(std::fabs(lz.start()[0]), t) << "seed " << 1000 + s;
    }
  }
  const double sd = std::sqrt(trials * delta * (1 - delta));
  EXPECT_LE(failures, trials * delta + 4 * sd);
  EXPECT_GE(failures, trials * delta - 6 * sd) << "the bound is tight on this spectrum";
}

// Rounding modelled as op_error: inflating the coefficients can only raise the bound.
TEST(Lanczos, OperatorErrorRaisesTheBound) {
  const arma::uword n = 200;
  arma::vec lambda(n);
  for (arma::uword i = 0; i < n; ++i) lambda[i] = 1.0 / (1 + i);
  ref::Lanczos lz(n, 100, 3);
  for (int k = 0; k < 20; ++k) lz.step(diagonal(lambda));
  double prev = 0;
  for (double e : {0.0, 1e-8, 1e-5, 1e-3}) {
    const double u = lz.upper(1e-9, e);
    EXPECT_GE(u, prev);
    prev = u;
  }
}

}  // namespace
}  // namespace condbench
