// reference = false: parsed with file:line messages, cases checked against free memory
// before a run, and rows that carry timings and residual ratios but no reference or kappa.
#include "studies/runner/case_memory.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/runner.hpp"
#include "studies/runner/study.hpp"
#include "studies/runner/timing_only.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;
using namespace condbench;

namespace {

const char* kHeader = R"([study]
name = "t"
seeds = [3]
precisions = ["f32", "f64"]
solvers = ["lapack.lu", "lapack.cholesky", "lapack.qr"]
)";

std::string error_of(const std::string& text) {
  try {
    parse_study(text, "t.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(ReferenceKey, StudyLevelAndPerProblem) {
  const std::string text = std::string(kHeader) + "reference = false\n" +
                           "[[problem]]\ngenerator = \"randsvd_fast\"\nn = 10\nkappa = 10\n"
                           "[[problem]]\ngenerator = \"randsvd\"\nn = 10\nkappa = 10\nreference = true\n";
  const Study s = parse_study(text, "t.toml");
  ASSERT_EQ(s.problems.size(), 2u);
  EXPECT_FALSE(s.reference);
  EXPECT_FALSE(s.problems[0].reference);
  EXPECT_TRUE(s.problems[1].reference);
  EXPECT_EQ(s.problems[1].params.count("reference"), 0u) << "not a generator parameter";
}

TEST(ReferenceKey, NotABooleanNamesFileAndLine) {
  std::string e = error_of(std::string(kHeader) + "reference = \"no\"\n[[problem]]\ngenerator = \"randsvd\"\nn = 4\n"
                                                  "kappa = 2\n");
  EXPECT_NE(e.find("t.toml:6"), std::string::npos) << e;
  EXPECT_NE(e.find("'reference' must be true or false"), std::string::npos) << e;
  e = error_of(std::string(kHeader) + "[[problem]]\ngenerator = \"randsvd\"\nn = 4\nkappa = 2\nreference = 0\n");
  EXPECT_NE(e.find("t.toml:10"), std::string::npos) << e;
  EXPECT_NE(e.find("'reference' must be true or false"), std::string::npos) << e;
}

TEST(CaseMemory, TooLargeForWhatIsAvailableIsRefusedAtTheProblem) {
  const Study s = parse_study(std::string(kHeader) + "[[problem]]\ngenerator = \"randsvd_fast\"\nn = [100, 1000]\n"
                                                     "kappa = 10\n",
                              "t.toml");
  EXPECT_EQ(case_bytes(s.problems[1]), 8.0 * 1000 * 1000 * 6);  // the reference's factors counted
  try {
    check_case_memory(s, 40e6);  // fits n = 100 (0.5 MB), not n = 1000 (48 MB)
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("t.toml:6"), std::string::npos) << what;
    EXPECT_NE(what.find("48 MB"), std::string::npos) << what;
    EXPECT_NE(what.find("1000x1000"), std::string::npos) << what;
    EXPECT_NE(what.find("reference = false"), std::string::npos) << what;
  }
  Study timing = s;
  for (auto& p : timing.problems) p.reference = false;
  EXPECT_EQ(case_bytes(timing.problems[1]), 8.0 * 1000 * 1000 * 4);
  EXPECT_NO_THROW(check_case_memory(timing, 40e6));
}

TEST(TimingOnlyRun, RowsCarryTimesAndResidualsButNoReferenceOrKappa) {
  const fs::path dir = fs::temp_directory_path() / ("condbench_timing_only_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const Study s = parse_study(std::string(kHeader) + "reference = false\n[[problem]]\ngenerator = \"randsvd_fast\"\n"
                                                     "n = 40\nkind = \"spd\"\nkappa = 1e3\n",
                              "t.toml");
  RunOptions o;
  o.out_dir = dir.string();
  o.progress = false;
  const RunResult r = run_study(s, o);
  fs::remove_all(dir);
  ASSERT_EQ(r.rows.size(), 2u * 3u);
  EXPECT_TRUE(all_timing_only(r.rows));
  for (const ResultRow& row : r.rows) {
    ASSERT_EQ(row.status, "ok") << row.solver << " " << row.reason;
    EXPECT_TRUE(std::isnan(row.kappa));
    EXPECT_FALSE(row.kappa_certified);
    EXPECT_EQ(row.kappa_method.rfind("not measured: reference = false", 0), 0u) << row.kappa_method;
    EXPECT_TRUE(std::isnan(row.forward_error));
    EXPECT_TRUE(std::isnan(row.ref_error));
    EXPECT_NE(row.note.find("reference = false"), std::string::npos) << row.note;
    EXPECT_EQ(row.ref_time_s, 0);
    const double u = row.precision == "f32" ? 0x1p-24 : 0x1p-53;
    EXPECT_LT(row.residual_ratio, 30) << row.solver;  // LAPACK's threshold
    EXPECT_LT(row.backward_error, 40 * u) << row.solver;
    EXPECT_LT(row.componentwise_backward_error, 400 * u) << row.solver;
    EXPECT_GT(row.gflops, 0) << row.solver;
    EXPECT_LE(row.error_vs_true, 1e4 * 40 * u) << "x_true still gives an error against the generated data";
  }
}
