// Golden tests of the harness itself: a small study's results.csv, timings blanked,
// against tests/golden/. Regenerate on purpose (and review the diff) with
//   scripts/regenerate_golden.sh        (sets CONDBENCH_GENERATE_GOLDEN=1)
#include "reports/common/run_data.hpp"
#include "reports/regress/golden.hpp"
#include "studies/runner/results.hpp"
#include "studies/runner/runner.hpp"
#include "studies/runner/study.hpp"

#include "tests/support/run_binary.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
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

TEST(GoldenCompare, RoundingBoundOutcomeMayTakeAnyValueTheKernelsGaveButNoOther) {
  auto golden = parse_results_csv(blank_timings(one_row_csv()), "mem");
  golden[0].iterations = 3;
  auto zen = golden, skylake = golden;
  skylake[0].iterations = 4;
  RoundingBound rb = find_rounding_bound(golden, {{"Zen", zen}, {"SkylakeX", skylake}});
  ASSERT_EQ(rb.values.size(), 1u);
  EXPECT_EQ((rb.values.at({0, "iterations"})), (std::set<std::string>{"3", "4"}));
  // Survives its JSON form.
  rb = RoundingBound::from_json(rb.to_json(golden));
  auto now = golden;
  now[0].iterations = 4;
  EXPECT_TRUE(compare_golden(golden, now, false, rb).differences.empty());  // another kernel's value
  EXPECT_EQ(compare_golden(golden, now, true, rb).differences.size(), 1u);  // the golden platform: exact
  now[0].iterations = 5;
  EXPECT_EQ(compare_golden(golden, now, false, rb).differences.size(), 1u);  // no kernel gave 5
  now[0].iterations = 3;
  now[0].status = "failed";  // not rounding-bound: exact everywhere
  EXPECT_EQ(compare_golden(golden, now, false, rb).differences.size(), 1u);
}

namespace {

// The OpenBLAS kernels (OPENBLAS_CORETYPE) this CPU can run, from its flags: the
// golden study is rerun on each when the golden files are regenerated.
std::vector<std::string> runnable_kernels() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, flags;
  while (std::getline(in, line))
    if (line.rfind("flags", 0) == 0) {
      flags = line + " ";
      break;
    }
  auto has = [&](const char* f) { return flags.find(std::string(" ") + f + " ") != std::string::npos; };
  std::vector<std::string> k;
  if (has("pni")) k.push_back("Prescott");  // SSE3 is "pni" in /proc/cpuinfo
  if (has("sse4_2")) k.push_back("Nehalem");
  if (has("avx")) k.push_back("Sandybridge");
  if (has("avx2") && has("fma")) k.push_back("Haswell"), k.push_back("Zen");
  if (has("avx512f") && has("avx512bw") && has("avx512vl")) k.push_back("SkylakeX");
  if (has("avx512_bf16")) k.push_back("Cooperlake");
  return k;
}

std::vector<ResultRow> run_on_kernel(const std::string& kernel, const fs::path& out) {
  auto r = condbench::test::run_shell("OPENBLAS_CORETYPE=" + kernel + " " + std::string(CONDBENCH_BINARY) + " run '" +
                                      (kGolden / "tiny.toml").string() + "' --out '" + out.string() +
                                      "' --force --threads 1 --keep-skipped --no-report --quiet");
  EXPECT_EQ(r.code, 0) << r.out;
  RunData run = load_run(out.string());
  std::string config = run.meta["context"].value("blas_config", "");
  EXPECT_NE(config.find(kernel), std::string::npos) << "OpenBLAS did not take OPENBLAS_CORETYPE=" << kernel << ": " << config;
  auto rows = parse_results_csv(blank_timings(read(out / "results.csv")), kernel);
  fs::remove_all(out);
  return rows;
}

}  // namespace

TEST(Golden, TinyStudyMatchesTheGoldenFiles) {
  fs::path out = fs::temp_directory_path() / ("condbench_golden_" + std::to_string(::getpid()));
  Study study = load_study((kGolden / "tiny.toml").string());
  RunOptions opt;
  opt.out_dir = out.string();
  opt.force = true;
  opt.threads = 1;  // one thread: the same sums in the same order
  opt.keep_skipped = true;  // the solver set is part of what the golden file pins
  opt.progress = false;
  run_study(study, opt);
  RunData run = load_run(out.string());
  std::string text = blank_timings(read(out / "results.csv"));
  nlohmann::ordered_json platform = platform_fingerprint(run.meta["context"]);
  fs::remove_all(out);

  if (std::getenv("CONDBENCH_GENERATE_GOLDEN")) {
    auto golden = parse_results_csv(text, "this run");
    std::map<std::string, std::vector<ResultRow>> by_kernel;
    for (const auto& k : runnable_kernels()) by_kernel[k] = run_on_kernel(k, out.string() + "_" + k);
    RoundingBound rb = find_rounding_bound(golden, by_kernel);
    std::ofstream(kGolden / "tiny.csv") << text;
    std::ofstream(kGolden / "tiny.platform.json") << platform.dump(2) << '\n';
    std::ofstream(kGolden / "tiny.kernels.json") << rb.to_json(golden).dump(2) << '\n';
    GTEST_SKIP() << "golden files regenerated in " << kGolden << " (" << rb.values.size()
                 << " rounding-bound outcomes across " << by_kernel.size() << " kernels): review the diff";
  }
  ASSERT_TRUE(fs::exists(kGolden / "tiny.csv")) << "no golden file: run scripts/regenerate_golden.sh";
  auto golden = parse_results_csv(read(kGolden / "tiny.csv"), (kGolden / "tiny.csv").string());
  auto now = parse_results_csv(text, "this run");
  RoundingBound rb = RoundingBound::from_json(nlohmann::ordered_json::parse(read(kGolden / "tiny.kernels.json")));
  bool same_platform = nlohmann::ordered_json::parse(read(kGolden / "tiny.platform.json")) == platform;
  if (!same_platform)
    std::cout << "note: the golden files come from another platform (" << read(kGolden / "tiny.platform.json")
              << "); identity and outcome compared (rounding-bound outcomes against the values of the kernels "
              << nlohmann::ordered_json(rb.kernels).dump() << "), computed figures not\n";
  GoldenDiff d = compare_golden(golden, now, same_platform, rb);
  std::string report;
  for (std::size_t i = 0; i < d.differences.size() && i < 20; ++i) report += d.differences[i] + "\n";
  EXPECT_TRUE(d.differences.empty()) << d.differences.size() << " differences from the golden files:\n"
                                     << report
                                     << "If the change is intended, regenerate: scripts/regenerate_golden.sh";
}
