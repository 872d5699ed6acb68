// The execution layer: parallel cases give the same rows as one process; a solver
// that crashes, aborts or hangs in an isolated run is a failed row and the study
// completes; resume keeps complete cases and reruns the rest; shards merge back into
// the unsharded run; a resume of another study or commit is refused.
#include "solvers/registry.hpp"
#include "studies/execution/results_file.hpp"
#include "studies/execution/shard.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/merge.hpp"
#include "studies/runner/results.hpp"
#include "studies/runner/run_folder.hpp"
#include "studies/runner/runner.hpp"
#include "studies/runner/study.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;
using namespace condbench;

namespace {

const char* kStudy = R"([study]
name = "exec"
seeds = [3, 4]
precisions = ["f32", "f64"]
solvers = ["lapack.lu", "lapack.qr", "lapack.cholesky", "lapack.dsgesv"]
threads = 1

[[problem]]
generator = "randsvd"
n = 16
kind = ["general", "spd"]
kappa = [1e2, 1e8]

[[problem]]
generator = "randsvd"
n = 12
kind = "least_squares"
residual = "large"
kappa = 1e4
)";

void replace(std::string& text, const std::string& what, const std::string& by) {
  std::size_t at = text.find(what);
  ASSERT_NE(at, std::string::npos) << what;
  text.replace(at, what.size(), by);
}

// Everything but the timing columns, which measure the machine.
std::vector<std::string> comparable(const std::vector<ResultRow>& rows) {
  std::vector<std::string> out;
  for (ResultRow r : rows) {
    r.time_s = r.factor_s = r.solve_s = r.transfer_s = r.time_spread = r.gflops = 0;
    r.ref_time_s = r.kappa_time_s = 0;
    r.jobs = 0;
    out.push_back(format_row(r));
  }
  return out;
}

struct Exec : ::testing::Test {
  fs::path base = fs::temp_directory_path() / ("condbench_exec_" + std::to_string(::getpid()));
  void SetUp() override { fs::remove_all(base); }
  void TearDown() override { fs::remove_all(base); }
  RunOptions options(const std::string& name) {
    RunOptions o;
    o.out_dir = (base / name).string();
    o.progress = false;
    return o;
  }
};

// Solvers that misbehave the way foreign code does, registered for one test.
template <int What>
struct Misbehaving : SolverT<Misbehaving<What>> {
  SolverInfo info_ = [] {
    SolverInfo i;
    i.name = What == 0 ? "test.segfault" : What == 1 ? "test.abort" : "test.hang";
    i.description = "misbehaves";
    i.kinds = KindSet{ProblemKind::general};
    return i;
  }();
  const SolverInfo& info() const override { return info_; }
  template <class T>
  SolveOutcome<T> run(const SolveInput<T>&) const {
    if (What == 0) std::raise(SIGSEGV);
    if (What == 1) std::abort();
    std::this_thread::sleep_for(std::chrono::hours(1));
    return SolveOutcome<T>::failure("unreachable");
  }
};

struct Registered {
  std::vector<std::string> names;
  template <class S>
  void add() {
    auto s = std::make_unique<S>();
    names.push_back(s->info().name);
    SolverRegistry::instance().add(std::move(s));
  }
  ~Registered() {
    for (const auto& n : names) SolverRegistry::instance().remove(n);
  }
};

}  // namespace

TEST_F(Exec, TwoJobsGiveTheSameRowsAsOne) {
  Study s = parse_study(kStudy, "exec.toml");
  RunResult one = run_study(s, options("one"));
  RunOptions o = options("two");
  o.jobs = 2;
  RunResult two = run_study(s, o);
  ASSERT_FALSE(one.rows.empty());
  EXPECT_EQ(comparable(one.rows), comparable(two.rows));
  for (const auto& r : two.rows) EXPECT_EQ(r.jobs, 2);
  EXPECT_EQ(read_run_json(o.out_dir, "test")["execution"]["jobs"], 2);
}

