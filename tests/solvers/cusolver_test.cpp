// The cuSOLVER backend: always listed; without CUDA or a GPU it says why and the
// runner skips it; with a GPU its solves pass LAPACK's residual test.
#include "solvers/cusolver/device.hpp"
#include "solver_test_support.hpp"

#include <gtest/gtest.h>

namespace condbench::testing {
namespace {

const std::vector<std::string> kCusolverNames = {
    "cusolver.lu",           "cusolver.cholesky",        "cusolver.qr",          "cusolver.svd",
    "cusolver.irs_fp16",     "cusolver.irs_fp16_classical", "cusolver.irs_fp16_nofallback",
    "cusolver.irs_bf16",     "cusolver.irs_bf16_classical", "cusolver.irs_bf16_nofallback",
    "cusolver.irs_tf32",     "cusolver.irs_tf32_classical", "cusolver.irs_tf32_nofallback",
    "cusolver.irs_fp32",     "cusolver.irs_fp32_classical", "cusolver.irs_fp32_nofallback"};

TEST(Cusolver, EverySolverIsListedWhetherOrNotItCanRun) {
  for (const auto& name : kCusolverNames) EXPECT_NE(SolverRegistry::instance().find(name), nullptr) << name;
}

TEST(Cusolver, UnavailableSolversSayWhyAndFailCleanly) {
  const std::string why = cusolver::unavailable_reason();
  if (why.empty()) GTEST_SKIP() << "a CUDA device is available here: the unavailable path is not exercised";
#ifndef CONDBENCH_HAVE_CUDA
  EXPECT_NE(why.find("not compiled"), std::string::npos) << why;
#else
  EXPECT_NE(why.find("CUDA device"), std::string::npos) << why;
#endif
  for (const auto& name : kCusolverNames) {
    const Solver* s = SolverRegistry::instance().find(name);
    const ProblemKind kind = s->info().kinds.contains(ProblemKind::general) ? ProblemKind::general : ProblemKind::spd;
    auto p = well_conditioned<double>(kind, 3);
    EXPECT_NE(s->why_not(kind, Precision::f64).find(why), std::string::npos) << name;
    auto out = s->solve(SolveInput<double>{p.A, p.b, p.kind});
    EXPECT_EQ(out.status, Status::failed) << name;
    EXPECT_EQ(out.reason, why) << name;
  }
}

TEST(Cusolver, IrsFp32IsFloat64Only) {
  EXPECT_FALSE(SolverRegistry::instance().find("cusolver.irs_fp32")->info().f32);
  EXPECT_TRUE(SolverRegistry::instance().find("cusolver.irs_fp16")->info().f32);
}

template <class T>
void expect_lapack_threshold(const std::string& name, ProblemKind kind) {
  const Solver* s = SolverRegistry::instance().find(name);
  auto p = well_conditioned<T>(kind, 5);
  auto out = s->solve(SolveInput<T>{p.A, p.b, p.kind});
  ASSERT_EQ(out.status, Status::ok) << name << ": " << out.reason;
  EXPECT_GE(out.timing.factor_s, 0);
  EXPECT_GE(out.timing.transfer_s, 0);
  if (kind == ProblemKind::least_squares)
    EXPECT_LT(normal_residual_ratio(p.A, p.b, out.x, p.zero_residual), 30) << name;
  else
    EXPECT_LT(residual_ratio(p.A, p.b, out.x), 30) << name;
}

TEST(Cusolver, SolvesPassLapacksResidualTestOnAGpu) {
  if (std::string why = cusolver::unavailable_reason(); !why.empty()) GTEST_SKIP() << "needs a GPU: " << why;
  for (const auto& name : {"cusolver.lu", "cusolver.qr", "cusolver.svd", "cusolver.irs_fp32",
                           "cusolver.irs_fp16", "cusolver.irs_tf32"}) {
    expect_lapack_threshold<double>(name, ProblemKind::general);
  }
  expect_lapack_threshold<double>("cusolver.cholesky", ProblemKind::spd);
  expect_lapack_threshold<float>("cusolver.lu", ProblemKind::general);
  expect_lapack_threshold<double>("cusolver.qr", ProblemKind::least_squares);
  expect_lapack_threshold<double>("cusolver.svd", ProblemKind::least_squares);
  expect_lapack_threshold<double>("cusolver.svd", ProblemKind::underdetermined);
}

TEST(Cusolver, CholeskyOnAnIndefiniteMatrixIsNotSpdOnAGpu) {
  if (std::string why = cusolver::unavailable_reason(); !why.empty()) GTEST_SKIP() << "needs a GPU: " << why;
  arma::mat a = {{1, 2}, {2, 1}};
  arma::vec b = {1, 1};
  auto out = SolverRegistry::instance().find("cusolver.cholesky")->solve(SolveInput<double>{a, b, ProblemKind::spd});
  EXPECT_EQ(out.status, Status::failed);
  EXPECT_EQ(out.reason.rfind("not SPD", 0), 0u) << out.reason;
}

}  // namespace
}  // namespace condbench::testing
