// BLAS/LAPACK stacks as users meet them: a run records which library served every row, compare pairs stacks
// without --map, list shows where stack solvers come from, and a bad [[stack]] or too many stacks exit 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "reports/common/run_data.hpp"
#include "tests/support/run_binary.hpp"

namespace fs = std::filesystem;

namespace {

using condbench::test::CommandResult;
CommandResult run(const std::string& args) { return condbench::test::run_condbench(args); }

fs::path scratch(const std::string& name) {
  fs::path p = fs::temp_directory_path() / (name + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string study(const std::string& solvers, const std::string& stacks) {
  return "[study]\nname = \"stacks\"\nseeds = [1, 2]\nprecisions = [\"f64\"]\nsolvers = " + solvers +
         "\nthreads = 1\n" + stacks +
         "[[problem]]\ngenerator = \"randsvd\"\nn = 20\nkind = [\"general\", \"spd\"]\nkappa = [10, 1e6]\n";
}

fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return dir / name;
}

const std::string kLib = "/usr/lib/x86_64-linux-gnu/";

TEST(StacksCli, EveryRowSaysWhichLibraryServedItAndMissingStacksAreSkippedWithTheReason) {
  fs::path dir = scratch("stacks_run");
  fs::path s = write(dir, "s.toml",
                     study(R"(["lapack.lu", "lapack.lu@*"])",
                           "[[stack]]\nname = \"netlib\"\n[[stack]]\nname = \"blis\"\n[[stack]]\nname = \"gone\"\n"
                           "blas = \"/nonexistent/libblas.so.3\"\n"));
  CommandResult r = run("run " + s.string() + " --out " + (dir / "out").string() + " -q --no-report");
  ASSERT_EQ(r.code, 0) << r.out;
  condbench::RunData d = condbench::load_run((dir / "out").string());
  const std::string gone_reason = "lapack.lu@gone: stack 'gone' is unavailable: /nonexistent/libblas.so.3: no such file";
  int netlib = 0, blis = 0, gone = 0;
  for (const condbench::ResultRow& row : d.rows) {
    const auto facts = nlohmann::json::parse(row.facts);
    if (row.solver == "lapack.lu@netlib") {
      ++netlib;
      EXPECT_EQ(row.status, "ok") << row.reason;
      EXPECT_EQ(facts.value("dgetrf_from", ""), kLib + "lapack/liblapack.so.3");
      EXPECT_EQ(facts.value("dgemm_from", ""), kLib + "blas/libblas.so.3");
      EXPECT_EQ(facts.value("threads", 0), 1);
    } else if (row.solver == "lapack.lu@blis") {
      ++blis;
      EXPECT_EQ(facts.value("dgemm_from", ""), kLib + "blis-pthread/libblas.so.3");
    } else if (row.solver == "lapack.lu@gone") {
      gone += 1;
      EXPECT_EQ(row.status, "skipped");
      EXPECT_EQ(row.reason, gone_reason);
    } else {
      EXPECT_EQ(row.solver, "lapack.lu");
      EXPECT_EQ(row.facts, "{}");  // the linked library's rows are as before stacks
    }
  }
  // Skipped rows are in results.csv, or counted in run.json's "skipped" groups where the runner keeps them there.
  if (d.meta.contains("skipped"))
    for (const auto& g : d.meta["skipped"]["groups"])
      if (g.value("solver", "") == "lapack.lu@gone") {
        gone += g.value("rows", 0);
        EXPECT_EQ(g.value("reason", ""), gone_reason);
      }
  EXPECT_EQ(netlib, 8);
  EXPECT_EQ(blis, 8);
  EXPECT_EQ(gone, 8);
  ASSERT_TRUE(d.meta["study"].contains("stacks"));
  EXPECT_EQ(d.meta["study"]["stacks"].size(), 3u);
  EXPECT_EQ(d.meta["study"]["stacks"][2]["available"], false);
}

TEST(StacksCli, CompareTwoStacksOfOneRunWithoutMap) {
  fs::path dir = scratch("stacks_cmp");
  fs::path s = write(dir, "s.toml",
                     study(R"(["lapack.lu", "lapack.lu@*"])",
                           "[[stack]]\nname = \"netlib\"\n[[stack]]\nname = \"openblas-pthread\"\n"));
  ASSERT_EQ(run("run " + s.string() + " --out " + (dir / "run").string() + " -q --no-report").code, 0);
  CommandResult r = run("compare " + (dir / "run").string() + " --stacks netlib,openblas-pthread --no-html");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("stack netlib (A) against stack openblas-pthread (B)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("8 rows in both, 0 only in A, 0 only in B"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| lapack.lu | f64 |"), std::string::npos) << r.out;
  // The built-in rows are the stack "linked".
  CommandResult linked = run("compare " + (dir / "run").string() + " --stacks linked,netlib --no-html");
  EXPECT_EQ(linked.code, 0) << linked.out;
  EXPECT_NE(linked.out.find("8 rows in both"), std::string::npos) << linked.out;

  CommandResult bad = run("compare " + (dir / "run").string() + " --stacks netlib,atlas --no-html");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.out.find("no rows of stack 'atlas' (stacks in this run: netlib, openblas-pthread"), std::string::npos)
      << bad.out;
  EXPECT_EQ(run("compare " + (dir / "run").string() + " --stacks netlib --no-html").code, 2);
  EXPECT_EQ(run("compare " + (dir / "run").string() + " --no-html").code, 2);
}

