// What the runner learns from the registry: the CPU solvers are all there, and each says which problem kinds and
// precisions it does not take (the runner skips those with this reason).
#include <algorithm>

#include "tests/solvers/solver_test_support.hpp"

namespace condbench::testing {
namespace {

TEST(SolverRegistry, ListsEveryCpuSolverOnceWithADescription) {
  const std::vector<std::string> names = SolverRegistry::instance().names();
  for (const std::string& name : cpu_solver_names()) {
    EXPECT_EQ(std::count(names.begin(), names.end(), name), 1) << name;
    EXPECT_FALSE(solver(name).info().description.empty()) << name;
    EXPECT_EQ(solver(name).unavailable_reason(), "") << name;
  }
  EXPECT_EQ(SolverRegistry::instance().match("textbook.*").size(), 3u);
  EXPECT_EQ(SolverRegistry::instance().match("normal.*").size(), 2u);
}

TEST(SolverRegistry, WhyNotNamesAKindTheSolverDoesNotTake) {
  EXPECT_EQ(solver("lapack.cholesky").why_not(ProblemKind::general, Precision::f64),
            "lapack.cholesky does not take general problems");
  EXPECT_EQ(solver("lapack.lu").why_not(ProblemKind::least_squares, Precision::f32),
            "lapack.lu does not take least_squares problems");
  EXPECT_EQ(solver("lapack.qr").why_not(ProblemKind::underdetermined, Precision::f64),
            "lapack.qr does not take underdetermined problems");
  EXPECT_EQ(solver("normal.cholesky").why_not(ProblemKind::spd, Precision::f64),
            "normal.cholesky does not take spd problems");
  EXPECT_EQ(solver("textbook.mgs_qr").why_not(ProblemKind::underdetermined, Precision::f32),
            "textbook.mgs_qr does not take underdetermined problems");
  EXPECT_EQ(solver("lapack.svd").why_not(ProblemKind::underdetermined, Precision::f32), "");
}

TEST(SolverRegistry, DsgesvHasNoFloat32Variant) {
  EXPECT_EQ(solver("lapack.dsgesv").why_not(ProblemKind::general, Precision::f32), "lapack.dsgesv has no f32 variant");
  EXPECT_EQ(solver("lapack.dsgesv").why_not(ProblemKind::general, Precision::f64), "");
  // Called anyway, it fails rather than quietly running something else.
  const arma::fmat a(3, 3, arma::fill::eye);
  const arma::fvec b(3, arma::fill::ones);
  EXPECT_EQ(solve_with("lapack.dsgesv", a, b, ProblemKind::general).status, Status::failed);
}

}  // namespace
}  // namespace condbench::testing
