// Solver plugins (include/condbench/plugin.h) loaded by path from the test plugins built in
// tests/plugins: they solve as their name says, what they return is checked, and every file
// that cannot be used is refused with a message naming it.
#include "condbench/plugin.h"
#include "solvers/plugin/loader.hpp"
#include "tests/solvers/solver_test_support.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

namespace condbench::testing {
namespace {

namespace fs = std::filesystem;

std::string plugin_file(const std::string& name) {
  return (fs::path(CONDBENCH_TEST_PLUGIN_DIR) / ("libcondbench_test_" + name + ".so")).string();
}

const Solver& find_in(const plugin::OpenedPlugin& p, const std::string& name) {
  for (const auto& s : p.solvers)
    if (s->info().name == name) return *s;
  throw std::runtime_error("plugin has no solver " + name);
}

// The error message of open_plugin, or "" when it loads.
std::string open_error(const std::string& path) {
  try {
    plugin::open_plugin(path);
  } catch (const plugin::PluginError& e) {
    return e.what();
  }
  return "";
}

TEST(Plugin, TableBecomesSolverInfoWithOriginAndIsolation) {
  plugin::OpenedPlugin p = plugin::open_plugin(plugin_file("lu"));
  const std::string real = fs::canonical(plugin_file("lu")).string();
  EXPECT_EQ(p.info.path, real);
  EXPECT_EQ(p.info.name, "cbtest");
  EXPECT_EQ(p.info.version, "1.0.0-test");
  EXPECT_EQ(p.info.abi, CONDBENCH_PLUGIN_ABI);
  EXPECT_EQ(p.info.sha256.size(), 64u);
  ASSERT_EQ(p.solvers.size(), 2u);
  const SolverInfo& i = find_in(p, "cbtest.lu").info();
  EXPECT_EQ(i.origin, "plugin " + real + " (ABI 1)");
  EXPECT_TRUE(i.isolate_by_default);
  EXPECT_EQ(i.flop_method, "lu");
  EXPECT_TRUE(i.f32 && i.f64);
  EXPECT_TRUE(i.kinds.contains(ProblemKind::general) && i.kinds.contains(ProblemKind::spd));
  EXPECT_FALSE(i.kinds.contains(ProblemKind::least_squares));
  EXPECT_NE(i.description.find("getrf"), std::string::npos);
}

TEST(Plugin, Sha256IsTheFilesDigest) {
  plugin::OpenedPlugin p = plugin::open_plugin(plugin_file("lu"));
  std::array<char, 256> buf{};
  FILE* f = popen(("sha256sum '" + plugin_file("lu") + "'").c_str(), "r");
  ASSERT_NE(f, nullptr);
  std::string out = fgets(buf.data(), buf.size(), f) ? buf.data() : "";
  pclose(f);
  EXPECT_EQ(out.substr(0, 64), p.info.sha256);
}

template <class T>
void solves_like_lapack_lu() {
  plugin::OpenedPlugin p = plugin::open_plugin(plugin_file("lu"));
  for (ProblemKind kind : {ProblemKind::general, ProblemKind::spd}) {
    const StoredProblem<T> prob = well_conditioned<T>(kind, 21);
    const SolveOutcome<T> ref = solve_with<T>("lapack.lu", prob.A, prob.b, kind);
    for (const char* name : {"cbtest.lu", "cbtest.lu_timed"}) {
      SCOPED_TRACE(std::string(name) + " " + to_string(kind) + " " + to_string(precision_of<T>()));
      const SolveOutcome<T> out = find_in(p, name).solve(SolveInput<T>{prob.A, prob.b, kind});
      ASSERT_EQ(out.status, Status::ok) << out.reason;
      ASSERT_EQ(out.x.n_elem, prob.A.n_cols);
      EXPECT_LT(residual_ratio(prob.A, prob.b, out.x), 30.0L);
      // The same ?getrf + ?getrs on the same A and b as lapack.lu: the interface passes them unchanged.
      EXPECT_TRUE(arma::all(out.x == ref.x)) << "x differs from lapack.lu's";
      ASSERT_TRUE(out.facts.extra.contains("row_swaps")) << out.facts.extra.dump();
      EXPECT_GE(out.facts.extra["row_swaps"].template get<int>(), 0);
      EXPECT_EQ(out.facts.iterations, -1);
      EXPECT_GT(out.timing.factor_s, 0);
    }
  }
}

TEST(Plugin, LuPluginSolvesToTheLapackThresholdInF64) { solves_like_lapack_lu<double>(); }
TEST(Plugin, LuPluginSolvesToTheLapackThresholdInF32) { solves_like_lapack_lu<float>(); }

TEST(Plugin, TimingIsThePluginsOwnOrTheWholeCall) {
  plugin::OpenedPlugin p = plugin::open_plugin(plugin_file("lu"));
  const StoredProblem<double> prob = well_conditioned<double>(ProblemKind::general, 3);
  const SolveOutcome<double> host = find_in(p, "cbtest.lu").solve(SolveInput<double>{prob.A, prob.b, ProblemKind::general});
  EXPECT_EQ(host.facts.extra.value("timed_by", ""), "condbench");
  EXPECT_EQ(host.timing.solve_s, 0);
  const SolveOutcome<double> own =
      find_in(p, "cbtest.lu_timed").solve(SolveInput<double>{prob.A, prob.b, ProblemKind::general});
  EXPECT_FALSE(own.facts.extra.contains("timed_by"));
  EXPECT_GT(own.timing.solve_s, 0);
}

TEST(Plugin, SingularMatrixIsAFailureWithThePluginsReason) {
  plugin::OpenedPlugin p = plugin::open_plugin(plugin_file("lu"));
  arma::mat a(5, 5, arma::fill::ones);
  arma::vec b(5, arma::fill::ones);
  const SolveOutcome<double> out = find_in(p, "cbtest.lu").solve(SolveInput<double>{a, b, ProblemKind::general});
  EXPECT_EQ(out.status, Status::failed);
  EXPECT_NE(out.reason.find("dgetrf info=2"), std::string::npos) << out.reason;
  EXPECT_TRUE(out.x.is_empty());
}

TEST(Plugin, BadReturnDataBecomesAFailedRowSayingWhat) {
  plugin::OpenedPlugin p = plugin::open_plugin(plugin_file("bad"));
  const StoredProblem<double> prob = well_conditioned<double>(ProblemKind::general, 5);
  const std::map<std::string, std::string> expected = {
      {"cbbad.status_out_of_range", "status 7 (not 0 ok, 1 failed or 2 skipped)"},
      {"cbbad.failed_without_reason", "status failed without a reason"},
      {"cbbad.nan_in_x", "non-finite result"},
      {"cbbad.x_partly_written", "non-finite result"},
      {"cbbad.too_many_facts", "fact_count = 17"},
      {"cbbad.bad_fact_key", "'Steps' is not a lower_snake_case name"},
      {"cbbad.null_fact_string", "fact 'stop' is a STRING with string_value NULL"},
      {"cbbad.unterminated_text", "the reason in result.text is not NUL-terminated"},
      {"cbbad.timing_longer_than_call", "exceeds the call's wall time"},
      {"cbbad.nan_timing", "factor_seconds = nan"},
      {"cbbad.one_phase_timed", "give both as wall-clock seconds"},
      {"cbbad.bad_iterations", "iterations = -5"},
  };
  ASSERT_EQ(p.solvers.size(), expected.size() + 1);
  for (const auto& [name, says] : expected) {
    const SolveOutcome<double> out = find_in(p, name).solve(SolveInput<double>{prob.A, prob.b, ProblemKind::general});
    EXPECT_EQ(out.status, Status::failed) << name;
    EXPECT_NE(out.reason.find(says), std::string::npos) << name << ": " << out.reason;
  }
  const SolveOutcome<double> skip =
      find_in(p, "cbbad.skip").solve(SolveInput<double>{prob.A, prob.b, ProblemKind::general});
  EXPECT_EQ(skip.status, Status::skipped);
  EXPECT_EQ(skip.reason, "not for this problem");
}

TEST(Plugin, APrecisionItDoesNotTakeIsAFailureNotACall) {
  plugin::OpenedPlugin p = plugin::open_plugin(plugin_file("bad"));
  const Solver& s = find_in(p, "cbbad.nan_in_x");  // f64 only
  EXPECT_NE(s.why_not(ProblemKind::general, Precision::f32).find("no f32 variant"), std::string::npos);
  arma::fmat a(3, 3, arma::fill::eye);
  arma::fvec b(3, arma::fill::ones);
  const SolveOutcome<float> out = s.solve(SolveInput<float>{a, b, ProblemKind::general});
  EXPECT_EQ(out.status, Status::failed);
  EXPECT_NE(out.reason.find("no f32 variant"), std::string::npos) << out.reason;
}

TEST(Plugin, FilesThatCannotBeUsedAreRefusedNamingTheFile) {
  const std::map<std::string, std::string> expected = {
      {"abi_mismatch", "built for plugin ABI 999, this condbench speaks ABI 1"},
      {"no_entry", "no entry point 'condbench_plugin_entry'"},
      {"refuses", "the plugin refuses to load: needs an AVX-512 CPU"},
      {"duplicate_inside", "solver 'cbbroken.b' is defined twice in the plugin"},
      {"null_function", "solver 'cbbroken.a': takes f64 but solve_f64 is NULL"},
      {"bad_name", "solvers[0].name 'Broken Solver' is not a solver name"},
  };
  for (const auto& [file, says] : expected) {
    const std::string real = fs::canonical(plugin_file(file)).string();
    const std::string msg = open_error(plugin_file(file));
    EXPECT_EQ(msg.rfind(real + ": ", 0), 0u) << file << ": " << msg;
    EXPECT_NE(msg.find(says), std::string::npos) << file << ": " << msg;
  }
}

TEST(Plugin, MissingAndNonLibraryFilesAreRefused) {
  EXPECT_NE(open_error("/nonexistent/libx.so").find("/nonexistent/libx.so: no such plugin file"), std::string::npos);
  const fs::path text = fs::temp_directory_path() / ("not_a_plugin_" + std::to_string(::getpid()) + ".so");
  std::ofstream(text) << "not an ELF file\n";
  const std::string msg = open_error(text.string());
  EXPECT_NE(msg.find("cannot load"), std::string::npos) << msg;
  EXPECT_NE(msg.find(text.string()), std::string::npos) << msg;
  fs::remove(text);
}

TEST(Plugin, ADuplicateNameRegistersNothingOfThePlugin) {
  SolverRegistry registry;
  plugin::OpenedPlugin lu = plugin::open_plugin(plugin_file("lu"));
  plugin::register_solvers(lu, registry);
  ASSERT_NE(registry.find("cbtest.lu"), nullptr);
  plugin::OpenedPlugin dup = plugin::open_plugin(plugin_file("duplicate_plugin"));  // cbtest.lu and cbbroken.b
  try {
    plugin::register_solvers(dup, registry);
    FAIL() << "registered a duplicate";
  } catch (const plugin::PluginError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(fs::canonical(plugin_file("duplicate_plugin")).string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("solver 'cbtest.lu' is already defined (plugin " + lu.info.path), std::string::npos) << msg;
  }
  EXPECT_EQ(registry.find("cbbroken.b"), nullptr);
  EXPECT_EQ(registry.names().size(), 2u);
}

TEST(Plugin, TheBuildExportsOnlyTheEntryPoint) {
  for (const char* name : {"lu", "bad"}) {
    FILE* f = popen(("nm -D --defined-only '" + plugin_file(name) + "'").c_str(), "r");
    ASSERT_NE(f, nullptr);
    std::array<char, 512> buf{};
    std::vector<std::string> symbols;
    while (fgets(buf.data(), buf.size(), f)) symbols.emplace_back(buf.data());
    ASSERT_EQ(pclose(f), 0) << "nm failed";
    ASSERT_EQ(symbols.size(), 1u) << name;
    EXPECT_NE(symbols[0].find(" T condbench_plugin_entry"), std::string::npos) << symbols[0];
  }
}

}  // namespace
}  // namespace condbench::testing
