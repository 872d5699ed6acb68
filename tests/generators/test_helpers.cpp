// The shared generator helpers: the reproducible RNG, Haar matrices, accurate products, typed parameters.
#include <cblas.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "studies/generators/construct.hpp"
#include "studies/generators/params.hpp"
#include "studies/generators/rng.hpp"

namespace condbench {
namespace {

constexpr double u = 0x1p-53;

TEST(Rng, StreamsOfOneSeedAreReproducibleAndDistinct) {
  Rng a(11, 1), b(11, 1), c(11, 2), d(12, 1);
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.bits();
    EXPECT_EQ(x, b.bits());
    EXPECT_NE(x, c.bits());
    EXPECT_NE(x, d.bits());
  }
}

TEST(Rng, EngineIsTheStandardMt19937_64) {
  // The standard fixes the 10000th output of a default-seeded mt19937_64 ([rand.predef]);
  // Rng's engine is that engine, seeded from splitmix64.
  std::mt19937_64 std_engine;
  std_engine.discard(9999);
  EXPECT_EQ(std_engine(), 9981545732273789042ull);
  Rng r(5, 0);
  std::mt19937_64 same(splitmix64(5 ^ splitmix64(0)));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(r.bits(), same());
}

TEST(Rng, UniformUsesTheTop53Bits) {
  Rng r(3), raw(3);
  for (int i = 0; i < 1000; ++i) {
    const double x = r.uniform();
    EXPECT_EQ(x, static_cast<double>(raw.bits() >> 11) * 0x1p-53);
    EXPECT_GE(x, 0.0);
    EXPECT_LT(x, 1.0);
  }
}

TEST(Rng, NormalHasStandardMoments) {
  Rng r(2024);
  const int N = 200000;
  double s = 0, s2 = 0, s4 = 0;
  for (int i = 0; i < N; ++i) {
    const double z = r.normal();
    s += z;
    s2 += z * z;
    s4 += z * z * z * z;
  }
  // Five standard errors: mean 1/sqrt(N), variance sqrt(2/N), fourth moment sqrt(96/N).
  EXPECT_NEAR(s / N, 0.0, 5 / std::sqrt(N));
  EXPECT_NEAR(s2 / N, 1.0, 5 * std::sqrt(2.0 / N));
  EXPECT_NEAR(s4 / N, 3.0, 5 * std::sqrt(96.0 / N));
}

TEST(Haar, ColumnsAreOrthonormalAndRHasPositiveDiagonal) {
  const arma::uword m = 60, n = 25;
  Rng r1(8, 1), r2(8, 1);
  const arma::mat Q = haar_orthonormal_columns(r1, m, n);
  arma::mat G(m, n);
  r2.fill_normal(G.memptr(), G.n_elem);
  EXPECT_LE(arma::norm(Q.t() * Q - arma::eye(n, n)), 10 * m * u);
  // G = Q R with R upper triangular, diag(R) > 0: the unique QR that makes Q Haar.
  const arma::mat R = Q.t() * G;
  EXPECT_LE(arma::norm(arma::trimatl(R, -1)), 10 * m * u * arma::norm(G));
  EXPECT_GT(R.diag().min(), 0.0);
  EXPECT_LE(arma::norm(Q * R - G), 10 * m * u * arma::norm(G));
}

TEST(AccurateMatvec, IsCorrectlyRoundedWhereDoubleLosesEverything) {
  // 1e16 + 1 - 1e16: plain double summation returns 0 (1e16 + 1 rounds to 1e16), the exact value is 1.
  const arma::mat A = {{1e16, 1.0, -1e16}, {0.1, 0.2, 0.3}};
  const arma::vec x = {1.0, 1.0, 1.0};
  const arma::vec add = {0.5, 0.0};
  EXPECT_EQ(accurate_matvec(A, x)[0], 1.0);
  EXPECT_EQ(accurate_matvec(A, x, &add)[0], 1.5);
  // 0.1 + 0.2 + 0.3 of the stored doubles, rounded once (exact in long double: 56 bits).
  const long double exact =
      static_cast<long double>(0.1) + static_cast<long double>(0.2) + static_cast<long double>(0.3);
  EXPECT_EQ(accurate_matvec(A, x)[1], static_cast<double>(exact));
}

TEST(ProjectOut, LeavesAVectorOrthogonalToTheRange) {
  Rng r(4);
  const arma::mat Q = haar_orthonormal_columns(r, 80, 30);
  arma::vec g(80);
  r.fill_normal(g.memptr(), g.n_elem);
  const arma::vec p = project_out(Q, g);
  EXPECT_LE(arma::norm(Q.t() * p), 10 * 80 * u * arma::norm(p));
  EXPECT_NEAR(norm2(p), arma::norm(p), 4 * u * arma::norm(p));
  EXPECT_NEAR(norm2(arma::vec{3e200, 4e200}), 5e200, 4 * u * 5e200);  // no overflow in the squares
}

TEST(SingleThreadedBlas, PinsOneThreadAndRestoresTheCount) {
  openblas_set_num_threads(2);
  {
    const SingleThreadedBlas pin;
    EXPECT_EQ(openblas_get_num_threads(), 1);
  }
  EXPECT_EQ(openblas_get_num_threads(), 2);
}

TEST(ParamReader, TypedAccessDefaultsAndErrors) {
  const ParamMap p{{"a", 2.0}, {"s", "x"}, {"f", true}};
  ParamReader r(p, {"a", "s", "f", "opt"});
  EXPECT_EQ(r.number("a"), 2.0);
  EXPECT_EQ(r.number("opt", 7.0), 7.0);
  EXPECT_EQ(r.string("s", ""), "x");
  EXPECT_TRUE(r.boolean("f", false));
  EXPECT_EQ(r.choice("s", {"x", "y"}, "y"), "x");
  auto key_of = [](auto&& f) {
    try {
      f();
    } catch (const ParamError& e) {
      return e.key;
    }
    return std::string("<none>");
  };
  EXPECT_EQ(key_of([&] { r.number("s"); }), "s");
  EXPECT_EQ(key_of([&] { r.string("a", ""); }), "a");
  EXPECT_EQ(key_of([&] { r.boolean("a", false); }), "a");
  EXPECT_EQ(key_of([&] { r.number("opt"); }), "opt");
  EXPECT_EQ(key_of([&] { r.number_at_least("a", 3.0); }), "a");
  EXPECT_EQ(key_of([&] { r.choice("s", {"y", "z"}, "y"); }), "s");
  EXPECT_EQ(key_of([&] { ParamReader(p, {"a", "s"}); }), "f");
  EXPECT_EQ(key_of([] { check_dense_shape(3, 0); }), "n");
  EXPECT_EQ(key_of([] { check_dense_shape(3, 3); }), "<none>");
}

}  // namespace
}  // namespace condbench