// "After a BLAS upgrade": the same study on the old stack and on the new one, compared as they are.
TEST(StacksCli, CompareRunsThatDifferOnlyInTheirStack) {
  fs::path dir = scratch("stacks_upgrade");
  fs::path before = write(dir, "before.toml", study(R"(["lapack.lu@*", "lapack.qr@*"])", "[[stack]]\nname = \"netlib\"\n"));
  fs::path after =
      write(dir, "after.toml", study(R"(["lapack.lu@*", "lapack.qr@*"])", "[[stack]]\nname = \"openblas-pthread\"\n"));
  ASSERT_EQ(run("run " + before.string() + " --out " + (dir / "before").string() + " -q --no-report").code, 0);
  ASSERT_EQ(run("run " + after.string() + " --out " + (dir / "after").string() + " -q --no-report").code, 0);
  CommandResult r = run("compare " + (dir / "before").string() + " " + (dir / "after").string() + " --no-html");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("paired the 2 solvers of stack openblas-pthread in B with stack netlib in A"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("16 rows in both, 0 only in A, 0 only in B"), std::string::npos) << r.out;
}

// The same stacks before and after an upgrade: rows pair as they are, and compare says which stack changed.
TEST(StacksCli, CompareBeforeAndAfterAnUpgradeNamesTheStackThatChanged) {
  fs::path dir = scratch("stacks_versions");
  fs::path s = write(dir, "s.toml", study(R"(["lapack.lu@*"])", "[[stack]]\nname = \"netlib\"\n[[stack]]\nname = "
                                                                "\"openblas-pthread\"\n"));
  ASSERT_EQ(run("run " + s.string() + " --out " + (dir / "before").string() + " -q --no-report").code, 0);
  fs::copy(dir / "before", dir / "after");
  // As a newer OpenBLAS would record itself.
  auto meta = nlohmann::json::parse(std::ifstream(dir / "after" / "run.json"));
  for (auto& st : meta["study"]["stacks"])
    if (st["name"] == "openblas-pthread") st["stack_version"] = "OpenBLAS 0.3.26 (upgraded)";
  std::ofstream(dir / "after" / "run.json") << meta.dump(2);
  CommandResult r = run("compare " + (dir / "before").string() + " " + (dir / "after").string() + " --no-html");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("(B); the same: netlib"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-> OpenBLAS 0.3.26 (upgraded) (B)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("16 rows in both, 0 only in A, 0 only in B"), std::string::npos) << r.out;
}

