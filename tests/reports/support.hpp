// Helpers of the report tests: run the executable, make scratch run folders.
#pragma once

#include "reports/common/run_data.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/run_binary.hpp"
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace condbench::test {
namespace fs = std::filesystem;


using Result = CommandResult;
inline Result shell(const std::string& cmd) { return run_shell(cmd); }
inline Result cli(const std::string& args) { return run_condbench(args); }

// A fresh scratch folder per test.
inline fs::path scratch(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("condbench_reports_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// A real run folder (studies/quick.toml, a few solvers): results.csv + run.json.
inline fs::path fixture() { return fs::path(CONDBENCH_SOURCE_DIR) / "tests/reports/fixtures/quick_run"; }

// A copy of the fixture run folder, to write reports into.
inline fs::path fixture_copy(const std::string& name) {
  fs::path d = scratch(name) / "run";
  fs::create_directories(d);
  for (const char* f : {"results.csv", "run.json"}) fs::copy_file(fixture() / f, d / f);
  return d;
}

inline std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string web_dir() { return std::string(CONDBENCH_SOURCE_DIR) + "/reports/web"; }

}  // namespace condbench::test
