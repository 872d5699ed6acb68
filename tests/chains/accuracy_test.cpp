// The methods and the references against each other on chains with known answers.
#include "studies/chains/chain_problem.hpp"
#include "studies/chains/methods.hpp"
#include "studies/chains/reference.hpp"
#include "studies/generators/construct.hpp"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

namespace cb = condbench::chains;

namespace {

cb::ChainSpec spec(int d, std::vector<int> depths, cb::Init init = cb::Init::gaussian, double scale = 1,
                   cb::Activation act = cb::Activation::linear) {
  cb::ChainSpec s;
  s.width = d;
  s.depths = std::move(depths);
  s.init = init;
  s.scale = scale;
  s.activation = act;
  return s;
}

template <class T>
cb::StoredChain<T> stored(const cb::ChainSpec& s, std::uint64_t seed) {
  return cb::store_chain<T>(cb::generate_chain(s, seed));
}

template <class T>
std::vector<cb::Measurement> run(const std::string& method, const cb::StoredChain<T>& c, const cb::ChainSpec& s) {
  condbench::SingleThreadedBlas one_thread;
  return cb::run_method<T>(method, c, s.depths);
}

const cb::Measurement* find(const std::vector<cb::Measurement>& ms, const std::string& q, int depth) {
  for (const auto& m : ms)
    if (m.quantity == q && m.depth == depth) return &m;
  return nullptr;
}

cb::ChainReference reference(const cb::StoredChain<double>& c, const cb::ChainSpec& s, cb::RefRoute route,
                             cb::RefNeeds needs = {false, true, false}) {
  condbench::SingleThreadedBlas one_thread;
  return cb::chain_reference(c, s.depths, route, needs);
}

}  // namespace

TEST(ChainAccuracy, QrJacobiMatchesTheMultiprecisionProductTo1e11) {
  // The explicit reference forms the product in Boost.Multiprecision: nothing in it is a QR sweep.
  for (const auto& [d, L, seeds] : {std::tuple{16, 24, 2}, std::tuple{32, 20, 1}}) {
    const auto s = spec(d, {4, 8, L / 2, L});
    for (int seed = 1; seed <= seeds; ++seed) {
      const auto c = stored<double>(s, seed);
      const auto ref = reference(c, s, cb::RefRoute::explicit_product);
      const auto ms = run<double>("chain.qr_jacobi", c, s);
      for (int j : s.depths) {
        const cb::Measurement* m = find(ms, "log10_kappa", j);
        const double r = ref.value(j, 0, "log10_kappa");
        ASSERT_TRUE(m && m->status == "ok" && std::isfinite(r)) << "depth " << j;
        EXPECT_LT(std::fabs(m->value - r) / r, 1e-11) << "d " << d << " depth " << j << " seed " << seed;
        EXPECT_GT(find(ms, "sigma_min", j)->value, DBL_MIN);  // a normal number: no range trick involved
      }
      EXPECT_GT(ref.value(L, 0, "log10_kappa"), 15) << "the test needs a badly conditioned product";
    }
  }
}

TEST(ChainAccuracy, GradedDoubleDoubleReferenceAgreesWithTheExplicitMultiprecisionOne) {
  const auto s = spec(16, {1, 5, 12, 24});
  for (std::uint64_t seed : {3u, 4u}) {
    const auto c = stored<double>(s, seed);
    const auto graded = reference(c, s, cb::RefRoute::graded);
    const auto exact = reference(c, s, cb::RefRoute::explicit_product);
    for (int j : s.depths) {
      for (const char* q : {"log10_kappa", "sigma_max", "sigma_min", "jjt_mean"}) {
        const double a = graded.value(j, 0, q), b = exact.value(j, 0, q);
        EXPECT_LT(std::fabs(a - b), 1e-24 * std::fabs(b)) << q << " at depth " << j;
      }
      // jjt_variance cancels (m2/m1^2 - 1); the ln|R_ii| sums are accumulated in double.
      EXPECT_NEAR(graded.value(j, 0, "jjt_variance"), exact.value(j, 0, "jjt_variance"), 1e-24);
      for (const char* q : {"qr_ln_r11", "qr_ln_rdd"})
        EXPECT_NEAR(graded.value(j, 0, q), exact.value(j, 0, q), 1e-13 * (1 + std::fabs(exact.value(j, 0, q)))) << q;
    }
  }
}

