// Every solver, on a well-conditioned problem (kappa_2 = 10) of every kind it takes, in every precision it takes:
// status ok, LAPACK's residual ratios below 30, and a forward error within the perturbation bound for its method.
#include <cstring>
#include <tuple>

#include "tests/solvers/solver_test_support.hpp"

namespace condbench::testing {
namespace {

// How the forward error of a method grows: like kappa u (backward stable) or kappa^2 u (normal equations;
// Gram-Schmidt with Q^T b formed explicitly).
enum class Growth { kappa, kappa_squared };

struct Case {
  std::string solver;
  ProblemKind kind;
  Precision precision;
  Growth growth;
  bool diagonally_dominant = false;  // the general problem is column diagonally dominant (see the support header)
};

std::vector<Case> all_cases() {
  const std::vector<std::tuple<std::string, std::vector<ProblemKind>, Growth, bool>> table = {
      {"lapack.lu", {ProblemKind::general, ProblemKind::spd}, Growth::kappa, true},
      {"lapack.cholesky", {ProblemKind::spd}, Growth::kappa, true},
      {"lapack.qr", {ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares}, Growth::kappa, true},
      {"lapack.svd",
       {ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares, ProblemKind::underdetermined},
       Growth::kappa,
       true},
      {"normal.cholesky", {ProblemKind::least_squares}, Growth::kappa_squared, true},
      {"normal.lu", {ProblemKind::least_squares}, Growth::kappa_squared, true},
      {"lapack.inverse", {ProblemKind::general, ProblemKind::spd}, Growth::kappa, true},
      {"lapack.dsgesv", {ProblemKind::general, ProblemKind::spd}, Growth::kappa, false},
      {"armadillo.solve",
       {ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares, ProblemKind::underdetermined},
       Growth::kappa,
       true},
      {"textbook.ge_nopivot", {ProblemKind::general, ProblemKind::spd}, Growth::kappa, true},
      {"textbook.cgs_qr",
       {ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares},
       Growth::kappa_squared,
       true},
      {"textbook.mgs_qr",
       {ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares},
       Growth::kappa_squared,
       true},
  };
  std::vector<Case> cases;
  for (const auto& [name, kinds, growth, has_f32] : table)
    for (ProblemKind k : kinds) {
      // Elimination without pivoting is only stable where no pivoting is needed: give it such a general matrix.
      const bool dominant = name == "textbook.ge_nopivot" && k == ProblemKind::general;
      if (has_f32) cases.push_back({name, k, Precision::f32, growth, dominant});
      cases.push_back({name, k, Precision::f64, growth, dominant});
    }
  return cases;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string s = info.param.solver + "_" + to_string(info.param.kind) + "_" + to_string(info.param.precision);
  for (char& c : s)
    if (c == '.') c = '_';
  return s;
}

class SolverOnWellConditioned : public ::testing::TestWithParam<Case> {
 protected:
  template <class T>
  void check_accuracy() {
    const Case& c = GetParam();
    ASSERT_EQ(solver(c.solver).why_not(c.kind, c.precision), "");
    const StoredProblem<T> p =
        c.diagonally_dominant ? column_diagonally_dominant<T>(40, 42) : well_conditioned<T>(c.kind, 42);
    const SolveOutcome<T> out = solve_with(c.solver, p.A, p.b, c.kind);
    ASSERT_EQ(out.status, Status::ok) << out.reason;
    ASSERT_EQ(out.x.n_elem, p.A.n_cols);
    EXPECT_FALSE(out.facts.fallback) << out.facts.note;
    EXPECT_GE(out.timing.factor_s, 0.0);
    EXPECT_GE(out.timing.solve_s, 0.0);

    if (c.kind == ProblemKind::least_squares) {
      EXPECT_LT(normal_residual_ratio(p.A, p.b, out.x, p.zero_residual), 30.0L);
    } else {
      EXPECT_LT(residual_ratio(p.A, p.b, out.x), 30.0L);
    }

    const std::vector<long double> ref = reference_solution(p.A, p.b);
    const long double u = unit_roundoff(c.precision);
    const long double eta = c.kind == ProblemKind::least_squares ? least_squares_eta(p.A, p.b, ref) : 0.0L;
    const long double kappa = p.kappa;
    const long double growth = c.growth == Growth::kappa ? kappa + kappa * kappa * eta : kappa * kappa * (1 + eta);
    const long double tol = 10.0L * std::max(p.A.n_rows, p.A.n_cols) * u * growth;
    EXPECT_LT(forward_error(out.x, ref), tol);
  }

  template <class T>
  void check_inputs_unchanged() {
    const Case& c = GetParam();
    const StoredProblem<T> p = well_conditioned<T>(c.kind, 7);
    const arma::Mat<T> a0 = p.A;
    const arma::Col<T> b0 = p.b;
    solve_with(c.solver, p.A, p.b, c.kind);
    EXPECT_EQ(std::memcmp(a0.memptr(), p.A.memptr(), a0.n_elem * sizeof(T)), 0);
    EXPECT_EQ(std::memcmp(b0.memptr(), p.b.memptr(), b0.n_elem * sizeof(T)), 0);
  }
};

TEST_P(SolverOnWellConditioned, SolvesToBackwardAndForwardErrorBounds) {
  if (GetParam().precision == Precision::f32)
    check_accuracy<float>();
  else
    check_accuracy<double>();
}

TEST_P(SolverOnWellConditioned, LeavesItsInputsUnchanged) {
  if (GetParam().precision == Precision::f32)
    check_inputs_unchanged<float>();
  else
    check_inputs_unchanged<double>();
}

INSTANTIATE_TEST_SUITE_P(AllCpuSolvers, SolverOnWellConditioned, ::testing::ValuesIn(all_cases()), case_name);

}  // namespace
}  // namespace condbench::testing
