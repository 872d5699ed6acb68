// condbench under mpirun, as users start it: two ranks give the sequential run's rows;
// grid solvers merge into the rows one rank would write; the ScaLAPACK solvers pass
// LAPACK's residual test on 1x2, 2x1 and 2x2 grids and agree with lapack.* as the
// theory says; a run killed under mpirun resumes to the uninterrupted rows; bad input
// and a missing MPI module end every rank with exit code 2. Accuracy only: nothing
// here measures time. Every mpirun runs under `timeout`, so a hang fails the test.
#include "solvers/solver.hpp"
#include "studies/runner/results.hpp"
#include "studies/runner/run_folder.hpp"
#include "tests/support/run_binary.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#ifndef CONDBENCH_MPI_BUILT
#error "tests/CMakeLists.txt defines CONDBENCH_MPI_BUILT and CONDBENCH_MPIEXEC for test_cli"
#endif

namespace fs = std::filesystem;
using namespace condbench;
using test::CommandResult;

namespace {

// Root may start Open MPI only when it says so twice; --oversubscribe lets a 1- or
// 2-core machine run more ranks than cores (for correctness, never for time).
std::string mpirun(int ranks, const std::string& env = "") {
  return fmt::format("{} OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 timeout 300 {} --oversubscribe "
                     "-np {} ",
                     env, CONDBENCH_MPIEXEC, ranks);
}

CommandResult under_mpirun(int ranks, const std::string& args, const std::string& env = "") {
  return test::run_shell(mpirun(ranks, env) + CONDBENCH_BINARY + " " + args);
}

// Everything but what measures the machine (timings) or the run's shape (jobs, ranks).
std::vector<std::string> comparable(std::vector<ResultRow> rows) {
  std::vector<std::string> out;
  for (ResultRow& r : rows) {
    r.time_s = r.factor_s = r.solve_s = r.transfer_s = r.time_spread = r.gflops = r.ref_time_s = r.kappa_time_s = 0;
    r.jobs = 0;
    nlohmann::json facts = nlohmann::json::parse(r.facts);
    facts.erase("ranks");
    r.facts = facts.dump();
    out.push_back(format_row(r));
  }
  return out;
}

struct Mpi : ::testing::Test {
  fs::path base = fs::temp_directory_path() / ("condbench_mpi_" + std::to_string(::getpid()));
  void SetUp() override {
    if (!CONDBENCH_MPI_BUILT) GTEST_SKIP() << "this build has no MPI module (Open MPI or ScaLAPACK not found)";
    fs::remove_all(base);
    fs::create_directories(base);
  }
  void TearDown() override { fs::remove_all(base); }

  std::string study(const std::string& name, const std::string& text) {
    const fs::path p = base / (name + ".toml");
    std::ofstream(p) << text;
    return p.string();
  }
  std::string out(const std::string& name) const { return (base / name).string(); }
};

const char* kLapackStudy = R"([study]
name = "mpi_lapack"
seeds = [3, 4]
precisions = ["f32", "f64"]
solvers = ["lapack.lu", "lapack.qr", "lapack.cholesky", "lapack.dsgesv", "textbook.mgs_qr"]

[[problem]]
generator = "randsvd"
n = 16
kind = ["general", "spd"]
kappa = [1e2, 1e8]

[[problem]]
generator = "randsvd"
m = 14
n = 10
kind = "least_squares"
residual = "large"
kappa = 1e4
)";

// Independent and grid solvers interleaved, so that the two passes' rows must be merged.
const char* kMixedStudy = R"([study]
name = "mpi_mixed"
seeds = [5, 6]
precisions = ["f32", "f64"]
solvers = ["lapack.lu", "scalapack.lu:grid=1x1:nb=8", "lapack.qr", "scalapack.qr:grid=1x1:nb=8",
           "scalapack.cholesky:grid=1x1:nb=8", "lapack.cholesky"]

[[problem]]
generator = "randsvd"
n = 24
kind = ["general", "spd"]
kappa = [1e2, 1e5]

[[problem]]
generator = "randsvd"
m = 20
n = 12
kind = "least_squares"
kappa = 1e3
)";

}  // namespace

