// Golden tests of the harness itself: a small study's results.csv, timings blanked,
// against tests/golden/. Regenerate on purpose (and review the diff) with
//   scripts/regenerate_golden.sh        (sets CONDBENCH_GENERATE_GOLDEN=1)
#include "reports/common/run_data.hpp"
#include "reports/regress/golden.hpp"
#include "studies/runner/results.hpp"
#include "studies/runner/runner.hpp"
#include "studies/runner/study.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace condbench;
using namespace condbench::regress;

namespace {

const fs::path kGolden = fs::path(CONDBENCH_SOURCE_DIR) / "tests" / "golden";

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A results.csv text of one row, written by the runner's own writer.
std::string one_row_csv() {
  ResultRow r;
  r.case_id = "a:b,c";
  r.solver = "lapack.lu";
  r.precision = "f64";
  r.status = "ok";
  r.kappa_nominal = 100;
  r.kappa = 101.5;
  r.forward_error = 1.25e-15;
  r.backward_error = 1e-17;
  r.ls_residual_ratio = std::nan("");
  r.time_s = 0.001;
  r.factor_s = r.solve_s = 0.0005;
  r.repetitions = 1;
  r.ref_time_s = 0.02;
  r.kappa_time_s = 0.003;
  fs::path p = fs::temp_directory_path() / ("condbench_one_row_" + std::to_string(::getpid()) + ".csv");
  CsvWriter(p.string()).write(r);
  std::string text = read(p);
  fs::remove(p);
  return text;
}

}  // namespace

TEST(GoldenCompare, BlankingEmptiesOnlyTheTimingColumns) {
  std::string blank = blank_timings(one_row_csv());
  auto rows = parse_results_csv(blank, "mem");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].case_id, "a:b,c");
  EXPECT_TRUE(std::isnan(rows[0].time_s));
  EXPECT_TRUE(std::isnan(rows[0].kappa_time_s));
  EXPECT_EQ(rows[0].forward_error, 1.25e-15);
  EXPECT_EQ(rows[0].repetitions, 1);
}

TEST(GoldenCompare, FindsAChangedFigureAndAChangedStatus) {
  auto golden = parse_results_csv(blank_timings(one_row_csv()), "mem");
  auto now = golden;
  EXPECT_TRUE(compare_golden(golden, now, true).differences.empty());
  now[0].forward_error *= 1 + 1e-9;
  auto d = compare_golden(golden, now, true);
  ASSERT_EQ(d.differences.size(), 1u);
  EXPECT_NE(d.differences[0].find("forward_error"), std::string::npos);
  EXPECT_TRUE(compare_golden(golden, now, false).differences.empty());  // figures off: other platform
  now[0].status = "failed";
  EXPECT_EQ(compare_golden(golden, now, false).differences.size(), 1u);
  now.pop_back();
  EXPECT_FALSE(compare_golden(golden, now, false).differences.empty());
}

TEST(Golden, TinyStudyMatchesTheGoldenFiles) {
  fs::path out = fs::temp_directory_path() / ("condbench_golden_" + std::to_string(::getpid()));
  Study study = load_study((kGolden / "tiny.toml").string());
  RunOptions opt;
  opt.out_dir = out.string();
  opt.force = true;
  opt.threads = 1;  // one thread: the same sums in the same order
  opt.progress = false;
  run_study(study, opt);
  RunData run = load_run(out.string());
  std::string text = blank_timings(read(out / "results.csv"));
  nlohmann::ordered_json platform = platform_fingerprint(run.meta["context"]);
  fs::remove_all(out);

  if (std::getenv("CONDBENCH_GENERATE_GOLDEN")) {
    std::ofstream(kGolden / "tiny.csv") << text;
    std::ofstream(kGolden / "tiny.platform.json") << platform.dump(2) << '\n';
    GTEST_SKIP() << "golden files regenerated in " << kGolden << ": review the diff before committing";
  }
  ASSERT_TRUE(fs::exists(kGolden / "tiny.csv")) << "no golden file: run scripts/regenerate_golden.sh";
  auto golden = parse_results_csv(read(kGolden / "tiny.csv"), (kGolden / "tiny.csv").string());
  auto now = parse_results_csv(text, "this run");
  bool same_platform = nlohmann::ordered_json::parse(read(kGolden / "tiny.platform.json")) == platform;
  if (!same_platform)
    std::cout << "note: the golden files come from another platform (" << read(kGolden / "tiny.platform.json")
              << "); identity and outcome compared, computed figures not\n";
  GoldenDiff d = compare_golden(golden, now, same_platform);
  std::string report;
  for (std::size_t i = 0; i < d.differences.size() && i < 20; ++i) report += d.differences[i] + "\n";
  EXPECT_TRUE(d.differences.empty()) << d.differences.size() << " differences from the golden files:\n"
                                     << report
                                     << "If the change is intended, regenerate: scripts/regenerate_golden.sh";
}
