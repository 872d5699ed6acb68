// The refinement solvers of solvers/lowprec (ir.lu:..., ir.gmres:...): the name grammar, the factorization in the
// simulated format, convergence where Carson & Higham's theory says it converges and a failed status with the
// reason where it does not, and overflow reported instead of NaNs. Accuracy is checked against the solution of the
// stored problem computed independently (long double LU refined with float128 residuals, about 2^-64 relative).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "solvers/lowprec/gmres.hpp"
#include "solvers/lowprec/low.hpp"
#include "solvers/lowprec/lu.hpp"
#include "tests/solvers/solver_test_support.hpp"

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

namespace condbench::testing {
namespace {

using lowprec::Half;

constexpr double kU64 = 0x1p-53;
constexpr double kU32 = 0x1p-24;

// Carson & Higham's test matrices: randsvd mode 2 (one small singular value) and mode 3 (geometric).
arma::mat mode2(arma::uword n, double kappa, std::uint64_t seed) {
  arma::vec s(n, arma::fill::ones);
  s(n - 1) = 1 / kappa;
  return with_singular_values(n, n, s, seed);
}
arma::mat mode3(arma::uword n, double kappa, std::uint64_t seed) {
  return with_singular_values(n, n, arma::logspace<arma::vec>(0, -std::log10(kappa), n), seed);
}

// The solution of the stored problem: long double LU, refined with residuals in float128.
template <class T>
std::vector<long double> accurate_solution(const arma::Mat<T>& A, const arma::Col<T>& b) {
  const arma::uword n = A.n_rows;
  LMat m(n, std::vector<long double>(n));
  for (arma::uword i = 0; i < n; ++i)
    for (arma::uword j = 0; j < n; ++j) m[i][j] = A(i, j);
  std::vector<long double> x = solve_long_double(m, std::vector<long double>(b.begin(), b.end()));
  for (int step = 0; step < 6; ++step) {
    std::vector<long double> r(n);
    for (arma::uword i = 0; i < n; ++i) {
      __float128 s = b[i];
      for (arma::uword j = 0; j < n; ++j) s -= static_cast<__float128>(A(i, j)) * static_cast<__float128>(x[j]);
      r[i] = static_cast<long double>(s);
    }
    const std::vector<long double> d = solve_long_double(m, r);
    for (arma::uword i = 0; i < n; ++i) x[i] += d[i];
  }
  return x;
}

template <class T>
double forward_error_inf(const arma::Col<T>& x, const std::vector<long double>& ref) {
  long double d = 0, m = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    d = std::max(d, std::fabs(static_cast<long double>(x[i]) - ref[i]));
    m = std::max(m, std::fabs(ref[i]));
  }
  return static_cast<double>(d / m);
}

template <class T>
struct Stored {
  arma::Mat<T> A;
  arma::Col<T> b;
};

template <class T>
Stored<T> stored(const arma::mat& a, std::uint64_t seed) {
  const arma::vec b = a * random_vector(a.n_cols, seed + 100);
  return {arma::conv_to<arma::Mat<T>>::from(a), arma::conv_to<arma::Col<T>>::from(b)};
}

template <class T>
SolveOutcome<T> run(const std::string& name, const Stored<T>& p) {
  const Solver* s = SolverRegistry::instance().resolve(name);
  if (!s) throw std::runtime_error("no solver " + name);
  return s->solve(SolveInput<T>{p.A, p.b, ProblemKind::general});
}

std::string invalid_name_message(const std::string& name) {
  try {
    SolverRegistry::instance().resolve(name);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(RefinementNames, NameTheirPrecisionsAndTheWorkingPrecisionsThatFit) {
  const Solver* s = SolverRegistry::instance().resolve("ir.lu:uf=fp16:ur=f64");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->info().f32 && s->info().f64);
  EXPECT_EQ(s->info().flop_method, "lu");
  EXPECT_TRUE(s->info().kinds.contains(ProblemKind::general));
  EXPECT_FALSE(s->info().kinds.contains(ProblemKind::least_squares));
  EXPECT_EQ(s->why_not(ProblemKind::general, Precision::f64), "");
  // u_r = f32 is less precise than f64 rows; u_f = f64 more precise than f32 rows.
  EXPECT_EQ(SolverRegistry::instance().resolve("ir.lu:uf=fp16:ur=f32")->why_not(ProblemKind::general, Precision::f64),
            "ir.lu:uf=fp16:ur=f32 has no f64 variant");
  EXPECT_FALSE(SolverRegistry::instance().resolve("ir.gmres:uf=f64:ur=quad")->info().f32);
  ASSERT_NE(SolverRegistry::instance().resolve("ir.gmres:uf=tf32:ur=dd:up=quad:tol=1e-8:maxit=20:steps=5"), nullptr);
}

TEST(RefinementNames, TheDefaultSetIsRegisteredSoIrStarExpandsToIt) {
  std::vector<std::string> names;
  for (const Solver* s : SolverRegistry::instance().match("ir.*")) names.push_back(s->info().name);
  for (const char* n : {"ir.lu:uf=fp16:ur=f32", "ir.lu:uf=fp16:ur=f64", "ir.lu:uf=fp16:ur=quad", "ir.lu:uf=bf16:ur=f32",
                        "ir.lu:uf=bf16:ur=f64", "ir.lu:uf=bf16:ur=quad", "ir.lu:uf=f32:ur=f64", "ir.lu:uf=f32:ur=quad",
                        "ir.gmres:uf=fp16:ur=f64", "ir.gmres:uf=fp16:ur=quad", "ir.gmres:uf=bf16:ur=f64",
                        "ir.gmres:uf=bf16:ur=quad", "ir.gmres:uf=f32:ur=quad"})
    EXPECT_EQ(std::count(names.begin(), names.end(), n), 1) << n;
  bool listed = false;
  for (const SolverFamily& f : SolverRegistry::instance().families())
    listed |= f.prefix == "ir.gmres:" && !f.grammar.empty();
  EXPECT_TRUE(listed);
}

TEST(RefinementNames, MalformedNamesSayWhatIsWrong) {
  EXPECT_CONTAINS(invalid_name_message("ir.lu:ur=f64:uf=fp16"), "out of order");
  EXPECT_CONTAINS(invalid_name_message("ir.lu:uf=fp8:ur=f64"), "uf=fp8: expected fp16, bf16, tf32, f32 or f64");
  EXPECT_CONTAINS(invalid_name_message("ir.lu:uf=fp16"), "needs uf= and ur=");
  EXPECT_CONTAINS(invalid_name_message("ir.lu:uf=fp16:ur=f64:tol=1e-6"), "unknown option 'tol'");
  EXPECT_CONTAINS(invalid_name_message("ir.gmres:uf=fp16:ur=f64:maxit=0"), "maxit=0: expected an integer");
  EXPECT_CONTAINS(invalid_name_message("ir.gmres:uf=fp16:ur=f64:tol=2"), "tol=2: expected a number between 0 and 1");
  EXPECT_CONTAINS(invalid_name_message("ir.lu:uf=bf16:ur=f64:scale=squeeze"), "scale=squeeze is for uf=fp16");
  EXPECT_CONTAINS(invalid_name_message("ir.lu:uf=f64:ur=f32"), "no working precision fits");
  EXPECT_CONTAINS(invalid_name_message("ir.lu:uf=fp16:ur=f64:steps"), "is not key=value");
}

TEST(LowPrecisionLu, EveryOperationIsRoundedToTheFormat) {
  // [[3, 5], [1, 2]]: l21 = fl(1/3) = 0x1.554p-2, fl(l21 * 5) = 0x1.aa8p+0 (1706.25 ulps, rounded down) and
  // u22 = fl(2 - 0x1.aa8p+0) = 0x1.56p-2 = 0.333984375; the exact u22 = 1/3 rounds to 0x1.554p-2.
  const std::vector<Half> a{Half(3.0), Half(1.0), Half(5.0), Half(2.0)};
  const lowprec::LuFactors<Half> f = lowprec::lu_factor(a, 2);
  ASSERT_EQ(f.outcome, lowprec::LuFactors<Half>::Outcome::ok);
  EXPECT_EQ(static_cast<double>(f.at(1, 0)), 0x1.554p-2);
  EXPECT_EQ(static_cast<double>(f.at(1, 1)), 0x1.56p-2);
  EXPECT_EQ(static_cast<double>(Half(1.0 / 3.0)), 0x1.554p-2);
  // Partial pivoting picks the largest magnitude, the first of equals.
  const lowprec::LuFactors<Half> g =
      lowprec::lu_factor(std::vector<Half>{Half(1.0), Half(-2.0), Half(2.0), Half(1.0)}, 2);
  EXPECT_EQ(g.piv[0], 1);
}

TEST(LowPrecisionGmres, SolvesASmallSystemWithinNIterations) {
  const arma::mat a = mode3(12, 1e3, 5);
  const arma::vec b = random_vector(12, 6);
  auto op = [&](const std::vector<double>& v, std::vector<double>& w) {
    const arma::vec y = a * arma::vec(v);
    w.assign(y.begin(), y.end());
  };
  const lowprec::GmresResult<double> g = lowprec::gmres<double>(op, std::vector<double>(b.begin(), b.end()), 1e-12, 12);
  EXPECT_TRUE(g.reached_tol);
  EXPECT_LE(g.iterations, 12);
  EXPECT_LT(arma::norm(a * arma::vec(g.x) - b) / arma::norm(b), 1e-10);
}

TEST(LuIrFp16, ConvergesToDoubleAccuracyUpToKappa1e2) {
  for (std::uint64_t seed : {1, 2})
    for (const arma::mat& a : {mode2(100, 1e2, seed), mode3(100, 1e2, seed), mode3(100, 10, seed)}) {
      const Stored<double> p = stored<double>(a, seed);
      const auto out = run("ir.lu:uf=fp16:ur=quad", p);
      ASSERT_EQ(out.status, Status::ok) << out.reason;
      EXPECT_EQ(out.facts.extra["stop"], "converged");
      EXPECT_EQ(out.facts.extra["uf"], "fp16");
      EXPECT_EQ(out.facts.extra["ur"], "quad");
      EXPECT_EQ(out.facts.iterations, out.facts.extra["steps"]);
      EXPECT_LE(out.facts.iterations, 10);
      EXPECT_FALSE(out.facts.extra["lu_overflow"].get<bool>());
      // Limiting accuracy u + 4n u_r cond(A,x) (Carson & Higham), here u, plus one u for rounding x.
      EXPECT_LE(forward_error_inf(out.x, accurate_solution(p.A, p.b)), 2 * kU64) << "seed " << seed;
    }
}

TEST(LuIrFp16, ReportsNonConvergenceByKappa1e6) {
  for (std::uint64_t seed : {1, 2})
    for (const arma::mat& a : {mode2(100, 1e6, seed), mode3(100, 1e6, seed)}) {
      const Stored<double> p = stored<double>(a, seed);
      for (const char* name : {"ir.lu:uf=fp16:ur=quad", "ir.lu:uf=fp16:ur=f64"}) {
        const auto out = run(name, p);
        EXPECT_EQ(out.status, Status::failed) << name;
        EXPECT_NE(out.facts.extra["stop"], "converged") << name;
        EXPECT_FALSE(out.reason.empty());
        // The last iterate is kept, finite (x0 = 0 if the low-precision solve overflowed).
        EXPECT_EQ(out.x.n_elem, 100u) << name;
        EXPECT_TRUE(out.x.is_finite()) << name;
      }
    }
}

TEST(LuIrFp16, SingleWorkingPrecisionReachesSingleAccuracy) {
  // (H,S,D): fp16 factors, f32 working, f64 residual; Carson & Higham's LU-IR region reaches kappa_inf ~ 1e4.
  const Stored<float> p = stored<float>(mode3(100, 1e2, 3), 3);
  const auto out = run("ir.lu:uf=fp16:ur=f64", p);
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_EQ(out.facts.extra["u"], "f32");
  EXPECT_LE(forward_error_inf(out.x, accurate_solution(p.A, p.b)), 2 * kU32);
}

TEST(GmresIrFp16, ReachesDoubleAccuracyAtKappa1e8OnMode2WithFewIterations) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const Stored<double> p = stored<double>(mode2(100, 1e8, seed), seed);
    const auto out = run("ir.gmres:uf=fp16:ur=quad", p);
    ASSERT_EQ(out.status, Status::ok) << out.reason;
    EXPECT_LE(forward_error_inf(out.x, accurate_solution(p.A, p.b)), 2 * kU64) << "seed " << seed;
    // One small singular value: the preconditioned matrix has clustered eigenvalues and GMRES needs few
    // iterations -- never its cap (n per step), so this is refinement, not GMRES acting as a direct solver.
    EXPECT_EQ(out.facts.extra["gmres_capped"], 0);
    EXPECT_LE(out.facts.extra["gmres_iterations"].get<int>(), 100) << "seed " << seed;
    EXPECT_EQ(out.facts.extra["up"], "dd");
  }
}

