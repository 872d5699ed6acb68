// Each solver's documented breakdowns: it fails with the reason (routine, info, meaning) or records what LAPACK
// did, and never switches method silently.
#include "tests/solvers/solver_test_support.hpp"

namespace condbench::testing {
namespace {

// gtest only (the test target does not link gmock).
#define EXPECT_STARTS_WITH(text, prefix) EXPECT_TRUE(std::string(text).starts_with(prefix)) << (text)
#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

template <class T>
arma::Mat<T> with_zero_column(arma::uword m, arma::uword n, arma::uword zero_col, std::uint64_t seed) {
  arma::Mat<T> a =
      arma::conv_to<arma::Mat<T>>::from(with_singular_values(m, n, well_conditioned_spectrum(std::min(m, n)), seed));
  a.col(zero_col).zeros();
  return a;
}

template <class T>
arma::Col<T> ones(arma::uword m) {
  return arma::Col<T>(m, arma::fill::ones);
}

template <class T>
class Breakdown : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Breakdown, Precisions);

TYPED_TEST(Breakdown, CholeskyOnIndefiniteMatrixFailsAsNotSpd) {
  arma::vec eig = well_conditioned_spectrum(20);
  eig(19) = -1.0;
  const arma::Mat<TypeParam> a = arma::conv_to<arma::Mat<TypeParam>>::from(symmetric_with_eigenvalues(eig, 3));
  const auto out = solve_with("lapack.cholesky", a, ones<TypeParam>(20), ProblemKind::spd);
  EXPECT_EQ(out.status, Status::failed);
  EXPECT_STARTS_WITH(out.reason, "not SPD: ");
  EXPECT_CONTAINS(out.reason, lapack_name<TypeParam>("potrf") + " info=");
  EXPECT_EQ(out.x.n_elem, 0u);
}

TYPED_TEST(Breakdown, GaussianEliminationWithoutPivotingFailsOnAnExactlyZeroPivot) {
  const arma::Mat<TypeParam> a = {{0, 1}, {1, 0}};
  const auto out = solve_with("textbook.ge_nopivot", a, ones<TypeParam>(2), ProblemKind::general);
  EXPECT_EQ(out.status, Status::failed);
  EXPECT_EQ(out.reason, "zero pivot at step 1");
}

TYPED_TEST(Breakdown, GaussianEliminationWithoutPivotingProceedsOnATinyPivotAndLosesX1) {
  // The classic example: l21 = 1/eps swamps a22, so x1 = (1 - x2)/eps comes out exactly 0 instead of ~1.
  const TypeParam tiny = std::numeric_limits<TypeParam>::epsilon() / 1024;
  const arma::Mat<TypeParam> a = {{tiny, 1}, {1, 1}};
  const arma::Col<TypeParam> b = {1, 2};
  const auto out = solve_with("textbook.ge_nopivot", a, b, ProblemKind::general);
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_EQ(out.x(0), TypeParam(0));
  EXPECT_EQ(out.x(1), TypeParam(1));
  const auto pivoted = solve_with("lapack.lu", a, b, ProblemKind::general);
  EXPECT_NEAR(pivoted.x(0), 1.0, 4 * std::numeric_limits<TypeParam>::epsilon());
}

TYPED_TEST(Breakdown, NormalCholeskyFailsOnExactlyDependentColumns) {
  // Two equal columns of ones, m = 64: A^T A has the exact leading block [[64, 64], [64, 64]], so potrf meets an
  // exactly zero second pivot (64 - 8 * 8) in any summation order.
  arma::Mat<TypeParam> a =
      arma::conv_to<arma::Mat<TypeParam>>::from(with_singular_values(64, 10, well_conditioned_spectrum(10), 5));
  a.col(0).ones();
  a.col(1).ones();
  const auto out = solve_with("normal.cholesky", a, ones<TypeParam>(64), ProblemKind::least_squares);
  EXPECT_EQ(out.status, Status::failed);
  EXPECT_STARTS_WITH(out.reason, "not SPD: " + lapack_name<TypeParam>("potrf") + " info=2");
  EXPECT_CONTAINS(out.reason, "A^T A numerically indefinite");
}

TYPED_TEST(Breakdown, LuOnExactlySingularMatrixFailsWithGetrfInfo) {
  // A zero column stays exactly zero through elimination: U(6,6) = 0 and getrf reports the first such column.
  const arma::Mat<TypeParam> a = with_zero_column<TypeParam>(30, 30, 5, 9);
  for (const char* name : {"lapack.lu", "lapack.inverse"}) {
    const auto out = solve_with(name, a, ones<TypeParam>(30), ProblemKind::general);
    EXPECT_EQ(out.status, Status::failed) << name;
    EXPECT_EQ(out.reason, lapack_name<TypeParam>("getrf") + " info=6: U(6,6) is exactly zero") << name;
  }
}

TYPED_TEST(Breakdown, QrSolversFailOnAnExactlyZeroDiagonalOfR) {
  const arma::Mat<TypeParam> a = with_zero_column<TypeParam>(50, 20, 5, 10);
  for (const char* name : {"lapack.qr", "textbook.cgs_qr", "textbook.mgs_qr"}) {
    const auto out = solve_with(name, a, ones<TypeParam>(50), ProblemKind::least_squares);
    EXPECT_EQ(out.status, Status::failed) << name;
    EXPECT_EQ(out.reason, "rank deficient: R(6,6) = 0") << name;
  }
}

TYPED_TEST(Breakdown, SvdOnRankDeficientMatrixStaysOkAndNotesTheEffectiveRank) {
  const arma::Mat<TypeParam> a = with_zero_column<TypeParam>(50, 20, 5, 10);
  const auto out = solve_with("lapack.svd", a, ones<TypeParam>(50), ProblemKind::least_squares);
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_CONTAINS(out.facts.note, "effective rank 19 < min(m,n) = 20");
  // The minimum-norm solution has no component along the null direction e_6, up to the rounding of the SVD.
  const double u = unit_roundoff(precision_of<TypeParam>());
  EXPECT_LE(std::abs(out.x(5)), 10 * 50 * u * arma::norm(out.x, "inf"));
}

TYPED_TEST(Breakdown, SvdOnFullRankMatrixLeavesNoNote) {
  const StoredProblem<TypeParam> p = well_conditioned<TypeParam>(ProblemKind::underdetermined, 4);
  const auto out = solve_with("lapack.svd", p.A, p.b, ProblemKind::underdetermined);
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_EQ(out.facts.note, "");
}

TYPED_TEST(Breakdown, WrongShapesFailInsteadOfReachingLapack) {
  const arma::Mat<TypeParam> tall(6, 4, arma::fill::eye);
  const arma::Mat<TypeParam> wide(4, 6, arma::fill::eye);
  EXPECT_CONTAINS(solve_with("lapack.lu", tall, ones<TypeParam>(6), ProblemKind::general).reason, "needs a square A");
  EXPECT_CONTAINS(solve_with("lapack.qr", wide, ones<TypeParam>(4), ProblemKind::underdetermined).reason,
                  "needs m >= n");
  for (const std::string& name : cpu_solver_names()) {
    if (std::is_same_v<TypeParam, float> && !solver(name).info().f32) continue;
    const auto out = solver(name).solve(SolveInput<TypeParam>{tall, ones<TypeParam>(5), ProblemKind::least_squares});
    EXPECT_EQ(out.status, Status::failed) << name;
    EXPECT_CONTAINS(out.reason, "b has 5 entries") << name;
  }
}

}  // namespace
}  // namespace condbench::testing
