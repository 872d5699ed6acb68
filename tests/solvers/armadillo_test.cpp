// armadillo.solve is arma::solve with default options; what Armadillo decided on its own is recorded, and its
// warnings never reach the terminal.
#include <limits>

#include "tests/solvers/solver_test_support.hpp"

namespace condbench::testing {
namespace {

template <class T>
class ArmadilloSolve : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(ArmadilloSolve, Precisions);

template <class T>
SolveOutcome<T> arma_solve(const arma::Mat<T>& a, ProblemKind kind = ProblemKind::general) {
  return solve_with("armadillo.solve", a, arma::Col<T>(a.n_rows, arma::fill::ones), kind);
}

TYPED_TEST(ArmadilloSolve, RecordsTheApproximateSolutionOnAnExactlySingularMatrix) {
  arma::Mat<TypeParam> a =
      arma::conv_to<arma::Mat<TypeParam>>::from(with_singular_values(30, 30, well_conditioned_spectrum(30), 31));
  a.col(4).zeros();
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  const auto out = arma_solve(a);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  if (out.status == Status::ok) {
    EXPECT_TRUE(out.facts.fallback);
    EXPECT_NE(out.facts.note.find("approximate SVD"), std::string::npos) << out.facts.note;
  } else {
    EXPECT_EQ(out.reason.rfind("arma::solve returned false", 0), 0u) << out.reason;
  }
}

TYPED_TEST(ArmadilloSolve, RecordsTheApproximateSolutionWhenRcondIsBelowEpsilon) {
  // Exactly representable and nonsingular (pivot 1, then u22 = eps exactly), with rcond ~ eps / 4 < eps.
  const TypeParam eps = std::numeric_limits<TypeParam>::epsilon();
  const arma::Mat<TypeParam> a = {{1, 1}, {1, 1 + eps}};
  const auto out = arma_solve(a);
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_TRUE(out.facts.fallback) << out.facts.note;
}

TYPED_TEST(ArmadilloSolve, KeepsItsLuSolutionWhenRcondIsAboveEpsilon) {
  // The same shape with rcond ~ 256 eps: ill-conditioned, but above Armadillo's threshold.
  const TypeParam eps = std::numeric_limits<TypeParam>::epsilon();
  const arma::Mat<TypeParam> a = {{1, 1}, {1, 1 + 1024 * eps}};
  const auto out = arma_solve(a);
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_FALSE(out.facts.fallback) << out.facts.note;
}

TYPED_TEST(ArmadilloSolve, NotesThatItGuessedSympdOnAnSpdMatrix) {
  const StoredProblem<TypeParam> p = well_conditioned<TypeParam>(ProblemKind::spd, 32);
  const auto out = arma_solve(p.A, ProblemKind::spd);
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_NE(out.facts.note.find("sympd"), std::string::npos) << out.facts.note;
  EXPECT_FALSE(out.facts.fallback);
}

TYPED_TEST(ArmadilloSolve, NotesATriangularMatrixAndNothingOnADenseOne) {
  const StoredProblem<TypeParam> p = well_conditioned<TypeParam>(ProblemKind::general, 33);
  EXPECT_EQ(arma_solve(p.A).facts.note, "");
  const arma::Mat<TypeParam> upper = arma::trimatu(p.A) + arma::Mat<TypeParam>(40, 40, arma::fill::eye) * 10;
  const auto out = arma_solve(upper);
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_NE(out.facts.note.find("upper triangular"), std::string::npos) << out.facts.note;
}

}  // namespace
}  // namespace condbench::testing
