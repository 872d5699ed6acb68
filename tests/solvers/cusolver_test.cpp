// The cuSOLVER backend: always listed; without the GPU module, CUDA or a GPU every
// solver says why and the runner skips it; with a GPU every solver passes LAPACK's
// residual test. CONDBENCH_EXPECT_GPU=1 (scripts/gpu_check.sh sets it on a GPU machine)
// turns "skipped: needs a GPU" into a failure, so a broken module cannot pass unseen.
#include "solvers/cusolver/catalogue.hpp"
#include "solvers/cusolver/loader.hpp"
#include "solver_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

namespace condbench::testing {
namespace {

bool expect_gpu() {
  const char* v = std::getenv("CONDBENCH_EXPECT_GPU");
  return v && std::string(v) == "1";
}

#define CONDBENCH_NEEDS_GPU()                                                                 \
  if (const std::string why = cusolver::unavailable_reason(); !why.empty()) {                \
    if (expect_gpu()) FAIL() << "CONDBENCH_EXPECT_GPU=1 but cuSOLVER cannot run here: " << why; \
    GTEST_SKIP() << "needs a GPU: " << why;                                                   \
  }

TEST(Cusolver, EverySolverIsListedWhetherOrNotItCanRun) {
  std::vector<std::string> listed;
  for (const Solver* s : SolverRegistry::instance().match("cusolver.*")) listed.push_back(s->info().name);
  std::vector<std::string> expected;
  for (const SolverInfo& i : cusolver::catalogue()) expected.push_back(i.name);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(listed, expected);
  EXPECT_EQ(listed.size(), 16u);
}

TEST(Cusolver, TheBuiltModuleIsFoundFromTheBuildTree) {
  if (std::getenv("CONDBENCH_CUSOLVER_MODULE")) GTEST_SKIP() << "CONDBENCH_CUSOLVER_MODULE overrides the search";
  const cusolver::ModuleStatus& m = cusolver::module();
  if (!cusolver::module_compiled()) {
    EXPECT_EQ(m.state, cusolver::ModuleState::not_compiled);
    EXPECT_EQ(m.reason.rfind("not compiled: ", 0), 0u) << m.reason;
    return;
  }
  EXPECT_NE(m.state, cusolver::ModuleState::not_found) << m.reason;
  EXPECT_NE(m.state, cusolver::ModuleState::load_failed) << m.reason;
}

TEST(Cusolver, UnavailableSolversSayWhyAndFailCleanly) {
  const std::string why = cusolver::unavailable_reason();
  if (why.empty()) GTEST_SKIP() << "a CUDA device is available here: the unavailable path is not exercised";
  if (expect_gpu()) ADD_FAILURE() << "CONDBENCH_EXPECT_GPU=1 but cuSOLVER cannot run here: " << why;
  bool known = false;
  for (const char* prefix : {"not compiled: ", "GPU module not found: searched ", "GPU module failed to load: ",
                             "no usable CUDA device: "})
    known |= why.rfind(prefix, 0) == 0;
  EXPECT_TRUE(known) << why;
  for (const SolverInfo& i : cusolver::catalogue()) {
    const Solver* s = SolverRegistry::instance().find(i.name);
    const ProblemKind kind = i.kinds.contains(ProblemKind::general) ? ProblemKind::general : ProblemKind::spd;
    auto p = well_conditioned<double>(kind, 3);
    EXPECT_EQ(s->why_not(kind, Precision::f64), i.name + ": " + why);
    auto out = s->solve(SolveInput<double>{p.A, p.b, p.kind});
    EXPECT_EQ(out.status, Status::failed) << i.name;
    EXPECT_EQ(out.reason, why) << i.name;
  }
}

TEST(Cusolver, IrsFp32IsFloat64Only) {
  EXPECT_FALSE(SolverRegistry::instance().find("cusolver.irs_fp32")->info().f32);
  EXPECT_TRUE(SolverRegistry::instance().find("cusolver.irs_fp16")->info().f32);
}

template <class T>
void expect_lapack_threshold(const Solver& s, ProblemKind kind) {
  auto p = well_conditioned<T>(kind, 5);
  auto out = s.solve(SolveInput<T>{p.A, p.b, p.kind});
  const std::string what = s.info().name + " " + to_string(precision_of<T>()) + " " + to_string(kind);
  ASSERT_EQ(out.status, Status::ok) << what << ": " << out.reason;
  EXPECT_GT(out.timing.factor_s, 0) << what;
  EXPECT_GE(out.timing.solve_s, 0) << what;
  EXPECT_GT(out.timing.transfer_s, 0) << what;
  if (kind == ProblemKind::least_squares)
    EXPECT_LT(normal_residual_ratio(p.A, p.b, out.x, p.zero_residual), 30) << what;
  else
    EXPECT_LT(residual_ratio(p.A, p.b, out.x), 30) << what;
}

// Every solver, in every precision and problem kind it takes.
TEST(Cusolver, EverySolverPassesLapacksResidualTestOnAGpu) {
  CONDBENCH_NEEDS_GPU();
  for (const SolverInfo& i : cusolver::catalogue()) {
    const Solver& s = *SolverRegistry::instance().find(i.name);
    for (ProblemKind k : {ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares,
                          ProblemKind::underdetermined}) {
      if (!i.kinds.contains(k)) continue;
      if (i.f64) expect_lapack_threshold<double>(s, k);
      if (i.f32) expect_lapack_threshold<float>(s, k);
    }
  }
}

TEST(Cusolver, CholeskyOnAnIndefiniteMatrixIsNotSpdOnAGpu) {
  CONDBENCH_NEEDS_GPU();
  arma::mat a = {{1, 2}, {2, 1}};
  arma::vec b = {1, 1};
  auto out = SolverRegistry::instance().find("cusolver.cholesky")->solve(SolveInput<double>{a, b, ProblemKind::spd});
  EXPECT_EQ(out.status, Status::failed);
  EXPECT_EQ(out.reason.rfind("not SPD", 0), 0u) << out.reason;
}

// Every IRS row carries niters and devInfo, whatever the outcome.
TEST(Cusolver, IrsRowsReportNitersAndDevInfoOnAGpu) {
  CONDBENCH_NEEDS_GPU();
  const arma::uword n = 60;
  const arma::vec s = arma::logspace<arma::vec>(0, -12, n);  // kappa 1e12: fp16 refinement cannot converge
  const arma::mat a = with_singular_values(n, n, s, 21);
  const arma::vec b = a * random_vector(n, 22);
  for (const char* name : {"cusolver.irs_fp16", "cusolver.irs_fp16_nofallback"}) {
    auto out = SolverRegistry::instance().find(name)->solve(SolveInput<double>{a, b, ProblemKind::general});
    SCOPED_TRACE(std::string(name) + ": " + out.reason + " / " + out.facts.note);
    ASSERT_TRUE(out.facts.extra.contains("niters"));
    ASSERT_TRUE(out.facts.extra.contains("d_info"));
    ASSERT_TRUE(out.facts.extra.contains("max_iters"));
    if (std::string(name) == "cusolver.irs_fp16") {
      EXPECT_EQ(out.status, Status::ok);
      EXPECT_TRUE(out.facts.fallback || out.facts.iterations >= 0);
    } else {
      EXPECT_FALSE(out.facts.fallback) << "fallback disabled";
    }
  }
}

// cusolver.svd and lapack.svd (gelsd, rcond = -1) drop the same singular values.
TEST(Cusolver, SvdDropsWhatGelsdDropsOnAGpu) {
  CONDBENCH_NEEDS_GPU();
  const double u = std::numeric_limits<double>::epsilon() / 2;
  for (double s2 : {1.5 * u, 0.5 * u}) {
    arma::mat a(2, 2, arma::fill::zeros);
    a(0, 0) = 1;
    a(1, 1) = s2;
    arma::vec b = {1, 1};
    auto gpu = SolverRegistry::instance().find("cusolver.svd")->solve(SolveInput<double>{a, b, ProblemKind::general});
    auto cpu = SolverRegistry::instance().find("lapack.svd")->solve(SolveInput<double>{a, b, ProblemKind::general});
    ASSERT_EQ(gpu.status, Status::ok) << gpu.reason;
    ASSERT_EQ(cpu.status, Status::ok) << cpu.reason;
    const int rank = s2 > u ? 2 : 1;
    EXPECT_EQ(gpu.facts.extra.value("rank", -1), rank) << s2;
    EXPECT_EQ(cpu.facts.note.find("effective rank") == std::string::npos ? 2 : 1, rank) << cpu.facts.note;
  }
}

}  // namespace
}  // namespace condbench::testing
