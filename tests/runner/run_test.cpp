// End to end: a tiny study runs, writes one row per case x precision x solver,
// carries its context, and never overwrites results without --force.
#include "studies/runner/input_error.hpp"
#include "studies/runner/results.hpp"
#include "studies/runner/runner.hpp"
#include "studies/runner/study.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using namespace condbench;

namespace {

const char* kTiny = R"([study]
name = "tiny"
seeds = [7]
precisions = ["f32", "f64"]
solvers = ["lapack.lu", "lapack.cholesky", "lapack.qr", "normal.cholesky"]

[[problem]]
generator = "randsvd"
n = 12
kind = ["general", "spd"]
kappa = [1e2, 1e10]

[[problem]]
generator = "randsvd"
n = 12
kind = "least_squares"
residual = "large"
kappa = 1e3
)";

std::vector<std::map<std::string, std::string>> read_csv(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream hs(line);
  for (std::string c; std::getline(hs, c, ',');) header.push_back(c);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::string cur;
    bool quoted = false;
    for (char ch : line) {
      if (ch == '"') quoted = !quoted;
      else if (ch == ',' && !quoted) { cells.push_back(cur); cur.clear(); }
      else cur += ch;
    }
    cells.push_back(cur);
    EXPECT_EQ(cells.size(), header.size()) << line;
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    rows.push_back(row);
  }
  return rows;
}

struct TinyRun : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("condbench_run_test_" + std::to_string(::getpid()));
  void SetUp() override { fs::remove_all(dir); }
  void TearDown() override { fs::remove_all(dir); }
  RunOptions options() {
    RunOptions o;
    o.out_dir = dir.string();
    o.progress = false;
    return o;
  }
};

}  // namespace

TEST_F(TinyRun, WritesOneRowPerCasePrecisionAndSolverWithHonestStatuses) {
  Study s = parse_study(kTiny, "tiny.toml");
  RunOptions o = options();
  o.keep_skipped = true;
  RunResult r = run_study(s, o);
  auto rows = read_csv(dir / "results.csv");
  ASSERT_EQ(rows.size(), 5u * 2u * 4u);
  EXPECT_EQ(r.rows.size(), rows.size());
  for (const auto& row : rows) {
    const std::string& solver = row.at("solver");
    const std::string& kind = row.at("kind");
    double u = row.at("precision") == "f32" ? 0x1p-24 : 0x1p-53;
    if (solver == "lapack.cholesky" && kind != "spd") {
      EXPECT_EQ(row.at("status"), "skipped");
      EXPECT_NE(row.at("reason").find("does not take"), std::string::npos);
      continue;
    }
    if (solver == "normal.cholesky" && kind != "least_squares") {
      EXPECT_EQ(row.at("status"), "skipped");
      continue;
    }
    double kappa = std::stod(row.at("kappa"));
    EXPECT_GT(kappa, 0);
    EXPECT_LE(std::stod(row.at("ref_error")), 1e-6 * u) << row.at("case_id");
    if (row.at("status") != "ok") {
      EXPECT_FALSE(row.at("reason").empty());
      continue;
    }
    double fe = std::stod(row.at("forward_error"));
    double n = std::stod(row.at("n"));
    // Backward stable solvers: error within a modest multiple of n * kappa * u (kappa^2 for the normal equations).
    double k = solver == "normal.cholesky" ? kappa * kappa : kappa;
    EXPECT_LE(fe, 10 * n * k * u) << solver << " " << row.at("case_id") << " " << row.at("precision");
    EXPECT_GE(std::stod(row.at("time_s")), 0.0);
  }
}