TEST_F(Mpi, TwoRanksGiveTheSequentialRowsAndRecordEveryRank) {
  const std::string s = study("lapack", kLapackStudy);
  auto seq = test::run_condbench("run " + s + " --out " + out("seq") + " --threads 1 --no-report -q");
  ASSERT_EQ(seq.code, 0) << seq.out;
  auto par = under_mpirun(2, "run " + s + " --out " + out("mpi") + " --no-report -q");
  ASSERT_EQ(par.code, 0) << par.out;
  const auto rows = read_results(out("mpi"));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(comparable(read_results(out("seq"))), comparable(rows));
  for (const auto& r : rows) EXPECT_EQ(r.jobs, 2);
  const auto meta = read_run_json(out("mpi"), "test");
  EXPECT_EQ(meta["execution"]["jobs"], 2);
  EXPECT_EQ(meta["execution"]["isolate"], false);
  const auto& mpi = meta["execution"]["mpi"];
  EXPECT_EQ(mpi["ranks"], 2);
  EXPECT_FALSE(mpi["library"].get<std::string>().empty());
  ASSERT_EQ(mpi["processes"].size(), 2u);
  std::set<long> pids;
  for (int r = 0; r < 2; ++r) {
    const auto& p = mpi["processes"][static_cast<std::size_t>(r)];
    EXPECT_EQ(p["rank"], r);
    EXPECT_FALSE(p["host"].get<std::string>().empty());
    EXPECT_EQ(p["blas_threads"], 1) << "one BLAS thread per rank by default";
    pids.insert(p["pid"].get<long>());
  }
  EXPECT_EQ(pids.size(), 2u);
  // Rank 0 alone prints: one summary, not one per rank.
  const std::string summary = "rows in";
  EXPECT_EQ(par.out.find(summary), par.out.rfind(summary)) << par.out;
}

TEST_F(Mpi, GridSolversMergeIntoTheRowsOneRankWrites) {
  // On a 1x1 grid the grid solvers compute on rank 0 whatever the job's size, so one
  // rank and three (two computing cases, the grid's data moves spanning all) must
  // write the same rows in the same order.
  const std::string s = study("mixed", kMixedStudy);
  auto one = under_mpirun(1, "run " + s + " --out " + out("one") + " --no-report -q");
  ASSERT_EQ(one.code, 0) << one.out;
  auto three = under_mpirun(3, "run " + s + " --out " + out("three") + " --no-report -q");
  ASSERT_EQ(three.code, 0) << three.out;
  const auto rows = read_results(out("three"));
  int grid_rows = 0;
  for (const auto& r : rows)
    if (r.solver.rfind("scalapack.", 0) == 0) {
      ++grid_rows;
      EXPECT_EQ(r.status, "ok") << r.solver << " " << r.case_id << ": " << r.reason;
      EXPECT_EQ(nlohmann::json::parse(r.facts)["ranks"], 3);
    }
  // lu on 8 square cases, qr on them and 2 least squares, cholesky on 4 SPD; two precisions.
  EXPECT_EQ(grid_rows, 16 + 20 + 8);
  EXPECT_EQ(comparable(read_results(out("one"))), comparable(rows));
}

