// The executable as users meet it: exit codes, messages, nothing written on bad input.
#include "tests/support/run_binary.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

using Result = condbench::test::CommandResult;
Result run(const std::string& args) { return condbench::test::run_condbench(args); }


fs::path temp(const std::string& name) { return fs::temp_directory_path() / (name + std::to_string(::getpid())); }

}  // namespace

TEST(Cli, ListSolversShowsEveryCpuSolverWithWhatItAccepts) {
  Result r = run("list solvers");
  EXPECT_EQ(r.code, 0) << r.out;
  for (const char* name : {"lapack.lu", "lapack.cholesky", "lapack.qr", "lapack.svd", "normal.cholesky",
                           "normal.lu", "lapack.inverse", "lapack.dsgesv", "armadillo.solve",
                           "textbook.ge_nopivot", "textbook.cgs_qr", "textbook.mgs_qr"})
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  EXPECT_NE(r.out.find("least_squares"), std::string::npos);
}

TEST(Cli, ListGeneratorsShowsParameters) {
  Result r = run("list generators");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("randsvd"), std::string::npos);
  EXPECT_NE(r.out.find("kappa"), std::string::npos);
}

TEST(Cli, ShippedStudiesAreValid) {
  Result r = run("list studies");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("quick.toml"), std::string::npos);
  EXPECT_NE(r.out.find("kappa_sweep.toml"), std::string::npos);
  EXPECT_EQ(r.out.find("invalid"), std::string::npos) << r.out;
}

TEST(Cli, BadStudyExitsTwoNamingFileAndLineAndWritesNothing) {
  fs::path study = temp("bad_study") += ".toml";
  std::ofstream(study) << "[study]\nname = \"b\"\nseeds = [1]\nprecisions = [\"f64\"]\nsolvers = [\"lapack.lu\"]\n"
                          "[[problem]]\ngenerator = \"randsvd\"\nn = -3\nkappa = 10\n";
  fs::path out = temp("bad_out");
  Result r = run("run " + study.string() + " --out " + out.string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find(study.string() + ":8"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out));
  fs::remove(study);
}

TEST(Cli, MissingStudyFileAndBadArgumentsExitTwo) {
  EXPECT_EQ(run("run /nonexistent.toml --out /tmp/x").code, 2);
  EXPECT_EQ(run("run").code, 2);
  EXPECT_EQ(run("frobnicate").code, 2);
  EXPECT_EQ(run("list nothing").code, 2);
  Result r = run("run " + std::string(CONDBENCH_SOURCE_DIR) + "/studies/quick.toml --out /tmp/y --threads -1");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("--threads"), std::string::npos);
}

TEST(Cli, ExistingOutputFolderNeedsForce) {
  fs::path out = temp("busy_out");
  fs::create_directories(out);
  std::ofstream(out / "results.csv") << "precious\n";
  Result r = run("run " + std::string(CONDBENCH_SOURCE_DIR) + "/studies/quick.toml --out " + out.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("--force"), std::string::npos);
  std::ifstream in(out / "results.csv");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "precious");
  fs::remove_all(out);
}

TEST(Cli, HelpExitsZero) {
  Result r = run("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("run"), std::string::npos);
  EXPECT_EQ(run("run --help").code, 0);
}

// A timing-only run (reference = false) has no errors: run writes no report, and report,
// regress, compare and baseline each refuse it with one message (exit 2).
TEST(Cli, TimingOnlyRunIsRefusedWhereErrorsAreNeeded) {
  fs::path study = temp("timing_only") += ".toml";
  std::ofstream(study) << "[study]\nname = \"t\"\nseeds = [1]\nprecisions = [\"f64\"]\nsolvers = [\"lapack.lu\"]\n"
                          "reference = false\n[[problem]]\ngenerator = \"randsvd_fast\"\nn = 20\nkappa = 10\n";
  fs::path out = temp("timing_only_out");
  Result r = run("run " + study.string() + " --out " + out.string() + " --force");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("report: none, the study is timing-only"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out / "report.html"));
  for (const std::string& cmd : {"report " + out.string(), "compare " + out.string() + " " + out.string(),
                                 "baseline " + out.string() + " -o " + (out / "b.json").string()}) {
    r = run(cmd);
    EXPECT_EQ(r.code, 2) << cmd << "\n" << r.out;
    EXPECT_NE(r.out.find("this run is timing-only (reference = false"), std::string::npos) << cmd << "\n" << r.out;
    EXPECT_FALSE(fs::exists(out / "figures")) << cmd;
  }
  // regress against a baseline of the same problem with its reference.
  fs::path with_ref = temp("with_reference") += ".toml";
  std::ofstream(with_ref) << "[study]\nname = \"t\"\nseeds = [1]\nprecisions = [\"f64\"]\nsolvers = [\"lapack.lu\"]\n"
                             "[[problem]]\ngenerator = \"randsvd_fast\"\nn = 20\nkappa = 10\n";
  fs::path ref_out = temp("with_reference_out");
  ASSERT_EQ(run("run " + with_ref.string() + " --out " + ref_out.string() + " --force --no-report").code, 0);
  ASSERT_EQ(run("baseline " + ref_out.string() + " -o " + (ref_out / "b.json").string()).code, 0);
  r = run("regress -b " + (ref_out / "b.json").string() + " " + out.string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("regress checks forward errors: this run is timing-only"), std::string::npos) << r.out;
  fs::remove_all(ref_out);
  fs::remove(with_ref);
  fs::remove_all(out);
  fs::remove(study);
}
