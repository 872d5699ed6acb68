// The exact laws of studies/chains/theory.hpp against the independent numbers of
// shared/BACKPROP.md (computed there with mpmath and checked by Monte Carlo).
#include "studies/chains/theory.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace cb = condbench::chains;

namespace {

cb::ChainSpec spec(int d, cb::Init init, double scale, cb::Activation act = cb::Activation::linear) {
  cb::ChainSpec s;
  s.width = d;
  s.depths = {20};
  s.init = init;
  s.scale = scale;
  s.activation = act;
  return s;
}

}  // namespace

TEST(ChainTheory, LinearGaussianPerLayerLawMatchesTheTableOfBackpropMd) {
  const int d[] = {8, 16, 32, 64, 128, 256, 512};
  const double mean[] = {-0.065088, -0.031900, -0.015788, -0.007853, -0.003916, -0.001956, -0.000977};
  const double sd[] = {0.2664, 0.1824, 0.1270, 0.0891, 0.0627, 0.0443, 0.0313};
  for (int k = 0; k < 7; ++k) {
    const cb::Law l = cb::linear_gaussian_log_norm(d[k], 1.0);
    EXPECT_NEAR(l.mean, mean[k], 6e-7) << "d = " << d[k];
    EXPECT_NEAR(std::sqrt(l.var), sd[k], 6e-5) << "d = " << d[k];
  }
  EXPECT_NEAR(std::sqrt(cb::linear_gaussian_log_norm(32, 1.0).var), 0.12698, 5e-6);
  // Another scale adds ln s per layer.
  EXPECT_NEAR(cb::linear_gaussian_log_norm(32, 0.7).mean, -0.015788 + std::log(0.7), 6e-7);
}

TEST(ChainTheory, ReluHeBinomialMixtureMatchesTheTableOfBackpropMd) {
  const int d[] = {8, 16, 32, 64, 128, 256, 512};
  const double mean[] = {-0.19939, -0.08820, -0.04127, -0.02005, -0.00989, -0.00491, -0.00245};
  const double sd[] = {0.5583, 0.3239, 0.2107, 0.1440, 0.1003, 0.0704, 0.0496};
  for (int k = 0; k < 7; ++k) {
    const cb::Law l = cb::relu_gaussian_log_norm(d[k], std::sqrt(2.0));
    EXPECT_NEAR(l.mean, mean[k], 6e-6) << "d = " << d[k];
    EXPECT_NEAR(std::sqrt(l.var), sd[k], 6e-5) << "d = " << d[k];
  }
  // d = 32, L = 20: ln||J u||^2 has mean -1.6508 and sd 1.8841.
  const cb::Law l = cb::relu_gaussian_log_norm(32, std::sqrt(2.0));
  EXPECT_NEAR(2 * 20 * l.mean, -1.6508, 6e-5);
  EXPECT_NEAR(2 * std::sqrt(20 * l.var), 1.8841, 6e-5);
}

TEST(ChainTheory, KappaGrowthAndQrDiagonalMatchBackpropMd) {
  const int d[] = {8, 16, 32, 64, 128, 256, 512};
  const double decades[] = {0.6991, 0.8641, 1.0216, 1.1755, 1.3278, 1.4791, 1.6301};
  for (int k = 0; k < 7; ++k) EXPECT_NEAR(cb::kappa_decades_per_layer(d[k]), decades[k], 6e-5) << "d = " << d[k];
  // ln|R_dd| of one QR step, d = 32, s = 1: (ln(2/32) + psi(1/2))/2 with psi(1/2) = -gamma - 2 ln 2,
  // -2.3680494 (BACKPROP.md prints -2.368053), and sd sqrt(psi'(1/2))/2 = (pi/2)/sqrt(2) = 1.11072.
  const double euler_gamma = 0.57721566490153286;
  const cb::Law r = cb::qr_log_diagonal(32, 1.0, 32);
  EXPECT_NEAR(r.mean, (std::log(2.0 / 32) - euler_gamma - 2 * std::log(2.0)) / 2, 1e-13);
  EXPECT_NEAR(r.mean, -2.368053, 5e-6);
  EXPECT_NEAR(std::sqrt(r.var), M_PI / 2 / std::sqrt(2.0), 1e-13);
  // The Lyapunov exponents' gap is that of the QR diagonal, whatever s.
  EXPECT_NEAR((cb::lyapunov_exponent(32, 3.0, 1) - cb::lyapunov_exponent(32, 3.0, 32)) / std::log(10.0),
              cb::kappa_decades_per_layer(32), 1e-12);
}

