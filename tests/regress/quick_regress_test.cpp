// condbench checks itself: the quick study, run with other seeds than the shipped
// baseline (studies/baselines/quick.json) was made from, must hold against it, and each
// planted regression in a copy of that run must make `condbench regress` exit 1 with a
// table naming it. A change to a solver, the reference or the metrics that moves
// accuracy beyond the tolerance fails here.
#include "reports/common/run_data.hpp"
#include "studies/runner/results.hpp"

#include "tests/support/run_binary.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <sys/wait.h>

namespace fs = std::filesystem;
using namespace condbench;

namespace {

using Result = test::CommandResult;
Result condbench_cmd(const std::string& args) { return test::run_condbench(args); }


const std::string kBaseline = std::string(CONDBENCH_SOURCE_DIR) + "/studies/baselines/quick.json";
const fs::path kTmp = fs::temp_directory_path() / ("condbench_regress_" + std::to_string(::getpid()));

// A line of the table that names all of the given words.
bool table_names(const std::string& out, std::initializer_list<std::string> words) {
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    bool all = line.rfind("FAIL", 0) == 0;
    for (const auto& w : words) all = all && line.find(w) != std::string::npos;
    if (all) return true;
  }
  return false;
}

class QuickRegress : public ::testing::Test {
 protected:
  // One run of the quick study with seeds 1,2 (the baseline's are others), shared.
  static void SetUpTestSuite() {
    fs::remove_all(kTmp);
    fs::create_directories(kTmp);
    run_ = condbench_cmd("regress --baseline " + kBaseline + " --run " + (kTmp / "run").string() +
                         " --seeds 1,2 --quiet --junit " + (kTmp / "junit.xml").string());
  }
  static void TearDownTestSuite() { fs::remove_all(kTmp); }

  // A copy of the run with `edit` applied to every row; returns its folder.
  static std::string planted(const std::string& name, const std::function<void(std::vector<ResultRow>&)>& edit) {
    RunData run = load_run((kTmp / "run").string());
    fs::path dir = kTmp / name;
    fs::create_directories(dir);
    fs::copy_file(kTmp / "run" / "run.json", dir / "run.json", fs::copy_options::overwrite_existing);
    edit(run.rows);
    CsvWriter csv((dir / "results.csv").string());
    for (const auto& r : run.rows) csv.write(r);
    return dir.string();
  }

  static Result run_;
};
Result QuickRegress::run_;

}  // namespace

TEST_F(QuickRegress, ShippedBaselineHoldsOnOtherSeeds) {
  EXPECT_EQ(run_.code, 0) << run_.out;
  EXPECT_NE(run_.out.find("accuracy holds"), std::string::npos) << run_.out;
  std::ifstream junit(kTmp / "junit.xml");
  std::stringstream ss;
  ss << junit.rdbuf();
  EXPECT_NE(ss.str().find("<testsuites name=\"condbench regress quick\""), std::string::npos) << ss.str();
  EXPECT_NE(ss.str().find("failures=\"0\""), std::string::npos);
}