TEST_F(Exec, CrashAbortAndHangAreFailedRowsAndTheStudyCompletes) {
  Registered reg;
  reg.add<Misbehaving<0>>();
  reg.add<Misbehaving<1>>();
  reg.add<Misbehaving<2>>();
  std::string text = kStudy;
  // lapack.cholesky first: on the general cases it is a tally (it does not take them)
  // just before the crashes, which must not take the tally with them.
  replace(text, "solvers = [\"lapack.lu\", \"lapack.qr\", \"lapack.cholesky\", ",
          "solvers = [\"lapack.cholesky\", \"test.segfault\", \"test.abort\", \"test.hang\", \"lapack.lu\", "
          "\"lapack.qr\", ");
  replace(text, "seeds = [3, 4]", "seeds = [3]");
  replace(text, "precisions = [\"f32\", \"f64\"]", "precisions = [\"f64\"]");
  Study s = parse_study(text, "exec.toml");
  RunOptions o = options("bad");
  o.isolate = true;
  o.time_limit_s = 0.5;
  RunResult r = run_study(s, o);
  EXPECT_FALSE(r.interrupted);
  int segv = 0, abrt = 0, hang = 0, ok = 0;
  for (const auto& row : r.rows) {
    if (row.solver == "test.segfault") {
      EXPECT_EQ(row.status, "failed");
      EXPECT_EQ(row.reason, "crashed: SIGSEGV in test.segfault f64");
      EXPECT_FALSE(row.case_id.empty());
      EXPECT_TRUE(std::isfinite(row.kappa)) << "the failed row keeps the case's kappa";
      ++segv;
    } else if (row.solver == "test.abort") {
      EXPECT_EQ(row.reason, "crashed: SIGABRT in test.abort f64");
      ++abrt;
    } else if (row.solver == "test.hang") {
      EXPECT_EQ(row.reason, "timeout after 0.5 s in test.hang f64");
      ++hang;
    } else {
      ok += row.status == "ok";
    }
  }
  EXPECT_EQ(segv, 2);  // the two general cases (the solvers take no other kind)
  EXPECT_EQ(abrt, 2);
  EXPECT_EQ(hang, 2);
  EXPECT_EQ(r.crashes, 4);
  EXPECT_EQ(r.timeouts, 2);
  // The well-behaved solvers' rows are exactly those of a run without the bad ones.
  Study clean = parse_study(kStudy, "exec.toml");
  RunOptions c = options("clean");
  c.precision_filter = "f64";
  const RunResult clean_run = run_study(clean, c);
  std::vector<ResultRow> expected;
  for (const auto& row : clean_run.rows)
    if (row.seed == 3) expected.push_back(row);
  std::vector<ResultRow> got;
  for (const auto& row : r.rows)
    if (row.solver.rfind("test.", 0) != 0) got.push_back(row);
  auto e = comparable(expected), g = comparable(got);  // another solver order: compare as sets
  std::sort(e.begin(), e.end());
  std::sort(g.begin(), g.end());
  EXPECT_EQ(e, g);
  // Every tally survives the crashes: the clean run's (for one seed of two), and the three
  // test solvers' on the two SPD cases and the least-squares one.
  EXPECT_GT(clean_run.skipped_rows, 0u);
  EXPECT_EQ(r.skipped_rows, clean_run.skipped_rows / 2 + 3 * 3);
}

TEST_F(Exec, ResumeAfterATornEndKeepsCompleteCasesAndRerunsTheRest) {
  Study s = parse_study(kStudy, "exec.toml");
  RunResult full = run_study(s, options("full"));
  RunOptions o = options("torn");
  run_study(s, o);
  // Cut the run after its third case, half-way through a row, and tear the journal's next line.
  fs::path dir(o.out_dir);
  auto entries = exec::read_journal(dir / "journal.jsonl", read_text_file(dir / "results.csv").find('\n') + 1,
                                    fs::file_size(dir / "results.csv"));
  ASSERT_GE(entries.size(), 5u);
  fs::resize_file(dir / "results.csv", entries[3].begin + (entries[3].end - entries[3].begin) / 2);
  std::string journal = read_text_file(dir / "journal.jsonl");
  std::size_t third = 0;
  for (int i = 0; i < 3; ++i) third = journal.find('\n', third) + 1;
  std::ofstream(dir / "journal.jsonl", std::ios::trunc) << journal.substr(0, third) << "{\"case\":3,\"beg";
  auto meta = read_run_json(dir, "test");
  meta["status"] = "running";
  write_run_json(dir, meta);

  o.resume = true;
  RunResult resumed = run_study(s, o);
  EXPECT_EQ(comparable(full.rows), comparable(resumed.rows));
  auto after = read_run_json(dir, "test");
  EXPECT_EQ(after["status"], "complete");
  ASSERT_EQ(after["resumptions"].size(), 1u);
  EXPECT_EQ(after["resumptions"][0]["cases_done"], 3);
  EXPECT_EQ(after["skipped"]["rows"], read_run_json(options("full").out_dir, "test")["skipped"]["rows"]);
}