TEST(GmresIrFp16, BeatsLuIrWhereLuIrFails) {
  const Stored<double> p = stored<double>(mode3(100, 1e6, 4), 4);
  EXPECT_EQ(run("ir.lu:uf=fp16:ur=quad", p).status, Status::failed);
  const auto out = run("ir.gmres:uf=fp16:ur=quad", p);
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_LE(forward_error_inf(out.x, accurate_solution(p.A, p.b)), 2 * kU64);
}

TEST(Fp16Overflow, EntriesBeyond65504AreReportedNotNaN) {
  arma::mat a = mode3(40, 10, 7);
  a *= 2e5 / arma::abs(a).max();  // the largest entry 2e5, beyond fp16's 65504
  const Stored<double> p = stored<double>(a, 7);
  const auto out = run("ir.lu:uf=fp16:ur=f64", p);
  EXPECT_EQ(out.status, Status::failed);
  EXPECT_CONTAINS(out.reason, "fp16 LU overflow: A does not fit in fp16");
  EXPECT_CONTAINS(out.reason, "scale=squeeze");
  EXPECT_TRUE(out.facts.extra["lu_overflow"].get<bool>());
  EXPECT_EQ(out.facts.extra["stop"], "lu_overflow");
  EXPECT_TRUE(out.x.empty());
  // The squeeze (two-sided scaling, mu = 0.1 xmax) makes the same matrix fit, and refinement converges.
  const auto squeezed = run("ir.lu:uf=fp16:ur=quad:scale=squeeze", p);
  ASSERT_EQ(squeezed.status, Status::ok) << squeezed.reason;
  EXPECT_EQ(squeezed.facts.extra["scale"], "squeeze");
  EXPECT_LE(forward_error_inf(squeezed.x, accurate_solution(p.A, p.b)), 2 * kU64);
}

TEST(Fp16Overflow, GrowthDuringEliminationIsReportedWithItsColumn) {
  // Wilkinson's growth matrix: 1 on the diagonal, -1 below, 1 in the last column; U(n,n) = 2^(n-1). Every entry
  // fits in fp16, but at n = 18 the last pivot 2^17 = 131072 does not.
  const arma::uword n = 18;
  arma::mat a(n, n, arma::fill::zeros);
  for (arma::uword i = 0; i < n; ++i) {
    a(i, i) = 1;
    a(i, n - 1) = 1;
    for (arma::uword j = 0; j < i; ++j) a(i, j) = -1;
  }
  const Stored<double> p = stored<double>(a, 8);
  const auto out = run("ir.lu:uf=fp16:ur=f64", p);
  EXPECT_EQ(out.status, Status::failed);
  EXPECT_CONTAINS(out.reason, "fp16 LU overflow: an entry of L or U in column 18 is Inf or NaN");
  EXPECT_TRUE(out.x.empty());
  // bf16 has float's range: the same matrix factors (and U(n,n) = 2^17 is exact).
  EXPECT_EQ(run("ir.lu:uf=bf16:ur=f64", p).facts.extra["lu_overflow"], false);
}

}  // namespace
}  // namespace condbench::testing
