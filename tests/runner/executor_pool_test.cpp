// The process pool's reporting under stress, on a synthetic task: rows that overflow the
// memory a child shares with the parent (the rest of the case goes down the pipe), a
// skeleton too long for the shared slot (announced by message instead), and crashes in
// each of those states. Every row arrives once, in order, and each crash is a failed
// record naming the unit and carrying its skeleton.
#include "studies/execution/executor.hpp"
#include "studies/execution/results_file.hpp"
#include "studies/execution/task.hpp"
#include "studies/runner/csv.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace condbench;

namespace {

// Case c has `units` units. Unit u's row is "c,u,<payload>" with a payload of `row_bytes`
// (10 bytes for odd units when `alternate`: small rows fit the log after big ones did not);
// its skeleton "c,u,skeleton" padded to `long_skeleton` bytes for the units in `long_units`.
// A unit in `crash` raises SIGSEGV after its begin (only the first time: a unit that
// crashed is a failed record and the case goes on from the next one). Every third unit of
// case 1 is a tally.
struct Synthetic : exec::Task {
  int units = 0;
  std::size_t row_bytes = 0, long_skeleton = 0;
  bool alternate = false;
  std::set<int> long_units, crash;

  std::size_t case_count() const override { return 2; }
  std::string header() const override { return "case,unit,what\n"; }
  int unit_count(std::size_t) const override { return units; }
  std::string unit_label(std::size_t, int u) const override { return "unit " + std::to_string(u); }
  std::string skeleton(std::size_t c, int u) const {
    std::string s = std::to_string(c) + "," + std::to_string(u) + ",skeleton";
    if (long_units.count(u)) s.resize(long_skeleton, 'k');
    return s;
  }
  void run_case(std::size_t c, int first, exec::Emitter& emit) const override {
    emit.identify(std::to_string(c) + ",-1,ident");
    for (int u = first; u < units; ++u) {
      if (c == 1 && u % 3 == 2) {
        emit.tally(u, "every third");
        continue;
      }
      emit.begin(u, skeleton(c, u));
      if (c == 0 && crash.count(u)) std::raise(SIGSEGV);
      std::string row = std::to_string(c) + "," + std::to_string(u) + ",";
      row.resize(row.size() + bytes(u), 'r');
      emit.row(u, row + "\n");
    }
  }
  std::size_t bytes(int u) const { return alternate && u % 2 ? 10 : row_bytes; }
  std::string failed_record(std::size_t, int, const std::string& skeleton, const std::string& why) const override {
    return skeleton.substr(0, skeleton.find(",skeleton") + 9) + " failed: " + why + "\n";
  }
};

std::vector<std::string> lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

struct Pool : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("condbench_pool_" + std::to_string(::getpid()));
  void SetUp() override { fs::remove_all(dir), fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }

  std::vector<std::string> run(const Synthetic& t, exec::ExecStats* stats = nullptr) {
    exec::ResultsFile out(dir, t.header(), false);
    exec::ExecOptions opt;
    opt.isolate = true;
    exec::ExecStats st = exec::execute(t, {0, 1}, out, opt);
    if (stats) *stats = st;
    return lines(dir / "results.csv");
  }
};

TEST_F(Pool, RowsPastTheSharedLogGoDownThePipeInOrder) {
  Synthetic t;
  t.units = 60;
  t.row_bytes = 600 * 1024;  // 30 x 600 KiB = 18 MB: past the 16 MiB log
  t.alternate = true;
  t.crash = {10, 50};        // one crash while the log is used, one after it overflowed
  exec::ExecStats st;
  const auto got = run(t, &st);
  EXPECT_EQ(st.crashes, 2);
  ASSERT_EQ(got.size(), 1u + 60 + 40);  // header, case 0, case 1 (20 tallies)
  for (int u = 0; u < 60; ++u) {
    const std::string& l = got[1 + static_cast<std::size_t>(u)];
    const std::string head = "0," + std::to_string(u) + ",";
    ASSERT_EQ(l.rfind(head, 0), 0u) << "row " << u << " out of order: " << l.substr(0, 40);
    if (u == 10 || u == 50)
      EXPECT_EQ(l, head + "skeleton failed: crashed: SIGSEGV in unit " + std::to_string(u));
    else
      EXPECT_EQ(l.size(), head.size() + t.bytes(u));
  }
  std::ifstream journal(dir / "journal.jsonl");
  std::stringstream text;
  text << journal.rdbuf();
  EXPECT_NE(text.str().find("\"every third\":20"), std::string::npos) << text.str();
}

TEST_F(Pool, ASkeletonTooLongForTheSlotIsAnnouncedByMessage) {
  Synthetic t;
  t.units = 8;
  t.row_bytes = 10;
  t.long_skeleton = 100 * 1024;  // past the slot's 60 KiB
  t.long_units = {3, 4, 6};
  t.crash = {4, 5};  // a long skeleton's unit crashes, then the short one after it
  exec::ExecStats st;
  const auto got = run(t, &st);
  EXPECT_EQ(st.crashes, 2);
  ASSERT_EQ(got.size(), 1u + 8 + 6);
  EXPECT_EQ(got[1 + 4], "0,4,skeleton failed: crashed: SIGSEGV in unit 4");
  EXPECT_EQ(got[1 + 5], "0,5,skeleton failed: crashed: SIGSEGV in unit 5");
  EXPECT_EQ(got[1 + 6], "0,6," + std::string(10, 'r'));
}

}  // namespace
