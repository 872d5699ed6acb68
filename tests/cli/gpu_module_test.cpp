// The GPU module as users meet it: --version says where it would come from without
// loading it; without it the cusolver.* solvers are listed and say why; with a module
// (the CUDA-free fake one here) the proxies forward to it and run.json says which.
#include "studies/runner/results.hpp"
#include "tests/support/run_binary.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

using condbench::test::CommandResult;

CommandResult condbench_with(const std::string& env, const std::string& args) {
  return condbench::test::run_shell(env + " " + std::string(CONDBENCH_BINARY) + " " + args);
}

const std::string kFake = CONDBENCH_FAKE_CUSOLVER_MODULE;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A study of two cusolver.* solvers and lapack.lu on two tiny problems.
fs::path tiny_study(const fs::path& dir) {
  fs::create_directories(dir);
  const fs::path study = dir / "gpu.toml";
  std::ofstream(study) << "[study]\nname = \"gpu_module\"\nseeds = [1]\nprecisions = [\"f64\"]\n"
                          "solvers = [\"lapack.lu\", \"cusolver.lu\", \"cusolver.svd\"]\n"
                          "[[problem]]\ngenerator = \"randsvd\"\nn = 8\nkind = \"general\"\nkappa = [10, 1000]\n";
  return study;
}

TEST(GpuModule, VersionSaysWhereTheModuleWouldComeFromWithoutLoadingIt) {
  // The dynamic loader names every file it maps; the module must not be among them.
  const CommandResult r = condbench_with("LD_DEBUG=files", "--version");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("condbench "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GPU module (cuSOLVER): "), std::string::npos) << r.out;
  EXPECT_FALSE(std::regex_search(r.out, std::regex("file=[^ ]*(libcondbench_cusolver|libcusolver|libcudart)")))
      << r.out;
  const CommandResult fake = condbench_with("LD_DEBUG=files CONDBENCH_CUSOLVER_MODULE=" + kFake, "--version");
  EXPECT_NE(fake.out.find("would be loaded from " + kFake), std::string::npos) << fake.out;
  EXPECT_EQ(fake.out.find("file=" + kFake), std::string::npos) << fake.out;
}

TEST(GpuModule, ListingAGpuSolverLoadsTheModule) {
  // The positive control of the test above: the same LD_DEBUG trace does show a loaded module.
  const CommandResult r = condbench_with("LD_DEBUG=files CONDBENCH_CUSOLVER_MODULE=" + kFake, "list solvers");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("file=" + kFake), std::string::npos) << r.out;
}

TEST(GpuModule, WithoutTheModuleEverySolverIsListedAndSaysWhy) {
  const CommandResult r = condbench_with("CONDBENCH_CUSOLVER_MODULE=/nonexistent", "list solvers");
  EXPECT_EQ(r.code, 0) << r.out;
  for (const char* name : {"cusolver.lu", "cusolver.cholesky", "cusolver.qr", "cusolver.svd", "cusolver.irs_fp16",
                           "cusolver.irs_bf16_classical", "cusolver.irs_tf32_nofallback", "cusolver.irs_fp32"})
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  const std::string why = "GPU module not found: searched /nonexistent (from CONDBENCH_CUSOLVER_MODULE)";
  std::size_t count = 0;
  for (std::size_t at = r.out.find(why); at != std::string::npos; at = r.out.find(why, at + 1)) ++count;
  EXPECT_GE(count, 1u) << r.out;
  const CommandResult v = condbench_with("CONDBENCH_CUSOLVER_MODULE=/nonexistent", "--version");
  EXPECT_NE(v.out.find("not found: searched /nonexistent"), std::string::npos) << v.out;
}

TEST(GpuModule, WithoutTheModuleNoGpuRowRunsAndRunJsonSaysWhy) {
  const fs::path dir = fs::temp_directory_path() / ("condbench_gpu_none" + std::to_string(::getpid()));
  const fs::path study = tiny_study(dir);
  const CommandResult r = condbench_with("CONDBENCH_CUSOLVER_MODULE=/nonexistent",
                                         "run " + study.string() + " --out " + (dir / "out").string());
  ASSERT_EQ(r.code, 0) << r.out;
  // Skipped rows may be written or only counted in run.json (--keep-skipped): either way none ran.
  const auto rows = condbench::parse_results_csv(slurp(dir / "out" / "results.csv"), "results.csv");
  for (const auto& row : rows) {
    if (row.solver.rfind("cusolver.", 0) != 0) continue;
    EXPECT_EQ(row.status, "skipped") << row.solver;
    EXPECT_NE(row.reason.find("GPU module not found: searched /nonexistent"), std::string::npos) << row.reason;
  }
  const auto run = nlohmann::json::parse(slurp(dir / "out" / "run.json"));
  EXPECT_EQ(run["context"]["gpu_module"]["state"], "not found");
  EXPECT_EQ(run["context"]["cusolver"], "GPU module not found: searched /nonexistent (from CONDBENCH_CUSOLVER_MODULE)");
  fs::remove_all(dir);
}

TEST(GpuModule, WithAModuleTheProxiesForwardAndRunJsonSaysWhich) {
  const fs::path dir = fs::temp_directory_path() / ("condbench_gpu_fake" + std::to_string(::getpid()));
  const fs::path study = tiny_study(dir);
  const CommandResult r = condbench_with("CONDBENCH_CUSOLVER_MODULE=" + kFake,
                                         "run " + study.string() + " --out " + (dir / "out").string());
  ASSERT_EQ(r.code, 0) << r.out;
  const auto rows = condbench::parse_results_csv(slurp(dir / "out" / "results.csv"), "results.csv");
  int gpu = 0;
  for (const auto& row : rows) {
    if (row.solver.rfind("cusolver.", 0) != 0) continue;
    ++gpu;
    EXPECT_EQ(row.status, "ok") << row.solver << ": " << row.reason;
    EXPECT_EQ(row.note, "fake GPU module") << row.solver;
    EXPECT_LT(row.forward_error, 1e-10) << row.solver;
  }
  EXPECT_EQ(gpu, 4);
  const auto run = nlohmann::json::parse(slurp(dir / "out" / "run.json"));
  const auto& m = run["context"]["gpu_module"];
  EXPECT_EQ(m["state"], "available");
  EXPECT_EQ(m["path"], kFake);
  EXPECT_EQ(m["versions"], "fake module, no CUDA");
  EXPECT_EQ(run["context"]["cusolver"], "available");
  fs::remove_all(dir);
}

}  // namespace