// One test, so that ctest runs the quick study once for all three plants.
TEST_F(QuickRegress, EachPlantedRegressionExitsOneNamingIt) {
  ASSERT_EQ(run_.code, 0) << run_.out;
  {
    SCOPED_TRACE("lapack.lu f64 forward error x10 at kappa 1e10");
    std::string dir = planted("tenfold", [](std::vector<ResultRow>& rows) {
      for (auto& r : rows)
        if (r.solver == "lapack.lu" && r.precision == "f64" && r.kappa_nominal == 1e10) r.forward_error *= 10;
    });
    Result r = condbench_cmd("regress --baseline " + kBaseline + " " + dir);
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_TRUE(table_names(r.out, {"lapack.lu", "f64", "kind=general", "1e10", "forward_error/(u*kappa)"})) << r.out;
    EXPECT_FALSE(table_names(r.out, {"1e6"})) << "only the planted kappa range got worse:\n" << r.out;
  }
  {
    SCOPED_TRACE("lapack.qr f64 rows replaced by its f32 results");
    std::string dir = planted("f32", [](std::vector<ResultRow>& rows) {
      std::map<std::string, ResultRow> f32;
      for (const auto& r : rows)
        if (r.solver == "lapack.qr" && r.precision == "f32") f32[r.case_id] = r;
      for (auto& r : rows)
        if (r.solver == "lapack.qr" && r.precision == "f64" && f32.count(r.case_id)) {
          const ResultRow& s = f32[r.case_id];
          r.status = s.status;
          r.forward_error = s.forward_error;
          r.backward_error = s.backward_error;
        }
    });
    Result r = condbench_cmd("regress --baseline " + kBaseline + " " + dir);
    EXPECT_EQ(r.code, 1) << r.out;
    for (const char* kappa : {"1e2", "1e6"})
      EXPECT_TRUE(table_names(r.out, {"lapack.qr", "f64", kappa, "backward_error/u"})) << kappa << "\n" << r.out;
    EXPECT_TRUE(table_names(r.out, {"lapack.qr", "f64", "1e6", "forward_error/(u*kappa)"})) << r.out;
    EXPECT_FALSE(table_names(r.out, {"lapack.lu"})) << r.out;
  }
  {
    SCOPED_TRACE("lapack.cholesky f64 starts failing at kappa 1e6");
    std::string dir = planted("failing", [](std::vector<ResultRow>& rows) {
      for (auto& r : rows)
        if (r.solver == "lapack.cholesky" && r.precision == "f64" && r.kappa_nominal == 1e6 && r.status == "ok") {
          r.status = "failed";
          r.reason = "potrf info=31 (planted)";
        }
    });
    std::string junit = (kTmp / "failing.xml").string();
    Result r = condbench_cmd("regress --baseline " + kBaseline + " " + dir + " --junit " + junit);
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_TRUE(table_names(r.out, {"lapack.cholesky", "f64", "kind=spd", "1e6", "status", "potrf info=31"}))
        << r.out;
    std::ifstream in(junit);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_NE(ss.str().find("<failure message=\"FAIL status"), std::string::npos) << ss.str();
  }
  {
    SCOPED_TRACE("a baseline of this very run holds against it, with nothing even marginal");
    std::string b = (kTmp / "own.json").string();
    Result made = condbench_cmd("baseline " + (kTmp / "run").string() + " --out " + b);
    ASSERT_EQ(made.code, 0) << made.out;
    Result r = condbench_cmd("regress --baseline " + b + " " + (kTmp / "run").string());
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_NE(r.out.find(" 0 MARGINAL, 0 FAIL"), std::string::npos) << r.out;
  }
}

TEST(RegressCli, BadInputExitsTwo) {
  fs::create_directories(kTmp);
  std::string run = (kTmp / "no_run").string();
  Result r = condbench_cmd("regress --baseline /nonexistent.json " + run);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("/nonexistent.json"), std::string::npos) << r.out;
  std::ofstream(kTmp / "bad.json") << "{\"format\": \"condbench-accuracy-baseline\", \"format_version\": 1}";
  r = condbench_cmd("regress --baseline " + (kTmp / "bad.json").string() + " " + run);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("created"), std::string::npos) << r.out;
  r = condbench_cmd("regress --baseline " + kBaseline + " " + run);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("no such run folder"), std::string::npos) << r.out;
  EXPECT_EQ(condbench_cmd("regress --baseline " + kBaseline).code, 2);
  EXPECT_EQ(condbench_cmd("regress --baseline " + kBaseline + " " + run + " --run /tmp/x").code, 2);
  EXPECT_EQ(condbench_cmd("regress --baseline " + kBaseline + " " + run + " --seeds 3").code, 2);
  r = condbench_cmd("baseline " + run + " --out " + kBaseline);  // exists: never overwritten without --force
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("--force"), std::string::npos) << r.out;
  fs::remove_all(kTmp);
}