TEST_F(Exec, ResumeIsRefusedForAnotherStudyCommitOrFilter) {
  Study s = parse_study(kStudy, "exec.toml");
  RunOptions o = options("run");
  run_study(s, o);
  o.resume = true;
  std::string other = kStudy;
  replace(other, "kappa = 1e4", "kappa = 1e5");
  try {
    run_study(parse_study(other, "exec.toml"), o);
    FAIL() << "resumed another study";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("the study text differs"), std::string::npos) << e.what();
  }
  RunOptions f = o;
  f.precision_filter = "f64";
  EXPECT_THROW(run_study(s, f), InputError);
  auto meta = read_run_json(o.out_dir, "test");
  meta["context"]["git_commit"] = "0000000000000000000000000000000000000000";
  write_run_json(o.out_dir, meta);
  try {
    run_study(s, o);
    FAIL() << "resumed a run of another commit";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("the condbench commit differs"), std::string::npos) << e.what();
  }
}

TEST_F(Exec, ShardsMergeIntoTheUnshardedRun) {
  Study s = parse_study(kStudy, "exec.toml");
  RunResult full = run_study(s, options("full"));
  std::vector<std::string> dirs;
  std::size_t rows = 0;
  for (int i = 0; i < 3; ++i) {
    RunOptions o = options("shard" + std::to_string(i));
    o.shard = std::to_string(i) + "/3";
    rows += run_study(s, o).rows.size();
    dirs.push_back(o.out_dir);
  }
  EXPECT_EQ(rows, full.rows.size());
  // Merged out of order: the result is in case order all the same.
  MergeResult m = merge_shards((base / "merged").string(), {dirs[2], dirs[0], dirs[1]}, false);
  EXPECT_EQ(m.shards, 3u);
  EXPECT_EQ(comparable(read_results(base / "merged")), comparable(full.rows));
  auto meta = read_run_json(base / "merged", "test");
  EXPECT_EQ(meta["shards"].size(), 3u);
  EXPECT_EQ(meta["skipped"]["rows"], read_run_json(options("full").out_dir, "test")["skipped"]["rows"]);

  EXPECT_THROW(merge_shards((base / "m2").string(), {dirs[0], dirs[1]}, false), InputError);           // missing
  EXPECT_THROW(merge_shards((base / "m3").string(), {dirs[0], dirs[1], dirs[1]}, false), InputError);  // twice
  EXPECT_THROW(merge_shards((base / "m4").string(), {dirs[0], options("full").out_dir}, false), InputError);
  EXPECT_FALSE(fs::exists(base / "m2"));
}

TEST(Shard, RoundRobinAndSlurmArrays) {
  EXPECT_EQ(exec::shard_cases(7, exec::parse_shard("1/3", "t")), (std::vector<std::size_t>{1, 4}));
  EXPECT_THROW(exec::parse_shard("3/3", "t"), InputError);
  EXPECT_THROW(exec::parse_shard("1/0", "t"), InputError);
  EXPECT_THROW(exec::parse_shard("x", "t"), InputError);
  ::setenv("SLURM_ARRAY_TASK_ID", "14", 1);
  ::setenv("SLURM_ARRAY_TASK_MIN", "10", 1);
  ::setenv("SLURM_ARRAY_TASK_MAX", "16", 1);
  ::setenv("SLURM_ARRAY_TASK_STEP", "2", 1);
  ::setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
  auto s = exec::shard_from_slurm();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 4);
  ::setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);  // ids 10, 12, 16: not evenly spaced
  EXPECT_THROW(exec::shard_from_slurm(), InputError);
  for (const char* v : {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP",
                        "SLURM_ARRAY_TASK_COUNT"})
    ::unsetenv(v);
  EXPECT_FALSE(exec::shard_from_slurm());
}
