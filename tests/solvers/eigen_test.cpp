// The eigen.* solvers: LAPACK's residual tests on a well-conditioned problem of every kind each takes, in f32
// and f64; failures through info(); the rank the rank-revealing ones used; BDCSVD's own switch to JacobiSVD.
#include <tuple>

#include "solvers/eigen/build_info.hpp"
#include "tests/solvers/solver_test_support.hpp"

namespace condbench::testing {
namespace {

struct Case {
  std::string solver;
  ProblemKind kind;
  Precision precision;
};

std::vector<Case> all_cases() {
  const std::vector<ProblemKind> square{ProblemKind::general, ProblemKind::spd};
  const std::vector<ProblemKind> tall{ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares};
  const std::vector<ProblemKind> any{ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares,
                                     ProblemKind::underdetermined};
  const std::vector<std::pair<std::string, std::vector<ProblemKind>>> table = {
      {"eigen.partial_lu", square},     {"eigen.full_lu", square},     {"eigen.householder_qr", tall},
      {"eigen.colpiv_qr", tall},        {"eigen.llt", {ProblemKind::spd}}, {"eigen.ldlt", {ProblemKind::spd}},
      {"eigen.jacobi_svd", any},        {"eigen.bdc_svd", any},        {"eigen.cod", any},
  };
  std::vector<Case> cases;
  for (const auto& [name, kinds] : table)
    for (ProblemKind k : kinds)
      for (Precision p : {Precision::f32, Precision::f64}) cases.push_back({name, k, p});
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string s = info.param.solver + "_" + to_string(info.param.kind) + "_" + to_string(info.param.precision);
  for (char& c : s)
    if (c == '.') c = '_';
  return s;
}

class EigenOnWellConditioned : public ::testing::TestWithParam<Case> {
 protected:
  template <class T>
  void check() {
    const Case& c = GetParam();
    ASSERT_EQ(solver(c.solver).why_not(c.kind, c.precision), "");
    const StoredProblem<T> p = well_conditioned<T>(c.kind, 42);  // n = 40 (30 x 70 underdetermined): above 16
    const SolveOutcome<T> out = solve_with(c.solver, p.A, p.b, c.kind);
    ASSERT_EQ(out.status, Status::ok) << out.reason;
    ASSERT_EQ(out.x.n_elem, p.A.n_cols);
    EXPECT_FALSE(out.facts.fallback) << out.facts.note;
    if (c.kind == ProblemKind::least_squares)
      EXPECT_LT(normal_residual_ratio(p.A, p.b, out.x, p.zero_residual), 30.0L);
    else
      EXPECT_LT(residual_ratio(p.A, p.b, out.x), 30.0L);

    // Backward stable methods: forward error within 10 max(m,n) u (kappa + kappa^2 eta), as for lapack.*.
    const std::vector<long double> ref = reference_solution(p.A, p.b);
    const long double u = unit_roundoff(c.precision);
    const long double eta = c.kind == ProblemKind::least_squares ? least_squares_eta(p.A, p.b, ref) : 0.0L;
    const long double kappa = p.kappa;
    EXPECT_LT(forward_error(out.x, ref), 10.0L * std::max(p.A.n_rows, p.A.n_cols) * u * (kappa + kappa * kappa * eta));

    EXPECT_EQ(out.facts.extra.value("eigen", ""), eigen::version());
    EXPECT_EQ(out.facts.extra.value("simd", ""), eigen::simd());
    if (out.facts.extra.contains("rank")) {
      EXPECT_EQ(out.facts.extra.value("rank", -1L), static_cast<long>(std::min(p.A.n_rows, p.A.n_cols)));
    }
  }
};

TEST_P(EigenOnWellConditioned, PassesLapackResidualTests) {
  if (GetParam().precision == Precision::f32)
    check<float>();
  else
    check<double>();
}

INSTANTIATE_TEST_SUITE_P(AllEigenSolvers, EigenOnWellConditioned, ::testing::ValuesIn(all_cases()), case_name);

TEST(EigenBuild, IsTheInstalledEigenAndNamesItsInstructionSets) {
  EXPECT_EQ(eigen::version().rfind("3.4", 0), 0u) << eigen::version();
  EXPECT_EQ(eigen::simd() == "none", !eigen::vectorized());
}

TEST(EigenFacts, RankRevealingSolversRecordTheirRank) {
  for (const char* name : {"eigen.full_lu", "eigen.colpiv_qr", "eigen.jacobi_svd", "eigen.bdc_svd", "eigen.cod"}) {
    const StoredProblem<double> p = well_conditioned<double>(ProblemKind::general, 3);
    const SolveOutcome<double> out = solve_with(name, p.A, p.b, ProblemKind::general);
    ASSERT_EQ(out.status, Status::ok) << name << ": " << out.reason;
    EXPECT_EQ(out.facts.extra.value("rank", -1L), 40L) << name;
    EXPECT_GT(out.facts.extra.value("threshold", 0.0), 0.0) << name;
  }
}

// A 40 x 40 matrix of rank 25 with b in its range: the minimum-norm solution is pinv(A) b. COD and the SVDs
// return it and say rank 25; column-pivoting QR says rank 25 and returns another (basic) solution of A x = b.
TEST(EigenRankDeficient, MinimumNormFromCodAndSvdsBasicSolutionFromColPivQr) {
  arma::vec s(40, arma::fill::zeros);
  s.head(25) = arma::linspace<arma::vec>(10.0, 1.0, 25);
  const arma::mat a = with_singular_values(40, 40, s, 5);
  const arma::vec b = a * random_vector(40, 6);
  const arma::vec min_norm = arma::pinv(a) * b;
  for (const char* name : {"eigen.cod", "eigen.jacobi_svd", "eigen.bdc_svd", "eigen.colpiv_qr", "eigen.full_lu"}) {
    const SolveOutcome<double> out = solve_with(name, a, b, ProblemKind::general);
    ASSERT_EQ(out.status, Status::ok) << name << ": " << out.reason;
    EXPECT_EQ(out.facts.extra.value("rank", -1L), 25L) << name;
    EXPECT_NE(out.facts.note.find("rank 25 < 40"), std::string::npos) << name << ": " << out.facts.note;
    EXPECT_LT(arma::norm(a * out.x - b) / arma::norm(b), 1e-12) << name;  // consistent: a solution either way
    const double distance = arma::norm(out.x - min_norm) / arma::norm(min_norm);
    if (std::string(name) == "eigen.colpiv_qr" || std::string(name) == "eigen.full_lu")
      EXPECT_GT(distance, 1e-3) << name << " returned the minimum-norm solution: not a basic one";
    else
      EXPECT_LT(distance, 1e-12) << name;
  }
}

TEST(EigenLlt, ReportsNotSpdOnAnIndefiniteMatrix) {
  arma::vec e = well_conditioned_spectrum(20);
  e(7) = -3.0;
  const arma::mat a = symmetric_with_eigenvalues(e, 9);
  const arma::vec b = random_vector(20, 10);
  for (Precision p : {Precision::f64, Precision::f32}) {
    const std::string reason =
        p == Precision::f64
            ? solve_with<double>("eigen.llt", a, b, ProblemKind::spd).reason
            : solve_with<float>("eigen.llt", arma::conv_to<arma::fmat>::from(a), arma::conv_to<arma::fvec>::from(b),
                                ProblemKind::spd)
                  .reason;
    EXPECT_NE(reason.find("not SPD"), std::string::npos) << reason;
    EXPECT_NE(reason.find("NumericalIssue"), std::string::npos) << reason;
  }
  const SolveOutcome<double> out = solve_with<double>("eigen.llt", a, b, ProblemKind::spd);
  EXPECT_EQ(out.status, Status::failed);
  EXPECT_TRUE(out.x.is_empty());
}

TEST(EigenLdlt, SaysWhenDIsIndefinite) {
  arma::vec e = well_conditioned_spectrum(20);
  e(7) = -3.0;
  const arma::mat a = symmetric_with_eigenvalues(e, 9);
  const arma::vec b = a * random_vector(20, 10);
  const SolveOutcome<double> out = solve_with<double>("eigen.ldlt", a, b, ProblemKind::spd);
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_EQ(out.facts.extra.value("sign", ""), "indefinite");
  EXPECT_NE(out.facts.note.find("not numerically SPD"), std::string::npos) << out.facts.note;

  const StoredProblem<double> spd = well_conditioned<double>(ProblemKind::spd, 4);
  const SolveOutcome<double> pos = solve_with("eigen.ldlt", spd.A, spd.b, ProblemKind::spd);
  EXPECT_EQ(pos.facts.extra.value("sign", ""), "positive");
  EXPECT_TRUE(pos.facts.note.empty()) << pos.facts.note;
}

TEST(EigenBdcSvd, RecordsItsJacobiSwitchBelowSixteenColumns) {
  for (arma::uword n : {10u, 15u, 16u, 40u}) {
    const arma::mat a = with_singular_values(n + 5, n, well_conditioned_spectrum(n), 8);
    const arma::vec b = a * random_vector(n, 9);
    const SolveOutcome<double> out = solve_with<double>("eigen.bdc_svd", a, b, ProblemKind::least_squares);
    ASSERT_EQ(out.status, Status::ok) << out.reason;
    const bool jacobi = n < 16;
    EXPECT_EQ(out.facts.extra.value("jacobi", !jacobi), jacobi) << n;
    EXPECT_EQ(out.facts.fallback, jacobi) << n;
    EXPECT_LT(normal_residual_ratio(a, b, out.x, true), 30.0L) << n;
  }
}

TEST(EigenSolvers, ExactlySingularFailsWithTheReasonWhereTheMethodCannotSolve) {
  arma::mat a = with_singular_values(12, 12, well_conditioned_spectrum(12), 2);
  a.col(4).zeros();  // an exact zero column: U(5,5) / R(5,5) is exactly zero without column pivoting
  const arma::vec b = random_vector(12, 3);
  const SolveOutcome<double> lu = solve_with<double>("eigen.partial_lu", a, b, ProblemKind::general);
  EXPECT_EQ(lu.status, Status::failed);
  EXPECT_NE(lu.reason.find("is exactly zero"), std::string::npos) << lu.reason;
  const SolveOutcome<double> qr = solve_with<double>("eigen.householder_qr", a, b, ProblemKind::general);
  EXPECT_EQ(qr.status, Status::failed);
  EXPECT_NE(qr.reason.find("rank deficient"), std::string::npos) << qr.reason;
}

TEST(EigenSolvers, WrongShapesFailWithTheReason) {
  const arma::mat wide(5, 8, arma::fill::ones);
  const arma::vec b(5, arma::fill::ones);
  EXPECT_NE(solve_with<double>("eigen.partial_lu", wide, b, ProblemKind::general).reason.find("square"),
            std::string::npos);
  EXPECT_NE(solve_with<double>("eigen.colpiv_qr", wide, b, ProblemKind::general).reason.find("m >= n"),
            std::string::npos);
  const arma::vec short_b(3, arma::fill::ones);
  EXPECT_NE(solve_with<double>("eigen.cod", wide, short_b, ProblemKind::general).reason.find("b has 3 entries"),
            std::string::npos);
}

}  // namespace
}  // namespace condbench::testing