TEST(ChainAccuracy, ExplicitProductInF32SaturatesWhereTheReferenceDoesNot) {
  const auto s = spec(32, {4, 12, 16, 20});
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const auto c = stored<float>(s, seed);
    const auto ref = reference(cb::convert_chain<double>(c), s, cb::RefRoute::graded);
    const auto ms = run<float>("chain.explicit_svd", c, s);
    // kappa of the computed product stops near d/u = 5e8 (log10 8.7)...
    for (int j : {12, 16, 20}) EXPECT_LT(find(ms, "log10_kappa", j)->value, 10.5) << "depth " << j;
    // ... while the product's kappa keeps growing by about one decade per layer.
    EXPECT_GT(ref.value(20, 0, "log10_kappa"), 15);
    EXPECT_GT(ref.value(20, 0, "log10_kappa") - ref.value(12, 0, "log10_kappa"), 5);
    // Before saturation the explicit product is right.
    EXPECT_LT(std::fabs(find(ms, "log10_kappa", 4)->value / ref.value(4, 0, "log10_kappa") - 1), 1e-3);
  }
}

TEST(ChainAccuracy, OrthogonalChainsStayWithinDSqrtLUnitsOfKappaOne) {
  // Each layer moves the singular values by about d u relatively (a normwise bound of an
  // orthogonal step); independent errors add up like sqrt(L).
  const auto s = spec(32, {1, 10, 40, 100}, cb::Init::orthogonal);
  auto check = [&](auto tag) {
    using T = decltype(tag);
    const double u = std::numeric_limits<T>::epsilon() / 2;
    for (std::uint64_t seed : {1u, 2u, 3u}) {
      const auto c = stored<T>(s, seed);
      const auto ref = reference(cb::convert_chain<double>(c), s, cb::RefRoute::graded);
      for (const char* method : {"chain.explicit_svd", "chain.qr_sweep", "chain.qr_jacobi"}) {
        const auto ms = run<T>(method, c, s);
        for (int j : s.depths) {
          const double bound = 32 * std::sqrt(double(j)) * u;
          EXPECT_LT(std::expm1(find(ms, "log10_kappa", j)->value * std::log(10.0)), bound) << method << " depth " << j;
          EXPECT_LT(std::expm1(ref.value(j, 0, "log10_kappa") * std::log(10.0)), bound) << "reference, depth " << j;
        }
      }
    }
  };
  check(float{});
  check(double{});
}

TEST(ChainAccuracy, BackpropAndMonitorAgreeWithTheirReferences) {
  const auto s = spec(32, {1, 10, 20}, cb::Init::gaussian, 1.5);
  for (std::uint64_t seed : {1u, 2u}) {
    auto check = [&](auto tag) {
      using T = decltype(tag);
      const double u = std::numeric_limits<T>::epsilon() / 2;
      const auto c = stored<T>(s, seed);
      const auto ref = reference(cb::convert_chain<double>(c), s, cb::RefRoute::graded, {true, false, true});
      const auto g = run<T>("chain.backprop", c, s);
      for (int j : s.depths) {
        const double r = ref.value(j, 0, "grad_norm");
        // j matrix-vector products, each with error about d u (normwise)
        EXPECT_LT(std::fabs(find(g, "grad_norm", j)->value - r) / r, 10.0 * j * 32 * u) << "depth " << j;
      }
      for (const auto& m : run<T>("chain.monitor", c, s)) {
        const double r = ref.value(0, m.layer, m.quantity);
        if (m.quantity == "weight_kappa") {
          EXPECT_LT(std::fabs(m.value - r) / r, 32 * r * u) << "layer " << m.layer;
        } else if (m.quantity == "weight_warn") {
          EXPECT_EQ(m.value, r);
        } else if (m.quantity == "weight_std") {
          EXPECT_LT(std::fabs(m.value - r) / r, 1e-12);
        }
      }
    };
    check(float{});
    check(double{});
  }
}