TEST(ChainTheory, TheLecturesThreeCasesAndTheirMedians) {
  const double s[] = {0.7, 1.0, 1.5};
  const double mean[] = {-7.4493, -0.3158, 7.7935};
  const double median[] = {5.82e-4, 0.729, 2425};
  for (int k = 0; k < 3; ++k) {
    const cb::TheoryValue t = cb::theory_for(spec(32, cb::Init::gaussian, s[k]), 20, "grad_norm");
    EXPECT_NEAR(std::log(t.value), mean[k], 6e-5);
    EXPECT_NEAR(t.sd, 0.5679, 6e-5);
    EXPECT_NEAR(t.value / median[k], 1, 2e-3);
    EXPECT_EQ(t.note.rfind("exact", 0), 0u) << t.note;
  }
  // Xavier (uniform) is the Gaussian law of the same variance, and says it is approximate.
  const cb::TheoryValue x = cb::theory_for(spec(32, cb::Init::xavier_uniform, 1.0), 20, "grad_norm");
  EXPECT_NEAR(std::log(x.value), -0.3158, 6e-5);
  EXPECT_EQ(x.note.rfind("approximate", 0), 0u) << x.note;
}

TEST(ChainTheory, OrthogonalAndReluProductsAreExact) {
  const cb::TheoryValue k = cb::theory_for(spec(32, cb::Init::orthogonal, 1.3), 7, "log10_kappa");
  EXPECT_EQ(k.value, 0);
  const cb::TheoryValue g = cb::theory_for(spec(32, cb::Init::orthogonal, 1.3), 7, "grad_norm");
  EXPECT_NEAR(g.value, std::pow(1.3, 7), 1e-12);
  EXPECT_EQ(g.sd, 0);
  const auto relu = spec(32, cb::Init::he_normal, 1.0, cb::Activation::relu);
  EXPECT_TRUE(std::isinf(cb::theory_for(relu, 3, "log10_kappa").value));
  EXPECT_NEAR(cb::theory_for(relu, 3, "jjt_mean").value, 1.0, 1e-15);      // (s^2/2)^j with s^2 = 2
  EXPECT_NEAR(cb::theory_for(relu, 3, "jjt_variance").value, 6.0, 1e-15);  // j/p, p = 1/2
  // tanh has no law here: NaN and no note.
  const cb::TheoryValue t = cb::theory_for(spec(32, cb::Init::gaussian, 1.0, cb::Activation::tanh), 3, "grad_norm");
  EXPECT_TRUE(std::isnan(t.value));
  EXPECT_TRUE(t.note.empty());
}

TEST(ChainTheory, EdelmansLimitLawAndThePytorchDefault) {
  // Median kappa of a 32 x 32 Gaussian matrix: about 117 in the limit law (111 measured).
  EXPECT_NEAR(cb::edelman_median_kappa(32) / 32, 3.6713, 1e-4);
  // The lecture's "warn if kappa > 1e6" fires with probability ~6e-5 per 32 x 32 factor.
  EXPECT_NEAR(cb::edelman_tail(32, 1e6), 6.4e-5, 1e-6);
  // nn.Linear(512, 512)'s default std is 1/sqrt(3 * 512) = 0.0255, not 0.0442.
  EXPECT_NEAR(cb::theory_for(spec(512, cb::Init::torch_default, 1.0), 0, "weight_std").value, 0.025516, 1e-6);
}

TEST(ChainTheory, ResidualLawTendsToTheIdentityAndMatchesItsMean) {
  // alpha -> 0: ||(I + W) v|| -> 1.
  const cb::Law tiny = cb::residual_gaussian_log_norm(32, 1e-3);
  EXPECT_NEAR(tiny.mean, 0, 1e-6);
  // E||(I + W)v||^2 = 1 + alpha^2 bounds E ln||.|| from above (Jensen), and close for small alpha.
  const cb::Law l = cb::residual_gaussian_log_norm(32, 0.5);
  EXPECT_LT(l.mean, 0.5 * std::log(1.25));
  EXPECT_GT(l.mean, 0.5 * std::log(1.25) - 0.01);
}
