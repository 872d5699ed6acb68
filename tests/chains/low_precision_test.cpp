// Chains in bf16 and fp16 (the low-precision arithmetic model, every operation rounded):
// their errors are of the format's unit roundoff (and far above float's, so the arithmetic
// is really the low one), and the depths where the lecture's chain underflows to zero or
// overflows follow the decay law E log10||g_L|| = L (ln s + (ln(2/d) + psi(d/2))/2) / ln 10
// (BACKPROP.md section 1), with the format's range.
#include "studies/chains/chain_problem.hpp"
#include "studies/chains/chain_study.hpp"
#include "studies/chains/methods.hpp"
#include "studies/chains/working_precision.hpp"
#include "studies/generators/construct.hpp"

#include <gtest/gtest.h>
#include <boost/math/special_functions/digamma.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace cb = condbench::chains;
namespace lp = condbench::lowprec;

namespace {

cb::ChainSpec spec(double scale, int L) {
  cb::ChainSpec s;
  s.width = 32;
  s.depths = {L};
  s.init = cb::Init::gaussian;
  s.scale = scale;
  s.activation = cb::Activation::linear;
  return s;
}

template <class T>
double value(const cb::ChainSpec& s, std::uint64_t seed, const std::string& quantity) {
  condbench::SingleThreadedBlas one_thread;
  const auto stored = cb::store_chain<T>(cb::generate_chain(s, seed));
  for (const cb::Measurement& m : cb::run_method<T>("chain.backprop", stored, s.depths))
    if (m.quantity == quantity && m.depth == s.layers()) return m.value;
  ADD_FAILURE() << quantity << " not measured";
  return std::nan("");
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// The depth at which the largest of the 32 components of g (about 0.366 ||g||: the mean of
// the largest of 32 |N(0, 1)|, 2.07, over sqrt(32)) crosses `limit`, by the decay law.
double predicted_depth(double s, double limit) {
  const double per_layer = (std::log(s) + 0.5 * (std::log(2.0 / 32) + boost::math::digamma(16.0))) / std::log(10.0);
  return std::log10(limit / 0.366) / per_layer;
}

template <class T>
void expect_roundoff_level(double u, const char* name) {
  const auto s = spec(1.0, 10);
  std::vector<double> rel;
  for (int seed = 1; seed <= 20; ++seed) {
    const double low = value<T>(s, seed, "grad_norm"), exact = value<double>(s, seed, "grad_norm");
    rel.push_back(std::fabs(low - exact) / exact);
  }
  // Each layer: the weights rounded (u per entry) and a 32-term dot product (gamma_32); ten layers.
  const double bound = 10 * 33 * u;
  for (double r : rel) EXPECT_LE(r, bound) << name;
  // Far above what float arithmetic would give (~1e-7): the low format is what computed it.
  EXPECT_GT(median(rel), u / 20) << name << ": median error " << median(rel);
  EXPECT_LT(median(rel), 10 * u) << name << ": median error " << median(rel);
}

template <class T>
double median_depth(double scale, const std::string& quantity, int L) {
  std::vector<double> d;
  for (int seed = 1; seed <= 30; ++seed) {
    const double v = value<T>(spec(scale, L), seed, quantity);
    EXPECT_FALSE(std::isnan(v)) << quantity << " not reached by depth " << L << ", seed " << seed;
    d.push_back(v);
  }
  return median(d);
}

}  // namespace

TEST(ChainLowPrecision, BackpropErrorIsOfTheFormatsUnitRoundoff) {
  expect_roundoff_level<cb::Fp16>(0x1p-11, "fp16");
  expect_roundoff_level<cb::Bf16>(0x1p-8, "bf16");
}

TEST(ChainLowPrecision, UnderflowAndOverflowDepthsFollowTheDecayLawAndTheFormatsRange) {
  struct Row {
    double scale;
    const char* quantity;
    double limit;  // the magnitude a component must cross
    double got;
  };
  const lp::FormatInfo h = lp::format_info(lp::Format::fp16), b = lp::format_info(lp::Format::bf16);
  const Row rows[] = {
      // fp16 keeps subnormals: zero once every component rounds to 0, below half the smallest subnormal.
      {0.7, "zero_depth", h.xmin_subnormal() / 2, median_depth<cb::Fp16>(0.7, "zero_depth", 80)},
      {1.5, "nonfinite_depth", h.overflow_threshold(), median_depth<cb::Fp16>(1.5, "nonfinite_depth", 80)},
      // bf16 flushes what falls below its smallest normal number (chop's default).
      {0.7, "zero_depth", b.xmin(), median_depth<cb::Bf16>(0.7, "zero_depth", 300)},
      {1.5, "nonfinite_depth", b.overflow_threshold(), median_depth<cb::Bf16>(1.5, "nonfinite_depth", 300)},
  };
  for (const Row& r : rows) {
    const double want = predicted_depth(r.scale, r.limit);
    // The law gives the mean of log ||g||; rounding (products that underflow one by one before
    // their sum does) moves the depth by a few layers: within 12%.
    EXPECT_NEAR(r.got, want, 0.12 * want) << r.quantity << " at s = " << r.scale;
    std::printf("s = %.1f %-16s median depth %.1f, law %.1f\n", r.scale, r.quantity, r.got, want);
  }
}

TEST(ChainLowPrecision, StudiesTakeTheLowPrecisionsAndTheExplicitSvdRunsInFp16) {
  const auto study = cb::parse_chain_study(
      "[study]\nname = \"t\"\nseeds = [1]\nprecisions = [\"bf16\", \"fp16\"]\nmethods = [\"chain.*\"]\n"
      "[[chain]]\nwidth = 8\ndepth = 3\n",
      "x.toml");
  ASSERT_EQ(study.chains.size(), 1u);
  EXPECT_EQ(study.chains[0].precisions,
            (std::vector<cb::ChainPrecision>{cb::ChainPrecision::bf16, cb::ChainPrecision::fp16}));
  const auto s = spec(1.0, 3);
  condbench::SingleThreadedBlas one_thread;
  const auto stored = cb::store_chain<cb::Fp16>(cb::generate_chain(s, 1));
  bool seen = false;
  for (const cb::Measurement& m : cb::run_method<cb::Fp16>("chain.explicit_svd", stored, s.depths))
    if (m.quantity == "log10_kappa") {
      EXPECT_EQ(m.status, "ok") << m.reason;
      seen = true;
    }
  EXPECT_TRUE(seen);
}
