// Modifiers (zero columns, scaling near under/overflow, the perturbation of b), the
// problem-name grammar, and the regression generator.
#include <gtest/gtest.h>

#include <armadillo>
#include <cfloat>
#include <cmath>
#include <string>

#include "studies/generators/generator.hpp"
#include "studies/generators/grammar.hpp"
#include "studies/generators/modifiers.hpp"

namespace condbench {
namespace {

constexpr double u = 0x1p-53;

const Generator& gen(const std::string& name) { return *GeneratorRegistry::instance().find(name); }
Problem make(const std::string& name, ParamMap p, int n, int m = -1, std::uint64_t seed = 1) {
  const Generator& g = gen(name);
  return g.generate(p, m < 0 ? g.default_m(p, n) : m, n, seed);
}

// ------------------------------------------------------------------ modifiers
TEST(Modifiers, ZeroColumnsAreZeroAndXTrueIsZeroThere) {
  for (const char* g : {"pascal", "randsvd"}) {
    ParamMap p{{"zero_columns", 3.0}};
    if (std::string(g) == "randsvd") p["kappa"] = 100.0;
    const Problem pr = make(g, p, 10);
    for (int j = 7; j < 10; ++j) {
      EXPECT_TRUE(arma::all(pr.A.col(j) == 0.0)) << g << " column " << j;
      EXPECT_EQ(pr.x_true(j), 0) << g;
    }
    EXPECT_TRUE(arma::any(pr.A.col(6) != 0.0));
    EXPECT_TRUE(std::isinf(pr.kappa_nominal));
    EXPECT_EQ(pr.kind, ProblemKind::general);
    EXPECT_NE(pr.name.find("zerocol3"), std::string::npos) << pr.name;
  }
  const Problem ls = make("randsvd", {{"kappa", 10.0}, {"kind", "least_squares"}, {"zero_columns", 2.0}}, 6);
  EXPECT_TRUE(arma::all(ls.A.col(5) == 0.0));
  EXPECT_TRUE(gen("randsvd").validate({{"kappa", 10.0}, {"kind", "spd"}, {"zero_columns", 1.0}}, 4, 4).has_value());
  EXPECT_TRUE(gen("pascal").validate({{"zero_columns", 5.0}}, 4, 4).has_value());
}

TEST(Modifiers, NamedScalesLandNearLapacksThresholdsByAPowerOfTwo) {
  const double small64 = 0.25 * DBL_MIN / DBL_EPSILON, small32 = 0.25 * FLT_MIN / FLT_EPSILON;
  struct Case {
    const char* name;
    double target;
  };
  for (const Case c : {Case{"ufl", small64}, Case{"ofl", 1 / small64}, Case{"ufl32", small32},
                       Case{"ofl32", 1 / small32}}) {
    EXPECT_EQ(named_scale_target(c.name), c.target);
    const Problem p = make("pascal", {{"scale", c.name}}, 6);
    const double mx = arma::abs(p.A).max();
    EXPECT_GE(mx, c.target / 2) << c.name;
    EXPECT_LT(mx, c.target) << c.name;
    EXPECT_EQ(p.params.at("exact_f64"), "true") << c.name;  // a power of two keeps it exact
    EXPECT_TRUE(p.b.is_finite());
    const Problem plain = make("pascal", {}, 6);
    const double f = std::stod(p.params.at("scale_factor"));
    int e = 0;
    EXPECT_EQ(std::frexp(f, &e), 0.5);  // a power of two
    EXPECT_TRUE(arma::approx_equal(p.A, plain.A * f, "absdiff", 0));
    // randsvd too
    const Problem r = make("randsvd", {{"kappa", 1e3}, {"scale", c.name}}, 8);
    EXPECT_GE(arma::abs(r.A).max(), c.target / 2);
    EXPECT_LT(arma::abs(r.A).max(), c.target);
    EXPECT_TRUE(r.b.is_finite());
  }
  // near float32 underflow the matrix is still normal in float32
  const Problem p32 = make("kms", {{"scale", "ufl32"}}, 6);
  EXPECT_GE(static_cast<float>(arma::abs(p32.A).max()), FLT_MIN);
  EXPECT_TRUE(gen("kms").validate({{"scale", "huge"}}, 4, 4).has_value());
}

TEST(Modifiers, WorstPerturbationIsAlongUMinAndAmplifiedByAboutKappa) {
  const int n = 20;
  const double eps = 1e-8;
  for (double kappa : {1e3, 1e6}) {
    const ParamMap base{{"kappa", kappa}};
    ParamMap pp = base;
    pp["perturb"] = eps;
    const Problem p0 = make("randsvd", base, n), p = make("randsvd", pp, n);
    EXPECT_TRUE(arma::approx_equal(p0.x_true, p.x_true, "absdiff", 0));  // x_true stays unperturbed
    EXPECT_TRUE(arma::approx_equal(p0.A, p.A, "absdiff", 0));
    const arma::vec db = p.b - p0.b;
    EXPECT_NEAR(arma::norm(db) / arma::norm(p0.b), eps, 4 * u);  // realized size
    // A^T-side check: A^T u_min = sigma_min v_min, so ||A^T db|| / ||db|| = sigma_min
    const arma::vec s = arma::svd(p.A);
    const double ratio = arma::norm(p.A.t() * db) / arma::norm(db);
    EXPECT_NEAR(ratio, s.min(), 10 * n * u / eps * s.max() + 10 * n * u * s.max()) << kappa;
    // the amplification: dx = A^{-1} db has ||dx||/||x|| / eps = ||b|| / (sigma_min ||x||) <= kappa
    const arma::vec x = arma::solve(p.A, p.b);
    const double amp = arma::norm(x - p.x_true) / arma::norm(p.x_true) / eps;
    const double predicted = arma::norm(p0.b) / (s.min() * arma::norm(p.x_true));
    EXPECT_NEAR(amp, predicted, predicted * (10 * n * u * kappa / eps + 1e-6)) << kappa;
    EXPECT_LE(amp, kappa * (1 + 10 * n * u * kappa / eps));
    // a random direction is amplified far less than the worst
    pp["perturb_direction"] = "random";
    const Problem pr = make("randsvd", pp, n);
    const arma::vec dbr = pr.b - p0.b;
    EXPECT_GT(arma::norm(p.A.t() * dbr) / arma::norm(dbr), 10 * s.min());
  }
  EXPECT_TRUE(gen("hilbert").validate({{"perturb_direction", "random"}}, 4, 4).has_value());  // needs perturb
  EXPECT_TRUE(gen("hilbert").validate({{"perturb", -1.0}}, 4, 4).has_value());
}

TEST(Modifiers, TwoByTwoAmplificationMatchesKappa) {
  // the lecture's [[1,1],[1,1.0001]] with x = ones: b is along u_max, so the worst
  // perturbation of b is amplified by kappa itself (up to the rounding of the data)
  const double eps = 1e-6;
  const Problem p = make("nearly_singular", {{"perturb", eps}}, 2);
  const arma::vec x = arma::solve(p.A, p.b);
  const double amp = arma::norm(x - p.x_true) / arma::norm(p.x_true) / eps;
  const double kap = arma::cond(p.A);
  EXPECT_NEAR(amp, kap, kap * (1e-3 + 10 * u * kap / eps));
}

// ------------------------------------------------------------------ grammar
TEST(Grammar, ParsesSlateLikeNames) {
  ParsedName a = parse_problem_name("svd_geo_ufl");
  EXPECT_EQ(a.generator, "randsvd");
  EXPECT_EQ(std::get<std::string>(a.params.at("kind")), "general");
  EXPECT_EQ(std::get<std::string>(a.params.at("mode")), "geometric");
  EXPECT_EQ(std::get<std::string>(a.params.at("scale")), "ufl");
  ParsedName b = parse_problem_name("ls_arith_r0.5_zerocol3_db1e-06");
  EXPECT_EQ(std::get<std::string>(b.params.at("kind")), "least_squares");
  EXPECT_EQ(std::get<double>(b.params.at("residual")), 0.5);
  EXPECT_EQ(std::get<double>(b.params.at("zero_columns")), 3);
  EXPECT_EQ(std::get<double>(b.params.at("perturb")), 1e-6);
  ParsedName c = parse_problem_name("nearly_singular_delta1e-05_dbrand0.001");
  EXPECT_EQ(c.generator, "nearly_singular");
  EXPECT_EQ(std::get<double>(c.params.at("delta")), 1e-5);
  EXPECT_EQ(std::get<std::string>(c.params.at("perturb_direction")), "random");
  ParsedName d = parse_problem_name("regression_houseprices_gram_jitter1e-06");
  EXPECT_EQ(std::get<std::string>(d.params.at("preset")), "house_prices");
  EXPECT_EQ(std::get<std::string>(d.params.at("form")), "gram");
  EXPECT_EQ(std::get<double>(d.params.at("jitter")), 1e-6);
  EXPECT_EQ(std::get<bool>(parse_problem_name("hilbert_scaled").params.at("scaled")), true);
  EXPECT_EQ(std::get<double>(parse_problem_name("moler_alpha-2").params.at("alpha")), -2);
}

TEST(Grammar, ErrorsNameTheBadTokenAndListValidOnes) {
  auto msg = [](const std::string& n) {
    try {
      parse_problem_name(n);
    } catch (const ProblemNameError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::string m = msg("svd_geometric");
  EXPECT_NE(m.find("'geometric'"), std::string::npos) << m;
  EXPECT_NE(m.find("geo, arith, onelarge"), std::string::npos) << m;
  m = msg("hilbrt");
  EXPECT_NE(m.find("'hilbrt'"), std::string::npos) << m;
  EXPECT_NE(m.find("hilbert"), std::string::npos) << m;
  m = msg("kms_rhox");
  EXPECT_NE(m.find("'rhox'"), std::string::npos) << m;
  EXPECT_NE(m.find("rho<number>"), std::string::npos) << m;
  EXPECT_NE(m.find("zerocol<k>"), std::string::npos) << m;
  EXPECT_NE(msg("svd").find("mode"), std::string::npos);
  EXPECT_NE(msg("svd_geo_ufl_ofl").find("second time"), std::string::npos);
  EXPECT_NE(msg("pascal_r1").find("'r1'"), std::string::npos);  // residual is randsvd's
}

TEST(Grammar, GeneratedNamesRoundTrip) {
  struct Case {
    std::string gen;
    ParamMap params;
    int n;
  };
  const std::vector<Case> cases{
      {"randsvd", {{"kappa", 1e5}, {"mode", "arithmetic"}, {"scale", "ufl"}}, 6},
      {"randsvd", {{"kappa", 1e5}, {"kind", "least_squares"}, {"residual", 0.25}, {"perturb", 1e-7}}, 5},
      {"randsvd", {{"kappa", 1e5}, {"kind", "spd"}, {"mode", "log_uniform"}}, 5},
      {"hilbert", {{"scaled", true}, {"zero_columns", 1.0}}, 5},
      {"kahan", {{"theta", 0.5}, {"pert", 0.0}}, 5},
      {"kms", {{"rho", -0.25}, {"x", "random"}}, 5},
      {"vandermonde", {{"points", "chebyshev"}, {"scale", "ofl32"}}, 5},
      {"nearly_singular", {{"delta", 1e-6}, {"perturb", 1e-4}, {"perturb_direction", "random"}}, 2},
      {"lauchli", {{"mu", 1e-3}}, 4},
      {"gfpp", {{"c", 0.5}}, 4},
      {"pascal", {}, 4},
      {"regression", {{"preset", "correlated_pair"}, {"form", "gram"}, {"ridge", 0.01}}, 2},
      {"regression", {{"correlation", 0.9}, {"noise", 0.5}}, 3},
  };
  for (const Case& c : cases) {
    const Problem p = make(c.gen, c.params, c.n);
    const ParsedName parsed = parse_problem_name(p.name);
    EXPECT_EQ(parsed.generator, c.gen) << p.name;
    ParamMap again = parsed.params;
    if (c.params.count("kappa")) again["kappa"] = c.params.at("kappa");  // never part of a name
    const Problem q = make(parsed.generator, again, c.n);
    EXPECT_EQ(q.case_id, p.case_id) << p.name;
    EXPECT_EQ(q.name, p.name);
    EXPECT_TRUE(arma::approx_equal(q.A, p.A, "absdiff", 0)) << p.name;
  }
  EXPECT_EQ(make("randsvd", {{"kappa", 10.0}, {"scale", "ufl"}}, 4).name, "svd_geo_ufl");
  EXPECT_EQ(make("hilbert", {}, 4).name, "hilbert");
  EXPECT_EQ(make("regression", {{"preset", "house_prices"}}, 4, 400).name, "regression_houseprices");
}

// ------------------------------------------------------------------ regression
TEST(Regression, HousePricesIsTheLecturesData) {
  const int m = 10000;
  const Problem p = make("regression", {{"preset", "house_prices"}}, 4);
  ASSERT_EQ(p.A.n_rows, static_cast<arma::uword>(m));
  EXPECT_EQ(p.kind, ProblemKind::least_squares);
  EXPECT_TRUE(arma::approx_equal(p.x_true, arma::vec{200, -1000, 50000, 0}, "absdiff", 0));
  EXPECT_GE(p.A.col(0).min(), 1000);
  EXPECT_LT(p.A.col(0).max(), 3000);
  EXPECT_GE(p.A.col(1).min(), 0);
  EXPECT_LT(p.A.col(1).max(), 30);
  EXPECT_GE(p.A.col(2).min(), 1);
  EXPECT_LE(p.A.col(2).max(), 5);
  // sample statistics within 5 standard errors (relative standard error of a std ~ 1/sqrt(2m))
  const double se = 5 / std::sqrt(2.0 * m);
  EXPECT_NEAR(arma::stddev(arma::vec(p.A.col(3) - p.A.col(0))), 10, 10 * se);
  const arma::vec r = p.b - p.A * p.x_true;  // the noise
  EXPECT_NEAR(arma::stddev(r), 100, 100 * se);
  EXPECT_NEAR(arma::mean(r), 0, 5 * 100 / std::sqrt(m));
  EXPECT_GT(arma::as_scalar(arma::cor(p.A.col(0), p.A.col(2))), 0.5);  // bedrooms follow size
  // the facts: kappa_X of A by SVD, kappa_XtX its square
  const arma::vec s = arma::svd(p.A);
  const double kx = std::stod(p.params.at("kappa_X"));
  EXPECT_NEAR(kx, s.max() / s.min(), 100 * 4 * u * kx * kx);
  EXPECT_NEAR(std::stod(p.params.at("kappa_XtX")), kx * kx, 4 * u * kx * kx);
  EXPECT_FALSE(p.zero_residual);
}

TEST(Regression, CorrelatedPairGramAndRidge) {
  const Problem g = make("regression", {{"preset", "correlated_pair"}, {"form", "gram"}}, 2);
  EXPECT_EQ(g.kind, ProblemKind::spd);
  EXPECT_TRUE(g.A.is_symmetric());
  const double kg = std::stod(g.params.at("kappa_gram"));
  EXPECT_NEAR(arma::cond(g.A), kg, 10 * u * kg * kg);  // the stored Gram, rounded once
  EXPECT_NEAR(kg, std::pow(std::stod(g.params.at("kappa_X")), 2), 10 * u * kg * kg);
  const double lambda = 0.01;
  const Problem r = make("regression", {{"preset", "correlated_pair"}, {"form", "gram"}, {"ridge", lambda}}, 2);
  const arma::vec s = arma::svd(make("regression", {{"preset", "correlated_pair"}}, 2).A);  // X itself
  const double want = (s.max() * s.max() + lambda) / (s.min() * s.min() + lambda);
  EXPECT_NEAR(std::stod(r.params.at("kappa_gram")), want, 10 * u * want * want);
  EXPECT_NEAR(arma::cond(r.A), want, 10 * u * want * want);
  EXPECT_LT(want, kg);
}

TEST(Regression, ZeroFeatureGramFailsCholeskyUntilJittered) {
  ParamMap p{{"form", "gram"}, {"samples", 200.0}, {"zero_columns", 1.0}};
  const Problem g = make("regression", p, 5);
  EXPECT_TRUE(arma::all(g.A.col(4) == 0.0));
  EXPECT_TRUE(arma::all(g.A.row(4) == 0.0));
  EXPECT_EQ(g.x_true(4), 0);
  arma::mat R;
  EXPECT_FALSE(arma::chol(R, g.A));  // dpotrf meets an exactly zero pivot
  for (double jitter : {1e-6, 1e-4}) {
    p["jitter"] = jitter;
    const Problem j = make("regression", p, 5);
    ASSERT_TRUE(arma::chol(R, j.A)) << jitter;
    // x_true is the un-jittered (min-norm) solution: the jitter's bias is ~ jitter / lambda_min(G')
    const arma::vec x = arma::solve(arma::trimatl(R.t()), j.b);
    const arma::vec xx = arma::solve(arma::trimatu(R), x);
    const arma::vec ev = arma::eig_sym(g.A.submat(0, 0, 3, 3));
    const double bias = arma::norm(xx - j.x_true) / arma::norm(j.x_true);
    EXPECT_LE(bias, 2 * jitter / ev.min() + 100 * 5 * u * ev.max() / ev.min()) << jitter;
    EXPECT_GT(bias, 0.1 * jitter / ev.max());
  }
}

TEST(Regression, ValidatesParameters) {
  auto bad = [](ParamMap p, int m, int n) { return gen("regression").validate(p, m, n).has_value(); };
  EXPECT_TRUE(bad({{"preset", "house_prices"}}, 100, 3));
  EXPECT_TRUE(bad({{"ridge", 0.1}}, 30, 3));          // data form
  EXPECT_TRUE(bad({{"form", "gram"}}, 30, 3));        // gram is n x n
  EXPECT_TRUE(bad({{"correlation", 1.0}}, 30, 3));
  EXPECT_TRUE(bad({{"preset", "house_prices"}, {"correlation", 0.5}}, 100, 4));
  EXPECT_TRUE(bad({{"samples", 50.0}}, 30, 3));
  EXPECT_FALSE(bad({{"form", "covariance"}, {"samples", 50.0}}, 3, 3));
  EXPECT_FALSE(bad({}, 30, 3));
  const Problem a = make("regression", {{"correlation", 0.5}}, 3, -1, 7), b = make("regression", {{"correlation", 0.5}}, 3, -1, 7);
  EXPECT_TRUE(arma::approx_equal(a.A, b.A, "absdiff", 0));
  EXPECT_TRUE(arma::approx_equal(a.b, b.b, "absdiff", 0));
}

}  // namespace
}  // namespace condbench