TEST_F(Mpi, ScalapackPassesLapacksResidualTestAndAgreesWithLapackOn1x2And2x1Grids) {
  const std::string s = study("agree", R"([study]
name = "scalapack_vs_lapack"
seeds = [1, 2]
precisions = ["f32", "f64"]
solvers = ["lapack.lu", "lapack.cholesky", "lapack.qr", "lapack.svd",
           "scalapack.lu:grid=1x2:nb=8", "scalapack.lu:grid=2x1:nb=8",
           "scalapack.cholesky:grid=1x2:nb=8", "scalapack.cholesky:grid=2x1:nb=8",
           "scalapack.qr:grid=1x2:nb=8", "scalapack.qr:grid=2x1:nb=8"]

[[problem]]
generator = "randsvd"
n = 40
kind = ["general", "spd"]
kappa = [10, 1e3, 1e5]

[[problem]]
generator = "randsvd"
m = 50
n = 30
kind = "least_squares"
residual = ["zero", "large"]
kappa = [10, 1e3]

[[problem]]
generator = "randsvd"
m = 30
n = 50
kind = "underdetermined"
kappa = [10, 1e3]
)");
  auto r = under_mpirun(2, "run " + s + " --out " + out("agree") + " --no-report -q");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto rows = read_results(out("agree"));
  std::map<std::string, const ResultRow*> lapack;  // case + precision + method -> lapack row
  for (const auto& row : rows)
    if (row.solver.rfind("lapack.", 0) == 0) lapack[row.case_id + " " + row.precision + " " + row.solver] = &row;
  int checked = 0;
  for (const auto& row : rows) {
    if (row.solver.rfind("scalapack.", 0) != 0) continue;
    SCOPED_TRACE(row.solver + " " + row.precision + " " + row.case_id);
    ASSERT_EQ(row.status, "ok") << row.reason;
    const auto facts = nlohmann::json::parse(row.facts);
    const std::string grid = row.solver.find("grid=1x2") != std::string::npos ? "1x2" : "2x1";
    EXPECT_EQ(fmt::format("{}x{}", facts["P"].get<int>(), facts["Q"].get<int>()), grid);
    EXPECT_EQ(facts["nb"], 8);
    EXPECT_EQ(facts["ranks"], 2);
    EXPECT_EQ(facts["threads_per_rank"], 1);
    EXPECT_GT(row.transfer_s, 0) << "distributing A and b and gathering x is timed";
    // LAPACK's residual tests (its testers' threshold 30): ||b - Ax||_1 / (||A||_1 ||x||_1 n u)
    // for square and minimum-norm solves; ||A^T r||_1 / (||A||_1 alpha max(m,n) u) for least squares.
    if (row.kind == "least_squares")
      EXPECT_LT(row.ls_residual_ratio, 30);
    else
      EXPECT_LT(row.residual_ratio, 30);
    // Both are backward stable: their forward errors are within a modest factor of each
    // other, or both below the error the theory allows at this kappa: kappa*u, and
    // kappa^2*u for least squares with a large residual (Higham, ch. 20), a floor that
    // keeps two tiny errors from being compared digit by digit.
    const std::string method = row.solver.substr(10, row.solver.find(':') - 10);
    const std::string twin = row.kind == "underdetermined" ? "lapack.svd" : "lapack." + method;
    const auto it = lapack.find(row.case_id + " " + row.precision + " " + twin);
    ASSERT_NE(it, lapack.end()) << twin;
    const ResultRow& l = *it->second;
    ASSERT_EQ(l.status, "ok") << l.reason;
    Precision p;
    ASSERT_TRUE(parse_precision(row.precision, p));
    const bool large_residual = row.case_id.find("residual=large") != std::string::npos;
    const double floor = (large_residual ? row.kappa * row.kappa : row.kappa) * unit_roundoff(p);
    EXPECT_LE(row.forward_error, 10 * std::max(l.forward_error, floor)) << "lapack: " << l.forward_error;
    EXPECT_LE(l.forward_error, 10 * std::max(row.forward_error, floor)) << "lapack: " << l.forward_error;
    EXPECT_LE(row.forward_error, row.n * floor);
    ++checked;
  }
  // lu and qr on 12 square cases, cholesky on 6 SPD ones, qr on 8 least squares and
  // 4 minimum-norm cases; two grids, two precisions.
  EXPECT_EQ(checked, 2 * 2 * (12 + 12 + 6 + 8 + 4));
}

TEST_F(Mpi, FourRanksOnTheDefault2x2Grid) {
  const std::string s = study("four", R"([study]
name = "scalapack_2x2"
seeds = [7]
precisions = ["f64"]
solvers = ["lapack.lu", "scalapack.lu:nb=4", "lapack.qr", "scalapack.qr:nb=4"]

[[problem]]
generator = "randsvd"
n = 24
kind = ["general"]
kappa = [10, 1e6]

[[problem]]
generator = "randsvd"
m = 24
n = 16
kind = "least_squares"
kappa = 1e3
)");
  auto r = under_mpirun(4, "run " + s + " --out " + out("four") + " --no-report -q");
  ASSERT_EQ(r.code, 0) << r.out;
  int checked = 0;
  for (const auto& row : read_results(out("four"))) {
    if (row.solver.rfind("scalapack.", 0) != 0) continue;
    SCOPED_TRACE(row.solver + " " + row.case_id);
    ASSERT_EQ(row.status, "ok") << row.reason;
    const auto facts = nlohmann::json::parse(row.facts);
    EXPECT_EQ(facts["P"], 2);
    EXPECT_EQ(facts["Q"], 2);
    EXPECT_LT(row.kind == "least_squares" ? row.ls_residual_ratio : row.residual_ratio, 30);
    ++checked;
  }
  EXPECT_EQ(checked, 2 * 2 + 1);
}

