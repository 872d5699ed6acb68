// lapack.dsgesv reports what LAPACK did: the refinement steps when single-precision LU sufficed, the fallback to
// double LU (with the meaning of ITER) when it did not.
#include "tests/solvers/solver_test_support.hpp"

namespace condbench::testing {
namespace {

TEST(Dsgesv, RefinesAWellConditionedSystemWithoutFallback) {
  const StoredProblem<double> p = well_conditioned<double>(ProblemKind::general, 21);
  const auto out = solve_with("lapack.dsgesv", p.A, p.b, ProblemKind::general);
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_GE(out.facts.iterations, 1);
  EXPECT_LE(out.facts.iterations, 30);
  EXPECT_FALSE(out.facts.fallback);
  EXPECT_EQ(out.facts.note, "");
  EXPECT_GE(out.timing.factor_s, 0.0);
}

TEST(Dsgesv, FallsBackToDoubleLuAtKappa1e12AndRecordsIt) {
  // kappa * u_single ~ 6e4 >> 1: refinement from a single-precision LU cannot converge.
  const arma::vec s = arma::logspace<arma::vec>(0, -12, 40);
  const arma::mat a = with_singular_values(40, 40, s, 22);
  const arma::vec b = a * random_vector(40, 23);
  const auto out = solve_with("lapack.dsgesv", a, b, ProblemKind::general);
  ASSERT_EQ(out.status, Status::ok) << out.reason;  // the fallback is dsgesv's documented behaviour
  EXPECT_TRUE(out.facts.fallback);
  EXPECT_EQ(out.facts.iterations, -1);
  EXPECT_TRUE(out.facts.note.starts_with("ITER=-")) << out.facts.note;
  // After the fallback it is double LU: backward stable.
  EXPECT_LT(residual_ratio(a, b, out.x), 30.0L);
}

}  // namespace
}  // namespace condbench::testing
