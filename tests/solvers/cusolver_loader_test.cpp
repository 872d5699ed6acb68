// The GPU module loader, on every machine: where it looks, and each way a module can
// fail to serve, with the fake module (tests/support/fake_cusolver_module.cpp) standing
// in for the real one.
#include "solvers/cusolver/catalogue.hpp"
#include "solvers/cusolver/loader.hpp"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace condbench::cusolver {
namespace {

const std::string kFake = CONDBENCH_FAKE_CUSOLVER_MODULE;

// Sets CONDBENCH_FAKE_MODULE_MODE for one test.
struct FakeMode {
  explicit FakeMode(const char* m) { setenv("CONDBENCH_FAKE_MODULE_MODE", m, 1); }
  ~FakeMode() { unsetenv("CONDBENCH_FAKE_MODULE_MODE"); }
};

TEST(CusolverLoader, TheEnvironmentVariableNamesTheOnlyCandidate) {
  EXPECT_EQ(module_candidates("/opt/x/libcondbench_cusolver.so", "/usr/bin"),
            std::vector<std::string>{"/opt/x/libcondbench_cusolver.so"});
}

TEST(CusolverLoader, CandidatesBesideTheExecutableThenTheInstallDirectory) {
  const auto c = module_candidates(nullptr, "/work/build/tests");
  ASSERT_GE(c.size(), 4u);
  EXPECT_EQ(c[0], "/work/build/tests/libcondbench_cusolver.so");
  EXPECT_EQ(c[1], "/work/build/tests/lib/libcondbench_cusolver.so");
  EXPECT_EQ(c[2], "/work/build/lib/libcondbench_cusolver.so");
  for (const auto& p : c) EXPECT_EQ(std::filesystem::path(p).filename(), "libcondbench_cusolver.so") << p;
  for (std::size_t i = 0; i < c.size(); ++i)
    for (std::size_t j = i + 1; j < c.size(); ++j) EXPECT_NE(c[i], c[j]) << "duplicate candidate";
  const auto empty = module_candidates("", "/x/bin");
  EXPECT_EQ(empty[0], "/x/bin/libcondbench_cusolver.so") << "an empty variable counts as unset";
}

TEST(CusolverLoader, NoFileFoundNamesEverythingSearched) {
  const ModuleStatus s = load_module({"/nonexistent/a.so", "/nonexistent/b.so"});
  EXPECT_EQ(s.state, ModuleState::not_found);
  EXPECT_EQ(s.reason, "GPU module not found: searched /nonexistent/a.so, /nonexistent/b.so");
  EXPECT_EQ(load_module({"/nonexistent"}, true).reason,
            "GPU module not found: searched /nonexistent (from CONDBENCH_CUSOLVER_MODULE)");
}

TEST(CusolverLoader, AFileThatIsNoLibraryGivesDlopensReason) {
  const std::string path = testing::TempDir() + "/not_a_library.so";
  std::ofstream(path) << "not an ELF file\n";
  const ModuleStatus s = load_module({"/nonexistent/a.so", path});
  EXPECT_EQ(s.state, ModuleState::load_failed);
  EXPECT_EQ(s.path, path) << "the first candidate that exists";
  EXPECT_EQ(s.reason.rfind("GPU module failed to load: " + path + ": ", 0), 0u) << s.reason;
  EXPECT_TRUE(s.solvers.empty());
}

TEST(CusolverLoader, ALibraryWithoutTheEntryPointIsRefused) {
  // Any shared library will do: the one that holds cos().
  Dl_info where{};
  double (*cosine)(double) = &std::cos;
  ASSERT_NE(dladdr(reinterpret_cast<void*>(cosine), &where), 0);
  const std::string libm = where.dli_fname;
  const ModuleStatus s = load_module({libm});
  EXPECT_EQ(s.state, ModuleState::load_failed);
  EXPECT_EQ(s.reason.rfind("GPU module failed to load: " + libm + " has no entry point condbench_cusolver_module_v1", 0),
            0u)
      << s.reason;
}

TEST(CusolverLoader, TheFakeModuleLoadsAndItsSolversSolve) {
  FakeMode m("ok");
  const ModuleStatus s = load_module({kFake});
  ASSERT_EQ(s.state, ModuleState::available) << s.reason;
  EXPECT_EQ(s.reason, "");
  EXPECT_EQ(s.built_with, "no CUDA (fake)");
  ASSERT_EQ(s.solvers.size(), catalogue().size());
  const Solver* lu = s.find("cusolver.lu");
  ASSERT_NE(lu, nullptr);
  arma::mat a = {{4, 1}, {2, 3}};
  arma::vec b = {1, 2};
  const SolveOutcome<double> out = lu->solve(SolveInput<double>{a, b, ProblemKind::general});
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_LT(arma::norm(a * out.x - b), 1e-14);
  EXPECT_EQ(out.facts.extra["fake"], true) << "the C++ objects crossed the module boundary intact";
}

TEST(CusolverLoader, AnotherAbiNumberIsRefused) {
  FakeMode m("abi");
  const ModuleStatus s = load_module({kFake});
  EXPECT_EQ(s.state, ModuleState::load_failed);
  EXPECT_EQ(s.reason, "GPU module failed to load: " + kFake + " has ABI 999, this condbench needs ABI 1");
}

TEST(CusolverLoader, AnotherBuildsTagIsRefused) {
  FakeMode m("tag");
  const ModuleStatus s = load_module({kFake});
  EXPECT_EQ(s.state, ModuleState::load_failed);
  EXPECT_NE(s.reason.find("comes from another build (module: another build; condbench: abi 1; interface "),
            std::string::npos)
      << s.reason;
}

TEST(CusolverLoader, AModuleWhoseSolversDifferIsRefused) {
  FakeMode m("catalogue");
  const ModuleStatus s = load_module({kFake});
  EXPECT_EQ(s.state, ModuleState::load_failed);
  EXPECT_EQ(s.reason, "GPU module failed to load: " + kFake + " does not match this condbench: it has " +
                          std::to_string(catalogue().size() - 1) + " solvers, this condbench lists " +
                          std::to_string(catalogue().size()));
}

TEST(CusolverLoader, NoDeviceIsReportedWithTheModulesReason) {
  FakeMode m("no_device");
  const ModuleStatus s = load_module({kFake});
  EXPECT_EQ(s.state, ModuleState::no_device);
  EXPECT_EQ(s.reason, "no usable CUDA device: fake module: no device");
  EXPECT_EQ(s.solvers.size(), catalogue().size()) << "the solvers exist; they say why they cannot run";
}

}  // namespace
}  // namespace condbench::cusolver