TEST_F(Mpi, KilledUnderMpirunAndResumedEqualsAnUninterruptedRun) {
  const std::string s = study("mixed", kMixedStudy);
  auto full = under_mpirun(2, "run " + s + " --out " + out("full") + " --no-report -q");
  ASSERT_EQ(full.code, 0) << full.out;
  const auto expected = comparable(read_results(out("full")));
  const int cases = read_run_json(out("full"), "test")["execution"]["cases_done"].get<int>();
  // Killed before any case is written (the first pass), then halfway through the
  // collective pass, where cases are written: rank 0 dies by SIGKILL, mpirun ends the rest.
  for (int after : {0, cases / 2}) {
    const std::string dir = out(fmt::format("k{}", after));
    const std::string cmd = mpirun(2) + CONDBENCH_BINARY + " run " + s + " --out " + dir + " --no-report -q";
    FILE* job = popen((cmd + " >/dev/null 2>&1").c_str(), "r");
    ASSERT_NE(job, nullptr);
    long pid = -1;
    for (int i = 0; i < 30000 && pid < 0; ++i) {
      std::error_code ec;
      if (fs::exists(fs::path(dir) / "run.json", ec)) {
        try {
          const auto meta = read_run_json(dir, "test");
          const std::string journal = read_text_file(fs::path(dir) / "journal.jsonl");
          if (std::count(journal.begin(), journal.end(), '\n') >= after)
            pid = meta["execution"]["mpi"]["processes"][0]["pid"].get<long>();
        } catch (const std::exception&) {
          // run.json being replaced: read it again
        }
      }
      if (pid < 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ASSERT_GT(pid, 0) << "the run never got going";
    ::kill(static_cast<pid_t>(pid), SIGKILL);
    pclose(job);
    ASSERT_EQ(read_run_json(dir, "test")["status"], "running") << "the kill came after the run ended";
    auto r = under_mpirun(2, "run " + s + " --out " + dir + " --resume --no-report -q");
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(comparable(read_results(dir)), expected) << "killed after " << after << " cases";
    const auto meta = read_run_json(dir, "test");
    EXPECT_EQ(meta["status"], "complete");
    EXPECT_EQ(meta["resumptions"].size(), 1u);
  }
}

TEST_F(Mpi, WithoutTheModuleEveryRankEndsWithOneClearError) {
  const std::string s = study("lapack", kLapackStudy);
  auto r = under_mpirun(2, "run " + s + " --out " + out("none") + " --no-report",
                        "CONDBENCH_MPI_MODULE=" + (base / "missing" / "libcondbench_mpi.so").string());
  EXPECT_EQ(r.code, 2) << r.out;
  const std::string msg = "condbench: error: started by an MPI launcher";
  ASSERT_NE(r.out.find(msg), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(msg), r.out.rfind(msg)) << "printed once, by rank 0:\n" << r.out;
  EXPECT_NE(r.out.find("missing/libcondbench_mpi.so"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out("none")));
}

TEST_F(Mpi, BadInputOnAnyRankEndsEveryRankWithExitCodeTwo) {
  const std::string s = study("lapack", kLapackStudy);
  // Every rank rejects it.
  auto r = under_mpirun(2, "run " + (base / "nothere.toml").string() + " --out " + out("a") + " --no-report");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("cannot open study file"), std::string::npos) << r.out;
  // Rank 0 rejects it after the others are ready.
  r = under_mpirun(2, "run " + s + " --out " + out("b") + " --jobs 2 --no-report");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("--jobs: not under mpirun"), std::string::npos) << r.out;
  // Only rank 1 cannot start: rank 0 says which and why, and writes nothing.
  const std::string per_rank = fmt::format(
      "sh -c 'if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then s={}; else s={}; fi; exec {} run $s --out {} --no-report'",
      (base / "nothere.toml").string(), s, CONDBENCH_BINARY, out("c"));
  r = test::run_shell(mpirun(2) + per_rank);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("rank 1 (host "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("could not start the run: " + (base / "nothere.toml").string()), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(fs::path(out("c")) / "results.csv"));
}

TEST_F(Mpi, ListUnderMpirunPrintsOnceAndTheGridSolversAreAvailable) {
  auto r = under_mpirun(2, "list solvers");
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string line = r.out.substr(r.out.find("scalapack.lu "), r.out.find('\n', r.out.find("scalapack.lu ")) -
                                                                          r.out.find("scalapack.lu "));
  EXPECT_NE(line.find(" yes "), std::string::npos) << line;
  EXPECT_EQ(r.out.find("scalapack.lu "), r.out.rfind("scalapack.lu ")) << "printed once:\n" << r.out;
  // Outside mpirun the same solvers say why they cannot run.
  auto alone = test::run_condbench("list solvers");
  EXPECT_NE(alone.out.find("needs mpirun: "), std::string::npos) << alone.out;
}
