// The convergence-region table (reports/report/ir_table.hpp) from a real run of refinement solvers: every level
// up to the region's top converged in the rows, the next one did not, kappa_inf is the stored matrix's (checked
// against its own regeneration and inverse), and the summary shows the table; without the study text it says it
// shows kappa_2.
#include "reports/report/ir_table.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "reports/report/report.hpp"
#include "studies/runner/runner.hpp"
#include "studies/runner/study.hpp"
#include "tests/reports/support.hpp"

namespace condbench {
namespace {

namespace fs = std::filesystem;

const char* kStudy = R"([study]
name = "ir_small"
seeds = [1, 2]
precisions = ["f64"]
solvers = ["ir.lu:uf=fp16:ur=quad", "ir.gmres:uf=fp16:ur=quad", "lapack.dsgesv", "lapack.lu"]

[[problem]]
generator = "randsvd"
n = 30
kind = "general"
mode = "geometric"
kappa = [1e1, 1e2, 1e3, 1e4, 1e5, 1e6]
)";

struct IrTableTest : ::testing::Test {
  static void SetUpTestSuite() {
    dir_ = new fs::path(test::scratch("ir_table") / "run");
    RunOptions o;
    o.out_dir = dir_->string();
    o.progress = false;
    run_study(parse_study(kStudy, "ir_small.toml"), o);
  }
  static void TearDownTestSuite() {
    fs::remove_all(dir_->parent_path());
    delete dir_;
  }
  static fs::path* dir_;
};
fs::path* IrTableTest::dir_ = nullptr;

// kappa_inf of a case, regenerated on its own (select_cases) and inverted in double.
double independent_kappa_inf(const std::string& case_id) {
  const Study s = parse_study(kStudy, "ir_small.toml");
  const auto [spec, seed] = select_cases(s, case_id).front();
  const arma::mat a = spec->generator->generate(spec->params, spec->m, spec->n, seed).A;
  return arma::norm(a, "inf") * arma::norm(arma::inv(a), "inf");
}

TEST_F(IrTableTest, RegionTopIsTheLastLevelWhereEverySolveConverged) {
  const RunData run = load_run(dir_->string());
  const report::IrTable t = report::ir_regions(run);
  EXPECT_EQ(t.kappa_name, "κ∞");
  ASSERT_EQ(t.lines.size(), 3u);  // lapack.lu is no refinement solver
  std::map<std::string, const report::IrRegion*> by_solver;
  for (const auto& g : t.lines) by_solver[g.solver] = &g;
  const report::IrRegion& lu = *by_solver.at("ir.lu:uf=fp16:ur=quad");
  EXPECT_EQ(lu.variant, "LU-IR (H,D,Q)");
  EXPECT_EQ(lu.solves, 12);
  EXPECT_EQ(lu.published, 2e3);
  EXPECT_NEAR(lu.formula, 2048, 1e-9);
  ASSERT_TRUE(lu.top.has_value());
  ASSERT_TRUE(lu.first_failure.has_value());
  EXPECT_LT(*lu.top, *lu.first_failure);
  EXPECT_FALSE(lu.failure_reason.empty());
  EXPECT_LE(lu.steps, 10);
  EXPECT_EQ(lu.gmres_iterations, -1);

  // Against the rows: the top is the largest kappa_inf among the cases of the last level at which both seeds
  // converged; at the next level some seed did not.
  std::map<double, std::vector<const ResultRow*>> levels;
  for (const auto& r : run.rows)
    if (r.solver == lu.solver) levels[r.kappa_nominal].push_back(&r);
  double expected_top = 0, failing_level = 0;
  for (const auto& [k, rows] : levels) {
    const bool all = std::all_of(rows.begin(), rows.end(), [](const ResultRow* r) { return r->status == "ok"; });
    if (!all) {
      failing_level = k;
      break;
    }
    expected_top = 0;
    for (const ResultRow* r : rows) expected_top = std::max(expected_top, independent_kappa_inf(r->case_id));
  }
  ASSERT_GT(failing_level, 0);
  EXPECT_NEAR(*lu.top / expected_top, 1.0, 1e-6);

  const report::IrRegion& gm = *by_solver.at("ir.gmres:uf=fp16:ur=quad");
  EXPECT_EQ(gm.variant, "GMRES-IR (H,D,Q), u_p dd");
  ASSERT_TRUE(gm.top.has_value());
  EXPECT_GT(*gm.top, *lu.top);  // GMRES-IR reaches further than LU-IR with the same fp16 factors
  EXPECT_GE(gm.gmres_iterations, 1);
  EXPECT_EQ(by_solver.at("lapack.dsgesv")->variant, "LAPACK dsgesv (S,D,D)");
}

TEST_F(IrTableTest, SummaryShowsTheTableBesideTheTheory) {
  const std::string md = report::summary_markdown(load_run(dir_->string()));
  EXPECT_NE(md.find("## Convergence regions of iterative refinement"), std::string::npos);
  EXPECT_NE(md.find("| LU-IR (H,D,Q) | `ir.lu:uf=fp16:ur=quad` | f64 | svd_geo |"), std::string::npos) << md;
  EXPECT_NE(md.find("Amestoy et al. 2024"), std::string::npos);
}

TEST_F(IrTableTest, WithoutTheStudyTextItShowsKappa2AndSaysSo) {
  RunData run = load_run(dir_->string());
  run.meta["study"].erase("text");
  const report::IrTable t = report::ir_regions(run);
  EXPECT_EQ(t.kappa_name, "κ₂");
  EXPECT_NE(t.kappa_note.find("run.json keeps no study text"), std::string::npos);
  ASSERT_FALSE(t.lines.empty());
}

TEST(IrTable, LeastSquaresStepsBesideThePublishedOnes) {
  const fs::path dir = test::scratch("ls_table") / "run";
  RunOptions o;
  o.out_dir = dir.string();
  o.progress = false;
  run_study(parse_study(R"([study]
name = "ls_small"
seeds = [1]
precisions = ["f64"]
solvers = ["ir.qrgmres:uf=fp16:ur=quad", "ir.qr:uf=fp16:ur=quad"]
[[problem]]
generator = "randsvd"
m = 100
n = 10
kind = "least_squares"
mode = "geometric"
residual = "large"
kappa = [1e2, 1e4]
)",
                        "ls_small.toml"),
            o);
  const RunData run = load_run(dir.string());
  const report::LsTable t = report::ls_steps(run);
  fs::remove_all(dir.parent_path());
  ASSERT_EQ(t.kappas, (std::vector<double>{1e2, 1e4}));
  ASSERT_EQ(t.lines.size(), 4u);  // each solver, then its published line
  EXPECT_EQ(t.lines[0].solver, "ir.qr:uf=fp16:ur=quad");
  EXPECT_FALSE(t.lines[0].published);
  EXPECT_EQ(t.lines[0].cells[1], "Inf");  // LSIR with fp16 QR does not converge at 1e4 (published: Inf too)
  EXPECT_TRUE(t.lines[1].published);
  EXPECT_EQ(t.lines[1].cells, (std::vector<std::string>{"13", "Inf"}));
  EXPECT_EQ(t.lines[3].cells, (std::vector<std::string>{"2 (16)", "2 (26)"}));
  // Converged cells: "steps (GMRES iterations)".
  EXPECT_NE(t.lines[2].cells[0].find(" ("), std::string::npos) << t.lines[2].cells[0];
  EXPECT_NE(report::ls_table_markdown(t).find("| published: `ir.qrgmres:uf=fp16:ur=quad` | f64 | 2 (16) | 2 (26) |"),
            std::string::npos);
}

TEST(IrTable, EmptyWithoutRefinementRows) {
  const RunData run = load_run(test::fixture().string());
  EXPECT_TRUE(report::ir_regions(run).lines.empty());
  EXPECT_EQ(report::ir_table_markdown(report::ir_regions(run)), "");
  EXPECT_TRUE(report::ls_steps(run).lines.empty());
}

}  // namespace
}  // namespace condbench