TEST_F(TinyRun, SkippedSolversAreCountedInRunJsonNotWrittenAsRows) {
  RunResult r = run_study(parse_study(kTiny, "tiny.toml"), options());
  auto rows = read_csv(dir / "results.csv");
  // 5 cases x 2 precisions x 4 solvers: Cholesky takes only the 2 SPD cases, LU only
  // the 4 square ones, the normal equations only the least-squares one.
  EXPECT_EQ(rows.size(), 24u);
  for (const auto& row : rows) EXPECT_NE(row.at("status"), "skipped");
  EXPECT_EQ(r.skipped_rows, 16u);
  std::ifstream in(dir / "run.json");
  auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["skipped"]["rows"], 16);
  std::map<std::string, int> per_solver;
  for (const auto& g : j["skipped"]["groups"]) {
    per_solver[g["solver"]] += g["rows"].get<int>();
    EXPECT_NE(g["reason"].get<std::string>().find("does not take " + g["kind"].get<std::string>()), std::string::npos);
  }
  EXPECT_EQ(per_solver["lapack.cholesky"], 6);  // 3 non-SPD cases x 2 precisions
  EXPECT_EQ(per_solver["lapack.lu"], 2);        // the least-squares case x 2 precisions
  EXPECT_EQ(per_solver["normal.cholesky"], 8);  // 4 square cases x 2 precisions
  EXPECT_EQ(per_solver.size(), 3u);
}

TEST_F(TinyRun, RunJsonCarriesTheContext) {
  run_study(parse_study(kTiny, "tiny.toml"), options());
  std::ifstream in(dir / "run.json");
  auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["status"], "complete");
  EXPECT_EQ(j["format_version"], kResultsFormatVersion);
  for (const char* key : {"git_commit", "git_dirty", "compiler", "blas", "blas_version", "lapack_version",
                          "blas_threads", "cpu", "gpu", "condbench_version"})
    EXPECT_TRUE(j["context"].contains(key)) << key;
  EXPECT_EQ(j["study"]["name"], "tiny");
  EXPECT_FALSE(j["start_time"].is_null());
  EXPECT_FALSE(j["end_time"].is_null());
  EXPECT_EQ(j["rows"]["total"], 24);
  EXPECT_EQ(j["execution"]["jobs"], 1);
  EXPECT_EQ(j["study"]["solver_names"].size(), 4u);
}

TEST_F(TinyRun, ExistingResultsAreNeverOverwrittenWithoutForce) {
  run_study(parse_study(kTiny, "tiny.toml"), options());
  auto before = fs::file_size(dir / "results.csv");
  std::ofstream(dir / "results.csv", std::ios::app) << "sentinel\n";
  EXPECT_THROW(run_study(parse_study(kTiny, "tiny.toml"), options()), InputError);
  EXPECT_EQ(fs::file_size(dir / "results.csv"), before + 9);
  RunOptions o = options();
  o.force = true;
  run_study(parse_study(kTiny, "tiny.toml"), o);
  std::ifstream in(dir / "results.csv");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("sentinel"), std::string::npos);  // replaced, not appended to
  EXPECT_EQ(text.rfind("case_id,", 0), 0u);
  EXPECT_EQ(read_csv(dir / "results.csv").size(), 24u);
}

TEST_F(TinyRun, OneCaseCanBeReproducedFromItsId) {
  Study s = parse_study(kTiny, "tiny.toml");
  RunResult all = run_study(s, options());
  // An ok least-squares row in float32: the case id must carry everything that made it.
  auto it = std::find_if(all.rows.begin(), all.rows.end(), [](const ResultRow& r) {
    return r.status == "ok" && r.kind == "least_squares" && r.precision == "f32" && r.solver == "lapack.qr";
  });
  ASSERT_NE(it, all.rows.end());
  const ResultRow& pick = *it;
  fs::path dir2 = dir.string() + "_case";
  RunOptions o = options();
  o.out_dir = dir2.string();
  o.case_filter = pick.case_id;
  o.precision_filter = pick.precision;
  o.solver_filter = pick.solver;
  RunResult one = run_study(s, o);
  fs::remove_all(dir2);
  ASSERT_EQ(one.rows.size(), 1u);
  EXPECT_EQ(one.rows[0].case_id, pick.case_id);
  EXPECT_EQ(one.rows[0].kappa, pick.kappa);  // bit for bit: same problem, same measurement
  EXPECT_EQ(one.rows[0].forward_error, pick.forward_error);
}

TEST_F(TinyRun, UnknownCaseIdIsAnInputErrorAndWritesNothing) {
  RunOptions o = options();
  o.case_filter = "randsvd:nope:12x12:s7";
  EXPECT_THROW(run_study(parse_study(kTiny, "tiny.toml"), o), InputError);
  EXPECT_FALSE(fs::exists(dir));
}
