// randsvd_fast: butterfly factors are orthogonal and dense, the spectrum is the prescribed
// one, the bits do not depend on the machine's threads, and bad parameters are refused.
#include <gtest/gtest.h>

#include <armadillo>
#include <cmath>
#include <cstring>

#include "studies/generators/butterfly.hpp"
#include "studies/generators/generator.hpp"
#include "studies/generators/grammar.hpp"

namespace condbench {
namespace {

constexpr double u = 0x1p-53;

const Generator& fast() {
  const Generator* g = GeneratorRegistry::instance().find("randsvd_fast");
  if (!g) throw std::runtime_error("randsvd_fast is not registered");
  return *g;
}

TEST(Butterfly, OrthogonalAndDenseForEverySize) {
  for (arma::uword n : {1u, 2u, 7u, 64u, 100u}) {
    Rng rng(3, 1);
    const Butterfly q(n, rng);
    arma::mat Q(n, n, arma::fill::eye);
    q.apply(Q.memptr(), n);
    const double levels = q.levels();
    const int sweep = n == 1 ? 0 : static_cast<int>(std::ceil(std::log2(static_cast<double>(n))));
    EXPECT_EQ(q.levels(), (n & (n - 1)) == 0 ? sweep : 2 * sweep) << n;
    EXPECT_LE(arma::norm(Q.t() * Q - arma::eye(n, n), "fro"), 4 * (levels + 1) * std::sqrt(double(n)) * u) << n;
    // Full depth: every output depends on every input (a zero would need an angle hitting 0).
    if (n == 64 || n == 100) {
      EXPECT_EQ(arma::accu(Q == 0.0), 0u) << n;
    }
  }
}

TEST(RandSvdFast, SpectrumIsThePrescribedOne) {
  for (const char* mode : {"geometric", "one_small", "arithmetic"})
    for (int n : {33, 64}) {
      const double kappa = 1e6;
      const Problem p = fast().generate({{"kappa", kappa}, {"mode", std::string(mode)}}, n, n, 5);
      const arma::vec s = arma::svd(p.A);
      EXPECT_NEAR(s.max() / s.min() / kappa, 1, 1e-8) << mode << " n " << n;
      EXPECT_NEAR(s.max(), 1, 20 * n * u);
      EXPECT_EQ(p.kappa_nominal, kappa);
      EXPECT_LE(arma::norm(p.A * p.x_true - p.b) / arma::norm(p.b), 4 * u);
    }
}

TEST(RandSvdFast, SpdIsSymmetricBitForBitAndPositiveDefinite) {
  const Problem p = fast().generate({{"kappa", 1e4}, {"kind", std::string("spd")}}, 50, 50, 9);
  EXPECT_EQ(p.kind, ProblemKind::spd);
  EXPECT_TRUE(arma::approx_equal(p.A, p.A.t(), "absdiff", 0.0));
  const arma::vec ev = arma::eig_sym(p.A);
  EXPECT_GT(ev.min(), 0);
  EXPECT_NEAR(ev.max() / ev.min() / 1e4, 1, 1e-9);
}

// Plain loops, no BLAS: the same bits for one and for two BLAS threads, and per seed.
TEST(RandSvdFast, ReproducibleAndSeedDependent) {
  const ParamMap params{{"kappa", 1e3}};
  const Problem a = fast().generate(params, 600, 600, 1);  // large enough for the two-thread path
  const Problem b = fast().generate(params, 600, 600, 1);
  const Problem c = fast().generate(params, 600, 600, 2);
  EXPECT_EQ(std::memcmp(a.A.memptr(), b.A.memptr(), a.A.n_elem * sizeof(double)), 0);
  EXPECT_EQ(std::memcmp(a.b.memptr(), b.b.memptr(), a.b.n_elem * sizeof(double)), 0);
  EXPECT_FALSE(arma::approx_equal(a.A, c.A, "absdiff", 0.0));
  EXPECT_EQ(a.case_id, "randsvd_fast:kappa=1000:kind=general:mode=geometric:scale=1:600x600:s1");
}

TEST(RandSvdFast, RefusesWhatItCannotMake) {
  auto err = fast().validate({{"kappa", 10.0}}, 20, 10);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->key, "m");
  err = fast().validate({{"kappa", 10.0}, {"kind", std::string("least_squares")}}, 20, 20);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->key, "kind");
  err = fast().validate({{"kappa", 10.0}, {"residual", std::string("large")}}, 20, 20);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->key, "residual");
  err = fast().validate({{"kappa", 0.5}}, 20, 20);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->key, "kappa");
  EXPECT_EQ(fast().info().peak_matrices, 1) << "one n x n matrix: what makes large n possible";
}

TEST(RandSvdFast, NamesRoundTrip) {
  const Problem p = fast().generate({{"kappa", 1e3}, {"kind", std::string("spd")}, {"mode", std::string("one_small")}},
                                    8, 8, 1);
  const ParsedName parsed = parse_problem_name(p.name);
  EXPECT_EQ(parsed.generator, "randsvd_fast");
  EXPECT_EQ(std::get<std::string>(parsed.params.at("kind")), "spd");
  EXPECT_EQ(std::get<std::string>(parsed.params.at("mode")), "one_small");
}

}  // namespace
}  // namespace condbench