TEST(StacksCli, ListSolversWithAStudyShowsStackSolversTheirOriginAndTheStacks) {
  fs::path dir = scratch("stacks_list");
  fs::path s = write(dir, "s.toml",
                     study(R"(["lapack.lu@*"])", "[[stack]]\nname = \"netlib\"\n[[stack]]\nname = \"gone\"\n"
                                                 "blas = \"/nonexistent/libblas.so.3\"\n"));
  CommandResult r = run("list solvers --study " + s.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("from stack netlib: " + kLib + "blas/libblas.so.3 + " + kLib + "lapack/liblapack.so.3"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("unavailable here: lapack.lu@gone: stack 'gone' is unavailable: /nonexistent/libblas.so.3: "
                       "no such file"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("dgetrf_ from " + kLib + "lapack/liblapack.so.3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lapack.<method>@<stack>"), std::string::npos) << r.out;
  EXPECT_EQ(run("list solvers").out.find("lapack.lu@"), std::string::npos);
}

TEST(StacksCli, ABadStackEntryExitsTwoNamingFileLineAndKeyAndWritesNothing) {
  fs::path dir = scratch("stacks_bad");
  fs::path s = write(dir, "s.toml", study(R"(["lapack.lu@*"])", "[[stack]]\nname = \"mine\"\nblas = \"openbals\"\n"));
  CommandResult r = run("run " + s.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find(s.string() + ":9:8: [[stack]] #1 'mine': 'blas': unknown blas 'openbals'"), std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

// glibc 2.36 gives a process 15 namespaces besides its own, fewer when the libraries' static TLS runs out first
// (which depends on what else the process has loaded): sixteen stacks cannot share one process, and the run says
// so, with the remedy, before computing anything.
TEST(StacksCli, MoreStacksThanNamespacesExitTwoBeforeAnyCase) {
  fs::path dir = scratch("stacks_many");
  std::string stacks;
  for (int i = 1; i <= 16; ++i) stacks += "[[stack]]\nname = \"n" + std::to_string(i) + "\"\nblas = \"netlib\"\n";
  fs::path s = write(dir, "s.toml", study(R"(["lapack.lu@*"])", stacks));
  CommandResult r = run("run " + s.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(r.code, 2) << r.out;
  const bool all_taken = r.out.find("glibc allows 15 link-map namespaces besides the main program's, all taken: at "
                                    "most 15 stacks run in one process; split the study") != std::string::npos;
  const bool no_tls = r.out.find("do not fit in this process's static TLS") != std::string::npos &&
                      r.out.find("split the study, or start condbench with "
                             "GLIBC_TUNABLES=glibc.rtld.optional_static_tls=1048576") != std::string::npos;
  EXPECT_TRUE(all_taken || no_tls) << r.out;
  EXPECT_NE(r.out.find(s.string() + ":"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(StacksCli, ABlasWithoutLapackMakesTheLapackMethodsUnavailable) {
  fs::path dir = scratch("stacks_blas_only");
  fs::path s = write(dir, "s.toml", study(R"(["lapack.lu@*"])", "[[stack]]\nname = \"blas-only\"\nblas = \"" + kLib +
                                                                "blas/libblas.so.3\"\n"));
  CommandResult r = run("list solvers --study " + s.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("stack 'blas-only' has no sgetrf_, dgetrf_, sgetrs_, dgetrs_ (" + kLib +
                       "blas/libblas.so.3 alone: give the stack a 'lapack')"),
            std::string::npos)
      << r.out;
}

TEST(StacksCli, AnIlp64StackExitsTwo) {
  fs::path dir = scratch("stacks_ilp64");
  fs::path s = write(dir, "s.toml",
                     study(R"(["lapack.lu@*"])", "[[stack]]\nname = \"netlib64\"\nblas = \"" + kLib +
                                                     "blas64/libblas64.so.3\"\nlapack = \"" + kLib +
                                                     "lapack64/liblapack64.so.3\"\n"));
  CommandResult r = run("run " + s.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("is a 64-bit-integer (ILP64) build"), std::string::npos) << r.out;
}

}  // namespace
