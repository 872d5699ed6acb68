// Plugins as users meet them: --plugin, $CONDBENCH_PLUGIN_PATH and [study] plugins on run,
// list, regress --run; a file that cannot be used is one message naming it and exit 2.
#include "studies/runner/results.hpp"
#include "tests/support/run_binary.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

using condbench::test::CommandResult;
CommandResult run(const std::string& args, const std::string& cwd = "") {
  return condbench::test::run_condbench(args, cwd);
}

std::string plugin_file(const std::string& name) {
  return fs::canonical(fs::path(CONDBENCH_TEST_PLUGIN_DIR) / ("libcondbench_test_" + name + ".so")).string();
}

fs::path scratch(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("cb_plugin_cli_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A small study (2 seeds x 2 kappas x the kinds, f32 and f64); `extra` goes into [study] after `solvers`.
std::string study_text(const std::string& solvers, const std::string& extra = "",
                       const std::string& kinds = "\"general\", \"spd\"") {
  return "[study]\nname = \"plug\"\nseeds = [1, 2]\nprecisions = [\"f32\", \"f64\"]\nsolvers = [" + solvers + "]\n" +
         extra + "threads = 1\n[[problem]]\ngenerator = \"randsvd\"\nn = 30\nkind = [" + kinds + "]\n" +
         "kappa = [1e2, 1e8]\n";
}

std::vector<condbench::ResultRow> rows_of(const fs::path& csv) {
  return condbench::parse_results_csv(read(csv), csv.string());
}

TEST(PluginCli, ListSolversShowsWhereAPluginSolverComesFrom) {
  CommandResult r = run("list solvers --plugin " + plugin_file("lu"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("cbtest.lu_timed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("from plugin " + plugin_file("lu") + " (ABI 1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 solvers from outside"), std::string::npos) << r.out;
}

TEST(PluginCli, UnusableFilesExitTwoNamingTheFile) {
  const std::pair<const char*, const char*> cases[] = {
      {"abi_mismatch", "built for plugin ABI 999, this condbench speaks ABI 1"},
      {"no_entry", "no entry point 'condbench_plugin_entry'"},
      {"duplicate_builtin", "solver 'lapack.lu' is already defined (built-in)"},
  };
  for (const auto& [name, says] : cases) {
    CommandResult r = run("list solvers --plugin " + plugin_file(name));
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("condbench: error: " + plugin_file(name) + ": "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(says), std::string::npos) << r.out;
  }
  CommandResult missing = run("list solvers --plugin /nonexistent/libmine.so");
  EXPECT_EQ(missing.code, 2) << missing.out;
  EXPECT_NE(missing.out.find("/nonexistent/libmine.so: "), std::string::npos) << missing.out;
}

TEST(PluginCli, TwoPluginsWithOneSolverNameExitTwoNamingBothFiles) {
  CommandResult r = run("list solvers --plugin " + plugin_file("lu") + " --plugin " + plugin_file("duplicate_plugin"));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find(plugin_file("duplicate_plugin") + ": plugin (--plugin): solver 'cbtest.lu' is already "
                       "defined (plugin " + plugin_file("lu") + " (ABI 1))"),
            std::string::npos)
      << r.out;
}

TEST(PluginCli, RunWithAnAbiMismatchWritesNothing) {
  fs::path dir = scratch("abi");
  std::ofstream(dir / "s.toml") << study_text("\"lapack.lu\"");
  CommandResult r = run("run " + (dir / "s.toml").string() + " --out " + (dir / "out").string() + " --plugin " +
                        plugin_file("abi_mismatch"));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find(plugin_file("abi_mismatch")), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "out"));
  fs::remove_all(dir);
}

TEST(PluginCli, RunGivesOrdinaryRowsAndRecordsThePluginInRunJson) {
  fs::path dir = scratch("run");
  std::ofstream(dir / "s.toml") << study_text("\"lapack.lu\", \"cbtest.*\"");
  CommandResult r = run("run " + (dir / "s.toml").string() + " --out " + (dir / "out").string() +
                        " --no-report -q --plugin " + plugin_file("lu"));
  ASSERT_EQ(r.code, 0) << r.out;
  std::vector<condbench::ResultRow> rows = rows_of(dir / "out" / "results.csv");
  ASSERT_EQ(rows.size(), 2u * 2 * 2 * 2 * 3);  // kinds x kappas x seeds x precisions x solvers
  int plugin_rows = 0;
  for (const auto& row : rows) {
    ASSERT_EQ(row.status, "ok") << row.solver << ": " << row.reason;
    if (row.solver.rfind("cbtest.", 0) != 0) continue;
    ++plugin_rows;
    EXPECT_NE(row.facts.find("\"row_swaps\":"), std::string::npos) << row.facts;
    EXPECT_GT(row.gflops, 0) << row.solver;  // flop_method "lu"
    EXPECT_LT(row.residual_ratio, 30) << row.solver;
  }
  EXPECT_EQ(plugin_rows, 32);
  nlohmann::json meta = nlohmann::json::parse(read(dir / "out" / "run.json"));
  const nlohmann::json& plugins = meta["context"]["plugins"];
  ASSERT_EQ(plugins.size(), 1u) << meta["context"].dump();
  EXPECT_EQ(plugins[0]["path"], plugin_file("lu"));
  EXPECT_EQ(plugins[0]["abi"], 1);
  EXPECT_EQ(plugins[0]["version"], "1.0.0-test");
  EXPECT_EQ(plugins[0]["loaded_by"], "--plugin");
  EXPECT_EQ(plugins[0]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(plugins[0]["solvers"], nlohmann::json::array({"cbtest.lu", "cbtest.lu_timed"}));
  fs::remove_all(dir);
}

TEST(PluginCli, BadReturnDataGivesFailedRowsAndTheRunCompletes) {
  fs::path dir = scratch("bad");
  std::ofstream(dir / "s.toml") << study_text("\"cbbad.*\", \"lapack.lu\"", "", "\"general\"");
  CommandResult r = run("run " + (dir / "s.toml").string() + " --out " + (dir / "out").string() +
                        " --no-report -q --precision f64 --plugin " + plugin_file("bad"));
  ASSERT_EQ(r.code, 0) << r.out;
  int failed = 0, skipped = 0, ok = 0;
  for (const auto& row : rows_of(dir / "out" / "results.csv")) {
    if (row.solver == "lapack.lu") {
      EXPECT_EQ(row.status, "ok");
      ++ok;
    } else if (row.status == "skipped") {
      EXPECT_EQ(row.solver, "cbbad.skip");
      ++skipped;
    } else {
      EXPECT_EQ(row.status, "failed") << row.solver;
      const bool says_why = row.reason.find("bad result from the plugin: ") != std::string::npos ||
                            row.reason.find("non-finite result") != std::string::npos;
      EXPECT_TRUE(says_why) << row.solver << ": " << row.reason;
      ++failed;
    }
  }
  EXPECT_EQ(ok, 4);  // 2 seeds x 2 kappas, f64
  EXPECT_EQ(skipped, 4);
  EXPECT_EQ(failed, 12 * 4);
  EXPECT_NE(read(dir / "out" / "run.json").find("\"status\": \"complete\""), std::string::npos);
  fs::remove_all(dir);
}

TEST(PluginCli, PluginPathVariableLoadsFilesAndFolders) {
  fs::path dir = scratch("env");
  fs::create_directories(dir / "plugins");
  fs::create_symlink(plugin_file("lu"), dir / "plugins" / "libcbtest.so");
  std::ofstream(dir / "s.toml") << study_text("\"cbtest.lu\"");
  CommandResult r = condbench::test::run_shell("CONDBENCH_PLUGIN_PATH=/nowhere-empty-is-skipped::" +
                                               (dir / "plugins").string() + " " + CONDBENCH_BINARY + " run " +
                                               (dir / "s.toml").string() + " --out " + (dir / "out").string() +
                                               " --no-report -q");
  // A missing entry in the path is an error too: it names the entry.
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("/nowhere-empty-is-skipped: plugin (CONDBENCH_PLUGIN_PATH): no such plugin file or folder"),
            std::string::npos)
      << r.out;
  r = condbench::test::run_shell("CONDBENCH_PLUGIN_PATH=" + (dir / "plugins").string() + " " + CONDBENCH_BINARY +
                                 " run " + (dir / "s.toml").string() + " --out " + (dir / "out").string() +
                                 " --no-report -q");
  ASSERT_EQ(r.code, 0) << r.out;
  nlohmann::json meta = nlohmann::json::parse(read(dir / "out" / "run.json"));
  EXPECT_EQ(meta["context"]["plugins"][0]["loaded_by"], "CONDBENCH_PLUGIN_PATH");
  EXPECT_EQ(meta["context"]["plugins"][0]["path"], plugin_file("lu"));  // links resolved
  fs::remove_all(dir);
}

TEST(PluginCli, AStudyNamesItsPluginsAndRegressRunReproducesIt) {
  fs::path dir = scratch("study");
  fs::create_directories(dir / "lib");
  fs::copy_file(plugin_file("lu"), dir / "lib" / "libcbtest.so");
  std::ofstream(dir / "s.toml") << study_text("\"cbtest.lu\", \"lapack.lu\"", "plugins = [\"lib/libcbtest.so\"]\n");
  // From another folder: the entry is relative to the study file.
  CommandResult r = run("run s.toml --out " + (dir / "out").string() + " --no-report -q", dir.string());
  ASSERT_EQ(r.code, 0) << r.out;
  r = run("run " + (dir / "s.toml").string() + " --out " + (dir / "out").string() + " --no-report -q --force", "/");
  ASSERT_EQ(r.code, 0) << r.out;
  nlohmann::json meta = nlohmann::json::parse(read(dir / "out" / "run.json"));
  EXPECT_EQ(meta["context"]["plugins"][0]["path"], fs::canonical(dir / "lib" / "libcbtest.so").string());
  EXPECT_EQ(meta["context"]["plugins"][0]["loaded_by"].get<std::string>().rfind("study " + (dir / "s.toml").string() + ":", 0), 0u)
      << meta["context"]["plugins"].dump();

  // The baseline keeps the study text; regress --run loads its plugins relative to the baseline's folder.
  r = run("baseline " + (dir / "out").string() + " --out " + (dir / "base.json").string());
  ASSERT_EQ(r.code, 0) << r.out;
  r = run("regress --baseline " + (dir / "base.json").string() + " --run " + (dir / "again").string() + " -q", "/");
  EXPECT_EQ(r.code, 0) << r.out;

  // The file gone: one message naming the study line and the file, exit 2; --plugin with the same file name serves.
  fs::rename(dir / "lib" / "libcbtest.so", dir / "libcbtest.so");
  r = run("run " + (dir / "s.toml").string() + " --out " + (dir / "out2").string() + " --no-report -q");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find((dir / "s.toml").string() + ":6:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find((dir / "lib" / "libcbtest.so").string() + ": no such plugin file"), std::string::npos) << r.out;
  r = run("run " + (dir / "s.toml").string() + " --out " + (dir / "out2").string() + " --no-report -q --plugin " +
          (dir / "libcbtest.so").string());
  EXPECT_EQ(r.code, 0) << r.out;
  fs::remove_all(dir);
}

TEST(PluginCli, RegressTakesPluginOnlyWithRun) {
  CommandResult r = run("regress --baseline /nonexistent.json /tmp --plugin " + plugin_file("lu"));
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("--plugin: only with --run"), std::string::npos) << r.out;
}

TEST(PluginCli, VersionSaysWhereTheReportAssetsAre) {
  CommandResult r = run("--version");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("plugin ABI: 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("report assets: " + std::string(CONDBENCH_SOURCE_DIR) + "/reports/web"), std::string::npos)
      << r.out;
}

}  // namespace
