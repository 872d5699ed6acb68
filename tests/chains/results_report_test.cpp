// results.csv of a chain study (format and reading back) and the chain report, through
// the executable as a user runs it.
#include "studies/chains/chain_results.hpp"
#include "studies/runner/input_error.hpp"
#include "tests/support/run_binary.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace cb = condbench::chains;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST(ChainResults, RowsRoundTripThroughCsvWithQuotesAndNonFiniteValues) {
  cb::ChainRow r;
  r.case_id = "chain:d32:gaussian:s=0.7:linear:L20:s3";
  r.seed = 3;
  r.width = 32;
  r.layers = 20;
  r.depth = 20;
  r.init = "gaussian";
  r.scale = 0.7;
  r.activation = "linear";
  r.precision = "f32";
  r.method = "chain.backprop";
  r.quantity = "grad_norm";
  r.value = 5.8e-4;
  r.reference = std::nan("");
  r.rel_error = INFINITY;
  r.theory = 1.0 / 3;
  r.theory_sd = 0.5679;
  r.theory_note = "exact: a sum, with \"quotes\"";
  r.note = "no reference: x, y";
  const std::string text = cb::format_chain_row(r);
  std::string header;
  for (const auto& c : cb::chain_result_columns()) header += (header.empty() ? "" : ",") + c;
  const auto rows = cb::parse_chain_results(header + "\n" + text, "results.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].case_id, r.case_id);
  EXPECT_EQ(rows[0].theory, r.theory);  // 17 significant digits
  EXPECT_TRUE(std::isnan(rows[0].reference));
  EXPECT_TRUE(std::isinf(rows[0].rel_error));
  EXPECT_EQ(rows[0].theory_note, r.theory_note);
  EXPECT_EQ(rows[0].note, r.note);
  EXPECT_TRUE(cb::is_chain_results_header(header));
  // A results file of the linear-system kind is named as such.
  try {
    cb::parse_chain_results("case_id,generator\n", "other.csv");
    FAIL();
  } catch (const condbench::InputError& e) {
    EXPECT_TRUE(contains(e.what(), "other.csv:1: not a chain results file: column 'task' is missing")) << e.what();
  }
}

TEST(ChainResults, RelativeErrorHandlesZeroInfinityAndNan) {
  EXPECT_EQ(cb::relative_error(2, 2), 0);
  EXPECT_DOUBLE_EQ(cb::relative_error(3, 2), 0.5);
  EXPECT_EQ(cb::relative_error(INFINITY, INFINITY), 0);
  EXPECT_TRUE(std::isinf(cb::relative_error(40, INFINITY)));  // a finite kappa of a singular product
  EXPECT_TRUE(std::isinf(cb::relative_error(1, 0)));
  EXPECT_TRUE(std::isnan(cb::relative_error(1, std::nan(""))));
}

TEST(ChainReport, RunThenReportWritesTheLecturesTableFiguresAndRefusesCompare) {
  const fs::path dir = fs::temp_directory_path() / ("condbench_chain_report_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "tiny.toml") << R"([study]
name = "tiny_chains"
seeds = [1, 2, 3]
precisions = ["f64", "f32"]
methods = ["chain.*"]

[[chain]]
width = 8
depth = [1, 2, 4]
init = "gaussian"
scale = [0.7, 1.0]
)";
  auto r = condbench::test::run_condbench("run tiny.toml --out run -q", dir.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "chain.qr_jacobi")) << r.out;
  const std::string csv = slurp(dir / "run/results.csv");
  EXPECT_EQ(csv.rfind("task,case_id,seed,width,layers,depth", 0), 0u);
  EXPECT_TRUE(contains(slurp(dir / "run/run.json"), "\"task\": \"chain\""));
  const std::string md = slurp(dir / "run/summary.md");
  EXPECT_TRUE(contains(md, "## The lecture's table")) << md;
  EXPECT_TRUE(contains(md, "| d=8 gaussian s=0.7 linear L=4 | grad_norm | f64 | 4 | 3 |")) << md;
  EXPECT_TRUE(contains(md, "## κ of the product of the Jacobians, per method")) << md;
  for (const char* f : {"grad_norm", "kappa", "kappa_error", "monitor", "spectrum"})
    EXPECT_TRUE(fs::exists(dir / "run/figures" / (std::string(f) + ".svg"))) << f;
  EXPECT_TRUE(contains(slurp(dir / "run/report.html"), "id=\"fig-kappa\""));
  // condbench report on the run folder writes the chain report again.
  fs::remove(dir / "run/summary.md");
  r = condbench::test::run_condbench("report run", dir.string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(fs::exists(dir / "run/summary.md"));
  // compare reads linear-system runs only, and says so.
  r = condbench::test::run_condbench("compare run run", dir.string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "a layer-chain run")) << r.out;
  fs::remove_all(dir);
}