TEST(ChainAccuracy, F32RunsOutOfRangeWhereF64AndTheReferenceDoNot) {
  // s = 0.1: ||g|| ~ 0.1^j reaches f32's smallest subnormal (1.4e-45) after ~45 layers.
  const auto vanish = spec(32, {60}, cb::Init::gaussian, 0.1);
  const auto c32 = stored<float>(vanish, 1);
  const auto vanished = run<float>("chain.backprop", c32, vanish);  // find() points into it
  const cb::Measurement* z = find(vanished, "zero_depth", 60);
  ASSERT_TRUE(z);
  EXPECT_GT(z->value, 35);
  EXPECT_LT(z->value, 60);
  EXPECT_TRUE(
      std::isnan(find(run<double>("chain.backprop", stored<double>(vanish, 1), vanish), "zero_depth", 60)->value));
  const auto ref = reference(cb::convert_chain<double>(c32), vanish, cb::RefRoute::graded, {true, false, false});
  EXPECT_TRUE(std::isnan(ref.value(60, 0, "zero_depth")));
  EXPECT_GT(ref.value(60, 0, "grad_norm"), 0);
  // s = 10: 10^j passes f32's largest number (3.4e38) after ~38 layers.
  const auto explode = spec(32, {60}, cb::Init::gaussian, 10);
  const auto exploded = run<float>("chain.backprop", stored<float>(explode, 1), explode);
  const cb::Measurement* f = find(exploded, "nonfinite_depth", 60);
  ASSERT_TRUE(f);
  EXPECT_GT(f->value, 30);
  EXPECT_LT(f->value, 45);
  // qr_jacobi in f32 says why it stops: sigma_min / sigma_max below f32's range.
  const auto deep = spec(32, {20, 48});
  const auto ms = run<float>("chain.qr_jacobi", stored<float>(deep, 1), deep);
  EXPECT_EQ(find(ms, "log10_kappa", 20)->status, "ok");
  EXPECT_EQ(find(ms, "log10_kappa", 48)->status, "failed");
  EXPECT_NE(find(ms, "log10_kappa", 48)->reason.find("smallest normal"), std::string::npos);
}

TEST(ChainAccuracy, ReluProductsAreExactlySingularInTheReference) {
  const auto s = spec(16, {3}, cb::Init::he_normal, 1, cb::Activation::relu);
  const auto c = stored<double>(s, 1);
  for (auto route : {cb::RefRoute::graded, cb::RefRoute::explicit_product}) {
    const auto ref = reference(c, s, route);
    EXPECT_TRUE(std::isinf(ref.value(3, 0, "log10_kappa")));
    EXPECT_EQ(ref.value(3, 0, "sigma_min"), 0);
    EXPECT_GT(ref.value(3, 0, "sigma_max"), 0);
  }
  // Deep rank-deficient products: the graded route keeps going (rounding noise where R is
  // exactly zero is flushed, not multiplied down into double-double's underflow), and its
  // spectrum's moments agree with the explicit product's in f64.
  const auto deep = spec(32, {8, 32}, cb::Init::orthogonal, std::sqrt(2.0), cb::Activation::relu);
  for (std::uint64_t seed : {1u, 2u}) {
    const auto cd = stored<double>(deep, seed);
    const auto ref = reference(cd, deep, cb::RefRoute::graded);
    EXPECT_TRUE(ref.failure.empty()) << ref.failure.begin()->second;
    const auto ms = run<double>("chain.explicit_svd", cd, deep);
    for (int j : deep.depths) {
      EXPECT_LT(std::fabs(find(ms, "jjt_mean", j)->value / ref.value(j, 0, "jjt_mean") - 1), 1e-12) << j;
      EXPECT_LT(std::fabs(find(ms, "sigma_max", j)->value / ref.value(j, 0, "sigma_max") - 1), 1e-12) << j;
    }
  }
  // The top layer's zero rows of D are exact in any precision: the explicit product keeps
  // them as zero columns, the QR sweep as a zero on T's diagonal.
  for (const char* m : {"chain.explicit_svd", "chain.qr_jacobi"}) {
    const auto ms = run<double>(m, c, s);  // find() points into it
    const cb::Measurement* k = find(ms, "log10_kappa", 3);
    ASSERT_TRUE(k) << m;
    EXPECT_EQ(k->status, "ok") << m << ": " << k->reason;
    EXPECT_TRUE(std::isinf(k->value)) << m;
  }
}

TEST(ChainAccuracy, ChainsAreReproducibleAndDeeperChainsExtendShallowerOnes) {
  const auto a = cb::generate_chain(spec(8, {10}, cb::Init::orthogonal), 7);
  const auto b = cb::generate_chain(spec(8, {10}, cb::Init::orthogonal), 7);
  const auto deeper = cb::generate_chain(spec(8, {20}, cb::Init::orthogonal), 7);
  const auto other = cb::generate_chain(spec(8, {10}, cb::Init::orthogonal), 8);
  for (int l = 0; l < 10; ++l) {
    EXPECT_TRUE(arma::approx_equal(a.W[l], b.W[l], "absdiff", 0.0));
    EXPECT_TRUE(arma::approx_equal(a.W[l], deeper.W[l], "absdiff", 0.0));
    EXPECT_FALSE(arma::approx_equal(a.W[l], other.W[l], "absdiff", 0.0));
  }
  EXPECT_TRUE(arma::approx_equal(a.g, b.g, "absdiff", 0.0));
  EXPECT_EQ(spec(8, {10}).case_id(7), "chain:d8:gaussian:s=1:linear:L10:s7");
}
