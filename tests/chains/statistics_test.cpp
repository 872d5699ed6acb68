// Monte Carlo against the exact laws: 2000 chains (fixed seeds, so the test is
// deterministic), the mean and variance of a log quantity each within |z| < 5 of the law.
// With 2000 chains at d = 32 the standard error of the mean of ln||g|| after L = 20
// layers is 0.5679 / sqrt(2000) = 0.0127.
#include "studies/chains/chain_problem.hpp"
#include "studies/chains/methods.hpp"
#include "studies/chains/theory.hpp"
#include "studies/generators/construct.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace cb = condbench::chains;

namespace {

constexpr int kChains = 2000;

cb::ChainSpec spec(cb::Init init, double scale, cb::Activation act, bool residual, int L) {
  cb::ChainSpec s;
  s.width = 32;
  s.depths = {L};
  s.init = init;
  s.scale = scale;
  s.activation = act;
  s.residual = residual;
  return s;
}

struct Sample {
  double mean = 0, var = 0;
  int n = 0;
};

// ln(value) (or the value itself, for logarithmic quantities) of `quantity` at depth L over kChains chains, f64.
Sample sample(const cb::ChainSpec& s, const std::string& method, const std::string& quantity, bool take_log) {
  condbench::SingleThreadedBlas one_thread;
  std::vector<double> v;
  for (int seed = 1; seed <= kChains; ++seed) {
    const auto stored = cb::store_chain<double>(cb::generate_chain(s, seed));
    for (const cb::Measurement& m : cb::run_method<double>(method, stored, s.depths))
      if (m.quantity == quantity && m.depth == s.layers()) v.push_back(take_log ? std::log(m.value) : m.value);
  }
  Sample out;
  out.n = static_cast<int>(v.size());
  for (double x : v) out.mean += x;
  out.mean /= out.n;
  for (double x : v) out.var += (x - out.mean) * (x - out.mean);
  out.var /= out.n - 1;
  return out;
}

// z of the sample mean, and of the sample variance (its standard error sigma^2 sqrt(2/(n-1))
// for a near-normal variable: a sum of L iid log terms).
void expect_law(const Sample& got, double mean, double sd, const std::string& what) {
  const double z_mean = (got.mean - mean) / (sd / std::sqrt(got.n));
  const double z_var = (got.var - sd * sd) / (sd * sd * std::sqrt(2.0 / (got.n - 1)));
  EXPECT_LT(std::fabs(z_mean), 5) << what << ": mean " << got.mean << " against " << mean;
  EXPECT_LT(std::fabs(z_var), 5) << what << ": variance " << got.var << " against " << sd * sd;
  EXPECT_EQ(got.n, kChains) << what;
  std::printf("%s: z of the mean %+.2f, z of the variance %+.2f\n", what.c_str(), z_mean, z_var);
}

}  // namespace

TEST(ChainStatistics, LecturesGradientNormFollowsTheChiSquareLaw) {
  const auto s = spec(cb::Init::gaussian, 1.0, cb::Activation::linear, false, 20);
  const cb::TheoryValue t = cb::theory_for(s, 20, "grad_norm");
  expect_law(sample(s, "chain.backprop", "grad_norm", true), std::log(t.value), t.sd, "ln||g||, s = 1");
}

TEST(ChainStatistics, ReluHeTangentFollowsTheBinomialMixture) {
  const auto s = spec(cb::Init::he_normal, 1.0, cb::Activation::relu, false, 20);
  const cb::TheoryValue t = cb::theory_for(s, 20, "tangent_norm");
  expect_law(sample(s, "chain.backprop", "tangent_norm", true), std::log(t.value), t.sd, "ln||J u||, ReLU He");
}

TEST(ChainStatistics, ResidualChainFollowsTheNoncentralLaw) {
  const auto s = spec(cb::Init::gaussian, 0.5, cb::Activation::linear, true, 20);
  const cb::TheoryValue t = cb::theory_for(s, 20, "grad_norm");
  expect_law(sample(s, "chain.backprop", "grad_norm", true), std::log(t.value), t.sd, "ln||g||, residual");
}

TEST(ChainStatistics, QrSweepDiagonalFollowsBartlett) {
  const auto s = spec(cb::Init::gaussian, 1.0, cb::Activation::linear, false, 10);
  for (const char* q : {"qr_ln_r11", "qr_ln_rdd"}) {
    const cb::TheoryValue t = cb::theory_for(s, 10, q);
    expect_law(sample(s, "chain.qr_sweep", q, false), t.value, t.sd, q);
  }
}
