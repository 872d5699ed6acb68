// kill -9 at 20 points of a run, then --resume: the final rows equal an
// uninterrupted run's (timings aside), none lost, none duplicated.
#include "studies/runner/results.hpp"
#include "studies/runner/run_folder.hpp"
#include "tests/support/run_binary.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using namespace condbench;

extern char** environ;

namespace {

const std::string kStudy = std::string(CONDBENCH_SOURCE_DIR) + "/studies/quick.toml";

std::vector<std::string> comparable(const std::vector<ResultRow>& rows) {
  std::vector<std::string> out;
  for (ResultRow r : rows) {
    r.time_s = r.factor_s = r.solve_s = r.transfer_s = r.time_spread = r.gflops = r.ref_time_s = r.kappa_time_s = 0;
    out.push_back(format_row(r));
  }
  return out;
}

pid_t start_run(const fs::path& out) {
  std::vector<std::string> args{CONDBENCH_BINARY, "run", kStudy, "--out", out.string(), "--no-report", "--quiet"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

}  // namespace

TEST(Resume, KilledAtTwentyPointsThenResumedEqualsAnUninterruptedRun) {
  fs::path base = fs::temp_directory_path() / ("condbench_resume_" + std::to_string(::getpid()));
  fs::remove_all(base);
  auto t0 = std::chrono::steady_clock::now();
  auto full = test::run_condbench("run " + kStudy + " --out " + (base / "full").string() + " --no-report --quiet");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(full.code, 0) << full.out;
  const auto expected = comparable(read_results(base / "full"));
  const auto cases = read_run_json(base / "full", "test")["execution"]["cases_done"].get<int>();
  // Kill points spread over the run's progress, not its wall time (which a loaded machine
  // stretches): wait until a random number of cases is complete, then a random moment more,
  // which lands inside the next case's rows as often as between cases.
  std::mt19937 rng(2026);
  std::uniform_int_distribution<int> after_cases(0, cases - 1);
  std::uniform_real_distribution<double> extra(0.0, 0.01);
  int killed_mid_run = 0;
  for (int k = 0; k < 20; ++k) {
    fs::path out = base / ("k" + std::to_string(k));
    const int target = after_cases(rng);
    pid_t pid = start_run(out);
    ASSERT_GT(pid, 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(30 * seconds + 10);
    while (std::chrono::steady_clock::now() < deadline && waitpid(pid, nullptr, WNOHANG) == 0) {
      std::error_code ec;
      std::string journal = fs::exists(out / "journal.jsonl", ec) ? read_text_file(out / "journal.jsonl") : "";
      if (std::count(journal.begin(), journal.end(), '\n') >= target) break;
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(extra(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    killed_mid_run += WIFSIGNALED(status);
    auto r = test::run_condbench("run " + kStudy + " --out " + out.string() + " --resume --no-report --quiet");
    ASSERT_EQ(r.code, 0) << "kill " << k << ": " << r.out;
    const auto rows = read_results(out);
    std::set<std::string> ids;
    for (const auto& row : rows) EXPECT_TRUE(ids.insert(row.case_id + " " + row.solver + " " + row.precision).second)
                                     << "duplicate row after kill " << k << ": " << row.case_id << " " << row.solver;
    EXPECT_EQ(comparable(rows), expected) << "kill " << k;
    EXPECT_EQ(read_run_json(out, "test")["status"], "complete");
  }
  // Most kills must land while the run is going, or the test proves little.
  EXPECT_GE(killed_mid_run, 15);
  fs::remove_all(base);
}
