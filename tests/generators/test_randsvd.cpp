// The randsvd generator: spectrum, structure, residual, reproducibility, parameter errors, ids.
#include <cblas.h>
#include <gtest/gtest.h>

#include <armadillo>
#include <cmath>
#include <string>
#include <vector>

#include "studies/generators/generator.hpp"

namespace condbench {
namespace {

constexpr double u = 0x1p-53;

const Generator& randsvd() {
  const Generator* g = GeneratorRegistry::instance().find("randsvd");
  if (!g) throw std::runtime_error("randsvd is not registered");
  return *g;
}

Problem make(ParamMap params, int m, int n, std::uint64_t seed = 1) { return randsvd().generate(params, m, n, seed); }

// The spectrum the modes promise, largest first (log_uniform excluded: it is random).
arma::vec expected_sigma(const std::string& mode, double k, arma::uword p) {
  arma::vec s(p);
  for (arma::uword i = 0; i < p; ++i) {
    const double t = p == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(p - 1);
    if (mode == "one_large") s[i] = i == 0 ? 1 : 1 / k;
    if (mode == "one_small") s[i] = i + 1 == p ? 1 / k : 1;
    if (mode == "geometric") s[i] = std::pow(k, -t);
    if (mode == "arithmetic") s[i] = 1 - t * (1 - 1 / k);
  }
  return arma::sort(s, "descend");
}

// Absolute perturbation bound for singular values of the formed matrix (Weyl): the
// formation and the SVD each perturb A by O(max(m,n) u ||A||), whatever kappa is.
double sigma_tol(int m, int n, double sigma_max) { return 10.0 * std::max(m, n) * u * sigma_max; }

bool bit_identical(const arma::mat& a, const arma::mat& b) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols &&
         std::memcmp(a.memptr(), b.memptr(), sizeof(double) * a.n_elem) == 0;
}

// The residual b - A x, in long double so it is not mostly rounding.
arma::vec residual_ld(const arma::mat& A, const arma::vec& x, const arma::vec& b) {
  arma::vec r(A.n_rows);
  for (arma::uword i = 0; i < A.n_rows; ++i) {
    long double s = b[i];
    for (arma::uword j = 0; j < A.n_cols; ++j) s -= static_cast<long double>(A(i, j)) * x[j];
    r[i] = static_cast<double>(s);
  }
  return r;
}

struct Shape {
  std::string kind;
  int m, n;
};

const std::vector<std::string> kDeterministicModes{"one_large", "one_small", "geometric", "arithmetic"};
const std::vector<Shape> kShapes{
    {"general", 50, 50}, {"spd", 50, 50}, {"least_squares", 100, 50}, {"underdetermined", 30, 60}};

TEST(RandSvdSpectrum, SingularValuesMatchEveryModeAndKind) {
  const double k = 1e6;
  for (const auto& sh : kShapes) {
    for (const auto& mode : kDeterministicModes) {
      SCOPED_TRACE(sh.kind + " " + mode);
      const Problem pr = make({{"kappa", k}, {"mode", mode}, {"kind", sh.kind}}, sh.m, sh.n);
      const arma::vec want = expected_sigma(mode, k, std::min(sh.m, sh.n));
      const arma::vec got = arma::svd(pr.A);
      ASSERT_EQ(got.n_elem, want.n_elem);
      EXPECT_LE(arma::abs(got - want).max(), sigma_tol(sh.m, sh.n, 1.0));
      EXPECT_EQ(pr.kappa_nominal, k);
    }
  }
}

TEST(RandSvdSpectrum, LogUniformLiesInRangeAndReportsItsDrawnKappa) {
  const double k = 1e8;
  for (const auto& sh : kShapes) {
    SCOPED_TRACE(sh.kind);
    const Problem pr = make({{"kappa", k}, {"mode", "log_uniform"}, {"kind", sh.kind}}, sh.m, sh.n);
    const arma::vec s = arma::svd(pr.A);
    EXPECT_LE(s.max(), 1.0 + sigma_tol(sh.m, sh.n, 1.0));
    EXPECT_GE(s.min(), 1.0 / k - sigma_tol(sh.m, sh.n, 1.0));
    EXPECT_LT(pr.kappa_nominal, k);  // a continuous draw never hits the end points
    EXPECT_NEAR(s.max() / s.min(), pr.kappa_nominal, 0.01 * pr.kappa_nominal);
  }
}

TEST(RandSvdSpectrum, MeasuredKappaWithinOnePercentUpTo1e12) {
  const std::vector<Shape> shapes{{"general", 10, 10}, {"general", 50, 50}, {"least_squares", 100, 50}};
  for (const auto& sh : shapes)
    for (const auto& mode : {"one_large", "one_small", "geometric", "arithmetic", "log_uniform"})
      for (double k : {2.0, 1e4, 1e8, 1e12}) {
        SCOPED_TRACE(sh.kind + " " + std::to_string(sh.n) + " " + mode + " " + std::to_string(k));
        const Problem pr = make({{"kappa", k}, {"mode", mode}, {"kind", sh.kind}}, sh.m, sh.n, 7);
        const arma::vec s = arma::svd(pr.A);
        EXPECT_NEAR(s.max() / s.min(), pr.kappa_nominal, 0.01 * pr.kappa_nominal);
      }
}

TEST(RandSvdSpectrum, ScaleMultipliesTheSpectrumNotKappa) {
  const Problem pr = make({{"kappa", 100.0}, {"scale", 1e-200}}, 20, 20);
  const arma::vec s = arma::svd(pr.A);
  EXPECT_NEAR(s.max(), 1e-200, sigma_tol(20, 20, 1e-200));
  EXPECT_NEAR(s.max() / s.min(), 100.0, 1.0);
  EXPECT_EQ(pr.kappa_nominal, 100.0);
}

TEST(RandSvdSpd, ExactlySymmetricWithPositiveEigenvaluesEqualToSigma) {
  for (const auto& mode : kDeterministicModes) {
    SCOPED_TRACE(mode);
    const double k = 1e12;
    const Problem pr = make({{"kappa", k}, {"mode", mode}, {"kind", "spd"}}, 40, 40);
    EXPECT_TRUE(bit_identical(pr.A, pr.A.t()));
    const arma::vec ev = arma::eig_sym(pr.A);  // ascending
    EXPECT_GT(ev.min(), 0.0);
    const arma::vec want = arma::sort(expected_sigma(mode, k, 40), "ascend");
    EXPECT_LE(arma::abs(ev - want).max(), sigma_tol(40, 40, 1.0));
  }
}

TEST(RandSvdLeastSquares, ResidualHasRequestedSizeAndIsOrthogonalToRange) {
  const int m = 100, n = 50;
  for (double res : {1.0, 1e-2, 1e3}) {
    SCOPED_TRACE(res);
    const Problem pr = make({{"kappa", 1e6}, {"kind", "least_squares"}, {"residual", res}}, m, n);
    EXPECT_FALSE(pr.zero_residual);
    const arma::vec r = residual_ld(pr.A, pr.x_true, pr.b);
    const arma::vec Ax = pr.b - r;
    // b is rounded to double: an error of u ||b|| in r, relative to res ||A x||.
    const double tol = 10 * m * u * (1 + res) / res;
    EXPECT_NEAR(arma::norm(r) / arma::norm(Ax), res, tol * res);
    EXPECT_LE(arma::norm(pr.A.t() * r) / (arma::norm(pr.A) * arma::norm(r)), tol);
  }
}

TEST(RandSvdLeastSquares, ZeroResidualMeansBIsAxTrue) {
  const Problem pr = make({{"kappa", 1e6}, {"kind", "least_squares"}, {"residual", "zero"}}, 100, 50);
  EXPECT_TRUE(pr.zero_residual);
  EXPECT_LE(arma::norm(residual_ld(pr.A, pr.x_true, pr.b)), 2 * u * arma::norm(pr.b));
}

TEST(RandSvdLeastSquares, XTrueIsTheLeastSquaresSolution) {
  const int m = 100, n = 50;
  const double k = 10, res = 1;
  const Problem pr = make({{"kappa", k}, {"kind", "least_squares"}, {"residual", "large"}}, m, n);
  const arma::vec x = arma::solve(pr.A, pr.b);  // Householder QR (dgels)
  // QR's forward error bound for LS: u (kappa + kappa^2 ||r||/(||A|| ||x||)).
  EXPECT_LE(arma::norm(x - pr.x_true) / arma::norm(pr.x_true), 10 * m * u * (k + k * k * res));
}

TEST(RandSvdUnderdetermined, XTrueSolvesExactlyAndIsTheMinimumNormSolution) {
  const int m = 30, n = 60;
  const double k = 100;
  const Problem pr = make({{"kappa", k}, {"kind", "underdetermined"}}, m, n);
  EXPECT_LE(arma::norm(residual_ld(pr.A, pr.x_true, pr.b)), 2 * u * arma::norm(pr.b));
  // In the row space: its component outside range(A^T) vanishes (the basis is accurate to ~kappa u).
  const arma::mat Q = arma::orth(pr.A.t());
  ASSERT_EQ(Q.n_cols, static_cast<arma::uword>(m));
  const arma::vec outside = pr.x_true - Q * (Q.t() * pr.x_true);
  EXPECT_LE(arma::norm(outside) / arma::norm(pr.x_true), 10 * n * u * k);
  const arma::vec x_min = arma::pinv(pr.A) * pr.b;
  EXPECT_LE(arma::norm(x_min - pr.x_true) / arma::norm(pr.x_true), 10 * n * u * k);
}

TEST(RandSvdReproducibility, SameSeedGivesIdenticalBits) {
  for (const auto& sh : kShapes) {
    SCOPED_TRACE(sh.kind);
    ParamMap p{{"kappa", 1e8}, {"kind", sh.kind}, {"mode", "log_uniform"}};
    if (sh.kind == "least_squares") p["residual"] = 0.5;
    const Problem a = make(p, sh.m, sh.n, 42), b = make(p, sh.m, sh.n, 42);
    EXPECT_TRUE(bit_identical(a.A, b.A));
    EXPECT_TRUE(bit_identical(a.b, b.b));
    EXPECT_TRUE(bit_identical(a.x_true, b.x_true));
    EXPECT_EQ(a.kappa_nominal, b.kappa_nominal);
  }
}

// Sizes where OpenBLAS 0.3.21's threaded gemm and geqrf round differently from one thread.
TEST(RandSvdReproducibility, OneAndTwoBlasThreadsGiveIdenticalBits) {
  const std::vector<Shape> shapes{
      {"general", 300, 300}, {"spd", 300, 300}, {"least_squares", 400, 200}, {"underdetermined", 150, 300}};
  const int saved = openblas_get_num_threads();
  for (const auto& sh : shapes) {
    SCOPED_TRACE(sh.kind);
    ParamMap p{{"kappa", 1e10}, {"kind", sh.kind}};
    if (sh.kind == "least_squares") p["residual"] = "large";
    openblas_set_num_threads(1);
    const Problem one = make(p, sh.m, sh.n, 3);
    openblas_set_num_threads(2);
    const Problem two = make(p, sh.m, sh.n, 3);
    EXPECT_EQ(openblas_get_num_threads(), 2);  // generation restores the caller's setting
    EXPECT_TRUE(bit_identical(one.A, two.A));
    EXPECT_TRUE(bit_identical(one.b, two.b));
    EXPECT_TRUE(bit_identical(one.x_true, two.x_true));
  }
  openblas_set_num_threads(saved);
}

TEST(RandSvdReproducibility, DifferentSeedsGiveDifferentProblems) {
  const ParamMap p{{"kappa", 1e3}};
  const Problem a = make(p, 20, 20, 1), b = make(p, 20, 20, 2);
  EXPECT_GT(arma::norm(a.A - b.A), 0.1);
  EXPECT_GT(arma::norm(a.x_true - b.x_true), 0.1);
  EXPECT_NE(a.case_id, b.case_id);
}

TEST(RandSvdReproducibility, SameSeedAtAnotherKappaKeepsSingularVectorsAndXTrue) {
  const int n = 12;
  const Problem a = make({{"kappa", 10.0}}, n, n, 5), b = make({{"kappa", 1e6}}, n, n, 5);
  EXPECT_TRUE(bit_identical(a.x_true, b.x_true));
  arma::mat Ua, Va, Ub, Vb;
  arma::vec sa, sb;
  ASSERT_TRUE(arma::svd(Ua, sa, Va, a.A));
  ASSERT_TRUE(arma::svd(Ub, sb, Vb, b.A));
  // Geometric spectra have well separated singular values, so each vector is determined up to sign.
  EXPECT_LE(arma::abs(arma::abs(arma::diagvec(Ua.t() * Ub)) - 1).max(), 1e-8);
  EXPECT_LE(arma::abs(arma::abs(arma::diagvec(Va.t() * Vb)) - 1).max(), 1e-8);
}

TEST(RandSvdParams, ModeNumberIsTheDlatmsModeAndGivesTheSameProblem) {
  const Problem by_number = make({{"kappa", 1e4}, {"mode", 3.0}}, 8, 8);
  const Problem by_name = make({{"kappa", 1e4}, {"mode", "geometric"}}, 8, 8);
  EXPECT_TRUE(bit_identical(by_number.A, by_name.A));
  EXPECT_EQ(by_number.case_id, by_name.case_id);
  EXPECT_EQ(make({{"kappa", 1e4}, {"mode", 1.0}}, 8, 8).name, "svd_onelarge");
  EXPECT_EQ(make({{"kappa", 1e4}, {"mode", 5.0}}, 8, 8).name, "svd_logrand");
}

// validate() returns a ParamError naming `key`; generate() throws the same.
void expect_param_error(const ParamMap& p, int m, int n, const std::string& key, const std::string& mentions = "") {
  const auto err = randsvd().validate(p, m, n);
  ASSERT_TRUE(err.has_value()) << "no error for key " << key;
  EXPECT_EQ(err->key, key) << err->message;
  if (!mentions.empty()) {
    EXPECT_NE(err->message.find(mentions), std::string::npos) << err->message;
  }
  EXPECT_THROW(randsvd().generate(p, m, n, 1), ParamError);
}

TEST(RandSvdParams, EveryBadParameterIsAParamErrorNamingItsKey) {
  expect_param_error({{"kappa", 10.0}, {"kapa", 3.0}}, 5, 5, "kapa", "valid: kappa, kind, mode, residual, scale");
  expect_param_error({{"kappa", 0.5}}, 5, 5, "kappa", "0.5");
  expect_param_error({{"kappa", std::nan("")}}, 5, 5, "kappa", "nan");
  expect_param_error({{"kappa", INFINITY}}, 5, 5, "kappa");
  expect_param_error({}, 5, 5, "kappa", "required");
  expect_param_error({{"kappa", "big"}}, 5, 5, "kappa", "number");
  expect_param_error({{"kappa", 10.0}, {"mode", "quadratic"}}, 5, 5, "mode", "quadratic");
  expect_param_error({{"kappa", 10.0}, {"mode", 6.0}}, 5, 5, "mode");
  expect_param_error({{"kappa", 10.0}, {"mode", 2.5}}, 5, 5, "mode");
  expect_param_error({{"kappa", 10.0}, {"mode", true}}, 5, 5, "mode");
  expect_param_error({{"kappa", 10.0}, {"kind", "banded"}}, 5, 5, "kind", "banded");
  expect_param_error({{"kappa", 10.0}, {"kind", 1.0}}, 5, 5, "kind", "string");
  expect_param_error({{"kappa", 10.0}, {"residual", 1.0}}, 5, 5, "residual", "least_squares");
  expect_param_error({{"kappa", 10.0}, {"kind", "spd"}, {"residual", "large"}}, 5, 5, "residual");
  expect_param_error({{"kappa", 10.0}, {"kind", "least_squares"}, {"residual", -1.0}}, 10, 5, "residual");
  expect_param_error({{"kappa", 10.0}, {"kind", "least_squares"}, {"residual", "huge"}}, 10, 5, "residual");
  expect_param_error({{"kappa", 10.0}, {"scale", 0.0}}, 5, 5, "scale");
  expect_param_error({{"kappa", 10.0}, {"scale", "big"}}, 5, 5, "scale");
}

TEST(RandSvdParams, ShapeErrorsNameTheSize) {
  expect_param_error({{"kappa", 10.0}}, 5, 0, "n");
  expect_param_error({{"kappa", 10.0}}, 5, -3, "n");
  expect_param_error({{"kappa", 10.0}}, 0, 5, "m");
  expect_param_error({{"kappa", 10.0}}, 6, 5, "m", "m == n");
  expect_param_error({{"kappa", 10.0}, {"kind", "spd"}}, 4, 5, "m", "m == n");
  expect_param_error({{"kappa", 10.0}, {"kind", "least_squares"}}, 5, 5, "m", "m > n");
  expect_param_error({{"kappa", 10.0}, {"kind", "underdetermined"}}, 5, 5, "m", "m < n");
  expect_param_error({{"kappa", 10.0}}, 2000000, 2000000, "n", "physical memory");  // 32 TB
  EXPECT_FALSE(randsvd().validate({{"kappa", 10.0}}, 5, 5).has_value());
}

TEST(RandSvdIds, CaseIdHoldsEveryResolvedParameterShapeAndSeed) {
  const Problem ls = make({{"kappa", 1e10}, {"kind", "least_squares"}, {"residual", 1.0}}, 40, 20, 2);
  EXPECT_EQ(ls.case_id, "randsvd:kappa=10000000000:kind=least_squares:mode=geometric:residual=large:scale=1:40x20:s2");
  const Problem sq = make({{"kappa", 2.5}, {"mode", 4.0}, {"scale", 1e-300}}, 6, 6, 9);
  EXPECT_EQ(sq.case_id, "randsvd:kappa=2.5:kind=general:mode=arithmetic:scale=1e-300:6x6:s9");
  EXPECT_EQ(sq.params.at("mode"), "arithmetic");
  EXPECT_EQ(sq.generator, "randsvd");
  EXPECT_EQ(sq.seed, 9u);
}

TEST(RandSvdIds, NamesFollowTheMatgenLikeGrammar) {
  EXPECT_EQ(make({{"kappa", 10.0}}, 4, 4).name, "svd_geo");
  EXPECT_EQ(make({{"kappa", 10.0}, {"mode", "one_small"}}, 4, 4).name, "svd_onesmall");
  EXPECT_EQ(make({{"kappa", 10.0}, {"kind", "spd"}, {"mode", "log_uniform"}}, 4, 4).name, "spd_logrand");
  EXPECT_EQ(make({{"kappa", 10.0}, {"kind", "least_squares"}, {"residual", "large"}}, 8, 4).name, "ls_geo_r1");
  EXPECT_EQ(make({{"kappa", 10.0}, {"kind", "least_squares"}, {"residual", 0.01}}, 8, 4).name, "ls_geo_r0.01");
  EXPECT_EQ(make({{"kappa", 10.0}, {"kind", "least_squares"}}, 8, 4).name, "ls_geo");
  EXPECT_EQ(make({{"kappa", 10.0}, {"kind", "underdetermined"}, {"mode", "arithmetic"}}, 2, 4).name, "under_arith");
}

TEST(RandSvdInfo, KindsDefaultShapesAndDocumentedParameters) {
  const Generator& g = randsvd();
  EXPECT_EQ(g.kind({{"kappa", 10.0}}), ProblemKind::general);
  EXPECT_EQ(g.kind({{"kappa", 10.0}, {"kind", "spd"}}), ProblemKind::spd);
  EXPECT_EQ(g.default_m({{"kappa", 10.0}}, 30), 30);
  EXPECT_EQ(g.default_m({{"kappa", 10.0}, {"kind", "least_squares"}}, 30), 60);
  EXPECT_EQ(g.default_m({{"kappa", 10.0}, {"kind", "underdetermined"}}, 30), 15);
  EXPECT_EQ(g.default_m({{"kappa", 10.0}, {"kind", "underdetermined"}}, 1), 1);
  std::vector<std::string> documented;
  for (const auto& d : g.info().params) {
    documented.push_back(d.name);
    EXPECT_FALSE(d.help.empty()) << d.name;
  }
  EXPECT_EQ(documented, (std::vector<std::string>{"kappa", "mode", "kind", "residual", "scale", "zero_columns",
                                                  "perturb", "perturb_direction"}));
  EXPECT_EQ(g.info().params[0].default_value, "");  // kappa is required
  EXPECT_NE(g.info().description.find("same U, V"), std::string::npos);
}

}  // namespace
}  // namespace condbench
