// Workers as users meet them: [[worker]] tables and --workers on `run` and `list solvers`,
// faults as rows of a finished run, a worker that cannot start stopping the run before
// anything is written, and studies/python_stack.toml at a small size with its solver guide.
#include "reports/common/run_data.hpp"
#include "reports/report/report.hpp"
#include "tests/support/run_binary.hpp"
#include "tests/workers/support.hpp"

#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

namespace condbench::testing {
namespace {

namespace fs = std::filesystem;
using test::run_condbench;

fs::path scratch(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("condbench_workers_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string c_worker_table(const std::string& extra = "") {
  return "[[worker]]\nname = \"cw\"\ncommand = [\"" + std::string(CONDBENCH_C_WORKER) + "\"" + extra + "]\n";
}

std::string study_with(const std::string& solvers, const std::string& worker_tables) {
  return "[study]\nname = \"w\"\nseeds = [1]\nprecisions = [\"f32\", \"f64\"]\nsolvers = [" + solvers + "]\n" +
         "threads = 1\n\n" + worker_tables +
         "\n[[problem]]\ngenerator = \"randsvd\"\nn = 8\nkind = \"general\"\nkappa = [10, 1e4]\n";
}

TEST(WorkerCli, FaultsAreRowsAndTheRunFinishes) {
  fs::path dir = scratch("faults");
  std::ofstream(dir / "s.toml") << study_with(
      "\"lapack.lu\", \"c.echo\", \"c.abort\", \"c.hang\", \"c.nan\", \"c.wrong_length\", \"c.unavailable\"",
      c_worker_table() + "time_limit = 0.5\n");
  auto r = run_condbench("run " + (dir / "s.toml").string() + " --out " + (dir / "out").string() + " --no-report -q");
  ASSERT_EQ(r.code, 0) << r.out;
  RunData run = load_run((dir / "out").string());
  std::map<std::string, std::set<std::string>> reasons;
  int echo_rows = 0;
  for (const ResultRow& row : run.rows) {
    reasons[row.solver].insert(row.status + ": " + row.reason.substr(0, row.reason.find(" (")));
    if (row.solver == "c.echo") {
      ++echo_rows;
      EXPECT_EQ(row.status, "ok");
      EXPECT_EQ(row.time_s, row.factor_s + row.solve_s);  // the worker's own call ...
      EXPECT_GT(row.transfer_s, 0);                        // ... and the round trip beside it
    }
  }
  EXPECT_EQ(echo_rows, 4);
  auto only = [&](const std::string& solver, const std::string& what) {
    ASSERT_EQ(reasons[solver].size(), 1u) << solver;
    EXPECT_EQ(reasons[solver].begin()->find(what), 0u) << *reasons[solver].begin();
  };
  only("c.abort", "failed: worker 'cw' died during the solve: killed by signal 6");
  only("c.hang", "failed: timeout after 0.5 s");
  only("c.nan", "failed: non-finite result");
  only("c.wrong_length", "failed: malformed answer from worker 'cw': x has 9 elements, expected 8");
  // An unavailable solver runs nothing: counted in run.json, with the worker's reason, not a row.
  EXPECT_EQ(reasons.count("c.unavailable"), 0u);
  int unavailable = 0;
  for (const auto& g : run.meta["skipped"]["groups"])
    if (g["solver"] == "c.unavailable") {
      EXPECT_EQ(g["reason"], "c.unavailable: deliberately unavailable");
      unavailable += g["rows"].get<int>();
    }
  EXPECT_EQ(unavailable, 4);  // 2 cases x 2 precisions
  // What run.json says about the worker.
  const auto& w = run.meta["context"]["workers"][0];
  EXPECT_EQ(w["name"], "cw");
  EXPECT_EQ(w["time_limit_s"], 0.5);
  EXPECT_EQ(w["versions"]["c_worker"], "1");
  EXPECT_NE(w["declared_at"].get<std::string>().find("s.toml:8:1"), std::string::npos) << w.dump();
}

TEST(WorkerCli, AWorkerThatCannotStartStopsTheRunBeforeAnythingIsWritten) {
  fs::path dir = scratch("nostart");
  std::ofstream(dir / "s.toml") << study_with("\"lapack.lu\"", c_worker_table(", \"--refuse\""));
  auto r = run_condbench("run " + (dir / "s.toml").string() + " --out " + (dir / "out").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find((dir / "s.toml").string() + ":8:1: [[worker]] #1 'cw' cannot start `" +
                       std::string(CONDBENCH_C_WORKER) + " --refuse`: it ended before answering the hello "
                                                         "(exited with code 1)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("c_worker: refusing to start (--refuse)"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(WorkerCli, BadWorkerTablesNameFileLineAndKey) {
  fs::path dir = scratch("badtables");
  auto error_of = [&](const std::string& tables) {
    std::ofstream(dir / "s.toml") << study_with("\"lapack.lu\"", tables);
    auto r = run_condbench("run " + (dir / "s.toml").string() + " --out " + (dir / "out").string());
    EXPECT_EQ(r.code, 2) << r.out;
    return r.out;
  };
  EXPECT_NE(error_of("[[worker]]\nname = \"x\"\n").find("s.toml:8:1: [[worker]] #1: 'command' must be a non-empty "
                                                       "list of strings"),
            std::string::npos);
  EXPECT_NE(error_of(c_worker_table() + "shell = true\n").find("s.toml:11:9: [[worker]] #1: unknown key 'shell'"),
            std::string::npos);
  EXPECT_NE(error_of(c_worker_table() + "time_limit = -1\n").find("'time_limit' must be a number of seconds"),
            std::string::npos);
  std::string twice = error_of(c_worker_table() + "\n[[worker]]\nname = \"again\"\ncommand = [\"" +
                               std::string(CONDBENCH_C_WORKER) + "\", \"--protocol\", \"1\"]\n");
  EXPECT_NE(twice.find("[[worker]] #2 'again': solver 'c.echo' from worker"), std::string::npos) << twice;
  EXPECT_NE(twice.find("is already defined"), std::string::npos) << twice;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

// {dir} is the declaring file's folder, also when that file is named without one.
TEST(WorkerCli, DirIsTheFolderOfTheDeclaringFileFromAnyCurrentDirectory) {
  fs::path dir = scratch("dir");
  fs::copy_file(CONDBENCH_C_WORKER, dir / "my_worker");
  std::ofstream(dir / "w.toml") << "[[worker]]\ncommand = [\"{dir}/my_worker\"]\n";
  auto here = run_condbench("list solvers --workers w.toml", dir.string());
  EXPECT_EQ(here.code, 0) << here.out;
  EXPECT_NE(here.out.find("from worker " + (dir / "my_worker").string()), std::string::npos) << here.out;
  auto elsewhere = run_condbench("list solvers --workers " + (dir / "w.toml").string(), "/");
  EXPECT_EQ(elsewhere.code, 0) << elsewhere.out;
  EXPECT_NE(elsewhere.out.find("c.echo"), std::string::npos);
}

TEST(WorkerCli, WorkersFileAddsSolversToListAndRun) {
  fs::path dir = scratch("file");
  std::ofstream(dir / "w.toml") << c_worker_table();
  auto list = run_condbench("list solvers --workers " + (dir / "w.toml").string());
  ASSERT_EQ(list.code, 0) << list.out;
  EXPECT_NE(list.out.find("c.echo"), std::string::npos);
  EXPECT_NE(list.out.find("from worker " + std::string(CONDBENCH_C_WORKER)), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("unavailable here: c.unavailable: deliberately unavailable"), std::string::npos) << list.out;
  std::ofstream(dir / "s.toml") << study_with("\"c.echo\"", "");
  auto run = run_condbench("run " + (dir / "s.toml").string() + " --workers " + (dir / "w.toml").string() +
                           " --out " + (dir / "out").string() + " --no-report -q");
  EXPECT_EQ(run.code, 0) << run.out;
  std::ofstream(dir / "bad.toml") << "[study]\nname = \"x\"\n";
  auto bad = run_condbench("list solvers --workers " + (dir / "bad.toml").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.out.find("unknown top-level key 'study' (a workers file holds [[worker]] tables)"), std::string::npos)
      << bad.out;
}

// studies/python_stack.toml as shipped, made small (n = 12, kappa 1e2 and 1e9, one seed): every
// worker solver runs beside lapack.*, the context has the libraries, the guide is in summary.md.
// The README's worker, as printed there: its Python block and its [[worker]] table, with
// PYTHONPATH pointed at this checkout's python/ folder.
std::string fenced_block(const std::string& text, const std::string& fence, const std::string& containing) {
  for (std::size_t at = text.find(fence); at != std::string::npos; at = text.find(fence, at + 1)) {
    const std::size_t begin = text.find('\n', at) + 1, end = text.find("```", begin);
    std::string block = text.substr(begin, end - begin);
    if (block.find(containing) == std::string::npos) continue;
    // The README indents it under a list item: remove the indentation the lines share.
    std::vector<std::string> lines;
    std::size_t indent = std::string::npos;
    std::istringstream in(block);
    for (std::string line; std::getline(in, line);) {
      if (line.find_first_not_of(' ') != std::string::npos) indent = std::min(indent, line.find_first_not_of(' '));
      lines.push_back(line);
    }
    std::string out;
    for (const auto& line : lines) out += (line.size() > indent ? line.substr(indent) : "") + "\n";
    return out;
  }
  return {};
}

TEST(WorkerCli, TheReadmesPythonWorkerRunsAsPrinted) {
  std::ifstream in(kSource + "/README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  std::string worker = fenced_block(readme.str(), "```python", "serve()");
  std::string table = fenced_block(readme.str(), "```toml", "[[worker]]");
  ASSERT_NE(worker.find("@solver(\"mine.solve\""), std::string::npos) << worker;
  ASSERT_NE(table.find("{dir}/my_worker.py"), std::string::npos) << table;
  const std::string placeholder = "/path/to/condbench/python";
  ASSERT_NE(table.find(placeholder), std::string::npos) << table;
  table.replace(table.find(placeholder), placeholder.size(), kSource + "/python");
  fs::path dir = scratch("readme");
  std::ofstream(dir / "my_worker.py") << worker;
  std::ofstream(dir / "s.toml") << study_with("\"mine.solve\", \"lapack.lu\"", table);
  auto r = run_condbench("run " + (dir / "s.toml").string() + " --out " + (dir / "out").string() + " --no-report -q");
  ASSERT_EQ(r.code, 0) << r.out << "\n" << worker;
  int ok = 0;
  for (const ResultRow& row : load_run((dir / "out").string()).rows) ok += row.solver == "mine.solve" && row.status == "ok";
  EXPECT_EQ(ok, 4);
}

TEST(WorkerCli, PythonStackStudyRunsAtASmallSize) {
  fs::path dir = scratch("python_stack");
  toml::table study = toml::parse_file(kSource + "/studies/python_stack.toml");
  study["study"].as_table()->insert_or_assign("seeds", toml::array{1});
  for (auto& p : *study["problem"].as_array()) {
    p.as_table()->insert_or_assign("n", 12);
    p.as_table()->insert_or_assign("kappa", toml::array{1e2, 1e9});
  }
  // {dir} is the study's folder: the copy lives elsewhere, so name the shipped worker outright.
  auto& cmd = *study["worker"][0]["command"].as_array();
  cmd.replace(cmd.begin() + 1, kSource + "/workers/python_stack.py");
  std::ofstream(dir / "small.toml") << study;
  auto r = run_condbench("run " + (dir / "small.toml").string() + " --out " + (dir / "out").string() +
                         " --no-report -q");
  ASSERT_EQ(r.code, 0) << r.out;
  RunData run = load_run((dir / "out").string());
  std::map<std::string, int> ok_rows;
  for (const ResultRow& row : run.rows) {
    if (row.status == "ok") ++ok_rows[row.solver];
    // Well-conditioned (kappa = 1e2) in f64: every backward-stable call the stack makes passes.
    if (row.kappa_nominal == 1e2 && row.precision == "f64" && row.status != "skipped") {
      EXPECT_EQ(row.status, "ok") << row.solver << " " << row.case_id << ": " << row.reason;
    }
  }
  for (const auto& s : {"lapack.lu", "numpy.solve", "numpy.inv", "numpy.lstsq", "numpy.pinv", "scipy.solve",
                        "scipy.solve_pos", "scipy.lu_solve", "scipy.cho_solve", "scipy.lstsq_gelsd",
                        "scipy.lstsq_gelsy", "scipy.lstsq_gelss", "torch.solve", "torch.cholesky_solve",
                        "torch.lstsq_gels", "torch.lstsq_gelsy", "torch.lstsq_gelsd", "torch.lstsq_gelss",
                        "lecture.smart_solve", "lecture.gram_schmidt"})
    EXPECT_GT(ok_rows[s], 0) << s;
  const auto& versions = run.meta["context"]["workers"][0]["versions"];
  for (const char* lib : {"numpy", "scipy", "torch", "blas"}) EXPECT_TRUE(versions.contains(lib)) << lib;
  std::string md = report::summary_markdown(run);
  auto at = md.find("## The solver guide, measured");
  ASSERT_NE(at, std::string::npos);
  for (const char* line : {"| f32 | square | 1e2–1e4 |", "| f64 | SPD | 1e2–1e4 |",
                           "| f64 | least squares | 1e8–1e10 |", "Cholesky: lecture.smart_solve",
                           "SVD lstsq: lecture.smart_solve"})
    EXPECT_NE(md.find(line, at), std::string::npos) << line << "\n" << md.substr(at);
}

}  // namespace
}  // namespace condbench::testing
