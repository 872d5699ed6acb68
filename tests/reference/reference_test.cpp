#include "studies/reference/reference.hpp"
#include "tests/reference/helpers.hpp"

#include <gtest/gtest.h>

#include <iostream>

namespace condbench {
namespace {

using testing::mp_reference;
using testing::randsvd;
using testing::rel_error;

constexpr double kTarget64 = 1e-6 * 0x1p-53;
constexpr double kTarget32 = 1e-6 * 0x1p-24;

TEST(ReferenceExact, TridiagonalSystemMatchesExactElevenths) {
  // tridiag(-1, 2, -1) of order 10 has det 11; with b = e1, x_i = (11 - i) / 11 (i = 1..10).
  const arma::uword n = 10;
  arma::mat A(n, n, arma::fill::zeros);
  for (arma::uword i = 0; i < n; ++i) {
    A(i, i) = 2;
    if (i + 1 < n) A(i, i + 1) = A(i + 1, i) = -1;
  }
  arma::vec b(n, arma::fill::zeros);
  b[0] = 1;
  for (double target : {kTarget64, kTarget32}) {
    const ref::ReferenceSolution r = ref::reference_solution(A, b, ProblemKind::general, target);
    ASSERT_TRUE(r.converged) << r.note;
    EXPECT_LE(r.ref_error, target);
    for (arma::uword i = 0; i < n; ++i) {
      const ref::Real exact = ref::Real(static_cast<int>(n - i)) / 11;
      const double err = abs((r.x[i] - exact) / exact).convert_to<double>();
      EXPECT_LE(err, std::max(r.ref_error, 1e-30)) << "entry " << i;
    }
  }
}

TEST(ReferenceExact, TwoByTwoThirdsBothPrecisions) {
  // [2 1; 1 2] x = [1; 0] -> x = [2/3, -1/3]; integers are exact in float32 too.
  const arma::mat A = {{2, 1}, {1, 2}};
  const arma::vec b = {1, 0};
  const ref::ReferenceSolution r = ref::reference_solution(A, b, ProblemKind::general, kTarget64);
  ASSERT_TRUE(r.converged) << r.note;
  EXPECT_LE(abs(r.x[0] - ref::Real(2) / 3).convert_to<double>(), 1e-30);
  EXPECT_LE(abs(r.x[1] + ref::Real(1) / 3).convert_to<double>(), 1e-30);
}

TEST(ReferenceExact, LeastSquaresRationalSolutionAndResidual) {
  // A = [1 0; 0 1; 1 1], b = [1; 2; 4]: normal equations [2 1; 1 2] x = [5; 6] -> x = [4/3, 7/3],
  // r = b - A x = [-1/3, -1/3, 1/3].
  const arma::mat A = {{1, 0}, {0, 1}, {1, 1}};
  const arma::vec b = {1, 2, 4};
  const ref::ReferenceSolution r = ref::reference_solution(A, b, ProblemKind::least_squares, kTarget64);
  ASSERT_TRUE(r.converged) << r.note;
  ASSERT_EQ(r.r.size(), 3u);
  EXPECT_LE(abs(r.x[0] - ref::Real(4) / 3).convert_to<double>(), 1e-30);
  EXPECT_LE(abs(r.x[1] - ref::Real(7) / 3).convert_to<double>(), 1e-30);
  EXPECT_LE(abs(r.r[0] + ref::Real(1) / 3).convert_to<double>(), 1e-30);
  EXPECT_LE(abs(r.r[2] - ref::Real(1) / 3).convert_to<double>(), 1e-30);
}

TEST(ReferenceExact, MinNormSolutionOfOneEquation) {
  // x1 + x2 + x3 = 1: the min-norm solution is (1/3, 1/3, 1/3).
  const arma::mat A = {{1, 1, 1}};
  const arma::vec b = {1};
  const ref::ReferenceSolution r = ref::reference_solution(A, b, ProblemKind::underdetermined, kTarget64);
  ASSERT_TRUE(r.converged) << r.note;
  for (int i = 0; i < 3; ++i) EXPECT_LE(abs(r.x[i] - ref::Real(1) / 3).convert_to<double>(), 1e-30);
}

struct Case {
  arma::uword m, n;
  double kappa;
  bool f32;
};

class ReferenceVsMultiprecision : public ::testing::TestWithParam<Case> {};

// The reference reaches the target, and its ref_error is an honest bound on the true
// error against an independent 400-bit elimination on the same stored data.
TEST_P(ReferenceVsMultiprecision, ReachesTargetAndBoundsTrueError) {
  const Case c = GetParam();
  arma::mat A = randsvd(c.m, c.n, c.kappa, 11 + c.m + c.n);
  arma::arma_rng::set_seed(3);
  arma::vec b(c.m, arma::fill::randn);
  if (c.f32) {
    A = testing::to_float_stored(A);
    b = arma::conv_to<arma::vec>::from(arma::conv_to<arma::fvec>::from(b));
  }
  const double target = c.f32 ? kTarget32 : kTarget64;
  const ProblemKind kind = c.m == c.n ? ProblemKind::general
                                      : (c.m > c.n ? ProblemKind::least_squares : ProblemKind::underdetermined);
  const ref::ReferenceSolution r = ref::reference_solution(A, b, kind, target);
  const double true_err = rel_error(r.x, mp_reference(A, b));
  EXPECT_TRUE(r.converged) << r.note << " | " << r.method;
  EXPECT_LE(r.ref_error, target);
  EXPECT_LE(true_err, r.ref_error) << "estimate is not a bound";
  std::cout << c.m << "x" << c.n << " kappa " << c.kappa << ": true " << true_err << " est " << r.ref_error << " it "
            << r.iterations << " | " << r.method << " | " << r.note << "\n";
}

INSTANTIATE_TEST_SUITE_P(Square, ReferenceVsMultiprecision,
                         ::testing::Values(Case{20, 20, 1e2, false}, Case{20, 20, 1e8, false},
                                           Case{20, 20, 1e14, false}, Case{24, 24, 1e17, false},
                                           Case{30, 30, 1e20, false}, Case{20, 20, 1e6, true}));
INSTANTIATE_TEST_SUITE_P(LeastSquares, ReferenceVsMultiprecision,
                         ::testing::Values(Case{30, 12, 1e2, false}, Case{30, 12, 1e8, false},
                                           Case{30, 12, 1e14, false}, Case{30, 12, 1e17, false},
                                           Case{30, 12, 1e5, true}));
INSTANTIATE_TEST_SUITE_P(Underdetermined, ReferenceVsMultiprecision,
                         ::testing::Values(Case{10, 25, 1e3, false}, Case{10, 25, 1e12, false},
                                           Case{10, 25, 1e17, false}));

// Past 1/u the float64 LU still preconditions GMRES-IR (issue 11): a kappa hint there skips
// LU-IR, and the answer is as exact as ever.
TEST(ReferenceHint, KappaHintPastOneOverUStartsWithGmresIr) {
  const arma::mat A = randsvd(20, 20, 1e18, 5);
  arma::arma_rng::set_seed(4);
  const arma::vec b(20, arma::fill::randn);
  const ref::ReferenceSolution r = ref::reference_solution(A, b, ProblemKind::general, kTarget64, 1e17);
  EXPECT_TRUE(r.converged) << r.note;
  EXPECT_NE(r.note.find("GMRES-IR from the start"), std::string::npos) << r.note;
  EXPECT_EQ(r.method.find("LU-IR"), std::string::npos) << r.method;
  EXPECT_LE(rel_error(r.x, mp_reference(A, b)), r.ref_error);
}

// [3 1; 1 fl(1/3)] is nonsingular (det = 3 fl(1/3) - 1 = -2^-54) but its float64 LU has an
// exactly zero pivot (fl(1/3) - fl(1/3) 1): no float64 correction or preconditioner exists,
// so the float128 LU is used, and said. The exact solution of [3 1; 1 t] x = [1; 0] is
// x = [t, -1] / (3t - 1).
TEST(ReferenceHint, Float128WhenTheFloat64FactorsAreSingular) {
  const double t = 1.0 / 3.0;
  const arma::mat A = {{3, 1}, {1, t}};
  const arma::vec b = {1, 0};
  const ref::ReferenceSolution r = ref::reference_solution(A, b, ProblemKind::general, kTarget64);
  EXPECT_TRUE(r.converged) << r.note;
  EXPECT_NE(r.method.find("float128"), std::string::npos) << r.method;
  EXPECT_NE(r.note.find("f64 factors singular"), std::string::npos) << r.note;
  const ref::Real det = 3 * ref::Real(t) - 1;
  EXPECT_LE(abs((r.x[0] - ref::Real(t) / det) / (ref::Real(t) / det)).convert_to<double>(), r.ref_error);
  EXPECT_LE(abs((r.x[1] + 1 / det) * det).convert_to<double>(), r.ref_error);
}

TEST(ReferenceSingular, ExactlySingularIsNotConverged) {
  const arma::mat A = {{1, 2, 3}, {2, 4, 6}, {1, 0, 1}};
  const arma::vec b = {1, 1, 1};
  const ref::ReferenceSolution r = ref::reference_solution(A, b, ProblemKind::general, kTarget64);
  EXPECT_FALSE(r.converged);
  EXPECT_FALSE(r.note.empty());
}

}  // namespace
}  // namespace condbench
