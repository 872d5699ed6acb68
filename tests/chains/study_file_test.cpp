// Chain study files: expansion, and every bad key or value named by file:line:column.
#include "studies/chains/chain_study.hpp"
#include "studies/runner/input_error.hpp"
#include "tests/support/run_binary.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace cb = condbench::chains;
namespace fs = std::filesystem;

namespace {

const std::string kHeader = R"([study]
name = "t"
seeds = [1, 2]
precisions = ["f64"]
methods = ["chain.*"]
)";

// The InputError message of parsing `text` as x.toml (empty when it parses).
std::string error_of(const std::string& text) {
  try {
    cb::parse_chain_study(text, "x.toml");
  } catch (const condbench::InputError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("condbench_chains_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST(ChainStudyFile, ListsAreSweptAndDepthsAreMeasuredOnOneChain) {
  const auto s = cb::parse_chain_study(kHeader + R"(
[[chain]]
width = [16, 32]
depth = { from = 1, to = 5 }
init = ["gaussian", "orthogonal"]
scale = [0.5, 1.0, 2.0]
)",
                                       "x.toml");
  ASSERT_EQ(s.chains.size(), 12u);
  EXPECT_EQ(s.case_count(), 24u);
  EXPECT_EQ(s.chains[0].depths, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(s.chains[0].layers(), 5);
  EXPECT_EQ(s.chains[0].methods.size(), 5u);
  EXPECT_EQ(s.chains[0].where, "x.toml:7:1");
  EXPECT_EQ(s.chains[0].case_id(2), "chain:d16:gaussian:s=0.5:linear:L5:s2");
}

TEST(ChainStudyFile, TablesOverrideSeedsPrecisionsAndMethods) {
  const auto s = cb::parse_chain_study(kHeader + R"(
[[chain]]
width = 8
depth = [3, 1, 3]
seeds = { from = 10, to = 14, step = 2 }
precisions = ["f32"]
methods = "chain.backprop"
reference = "explicit"
)",
                                       "x.toml");
  ASSERT_EQ(s.chains.size(), 1u);
  EXPECT_EQ(s.chains[0].depths, (std::vector<int>{1, 3}));
  EXPECT_EQ(s.chains[0].seeds, (std::vector<std::uint64_t>{10, 12, 14}));
  EXPECT_EQ(s.chains[0].precisions, (std::vector<cb::ChainPrecision>{cb::ChainPrecision::f32}));
  EXPECT_EQ(s.chains[0].methods, (std::vector<std::string>{"chain.backprop"}));
  EXPECT_EQ(s.chains[0].reference, cb::RefRoute::explicit_product);
}

TEST(ChainStudyFile, NegativeWidthNamesFileLineKeyAndValue) {
  const std::string e = error_of(kHeader + "\n[[chain]]\nwidth = -4\ndepth = 3\n");
  EXPECT_TRUE(contains(e, "x.toml:8:9: 'width' = -4 is impossible")) << e;
}

TEST(ChainStudyFile, UnknownInitListsTheKnownOnes) {
  const std::string e = error_of(kHeader + "\n[[chain]]\nwidth = 8\ndepth = 3\ninit = [\"gaussian\", \"kaiming\"]\n");
  EXPECT_TRUE(contains(e, "x.toml:10:21: unknown init \"kaiming\"")) << e;
  EXPECT_TRUE(contains(e, "xavier_uniform")) << e;
}

TEST(ChainStudyFile, EveryOtherBadValueIsNamed) {
  const std::pair<std::string, std::string> cases[] = {
      {"\n[[chain]]\nwidth = 8\ndepth = 0\n", "x.toml:9:9: 'depth' = 0 is impossible"},
      {"\n[[chain]]\nwidth = 8\ndepth = 2.5\n", "'depth' = 2.5 is impossible"},
      {"\n[[chain]]\nwidth = 8\ndepth = 3\nscale = -1.0\n", "x.toml:10:9: 'scale' = -1 is impossible"},
      {"\n[[chain]]\nwidth = 8\ndepth = 3\nactivation = \"gelu\"\n", "unknown activation \"gelu\""},
      {"\n[[chain]]\nwidth = 8\ndepth = 3\nresidual = \"yes\"\n", "'residual' must be true or false"},
      {"\n[[chain]]\nwidth = 8\ndepth = 3\nbias = 0.1\n", "x.toml:10:8: [[chain]] #1: unknown key 'bias'"},
      {"\n[[chain]]\nwidth = 8\ndepth = 3\nmethods = [\"chain.foo\"]\n", "unknown method \"chain.foo\""},
      {"\n[[chain]]\nwidth = 8\ndepth = 3\nreference = \"exact\"\n", "unknown reference \"exact\""},
      {"\n[[chain]]\nwidth = 8\n", "x.toml:7:1: [[chain]] #1 needs 'depth'"},
      {"\n[[chain]]\nwidth = 8\ndepth = { from = 5, to = 2 }\n", "'depth': range from 5 to 2 is empty"},
      {"\n[[chain]]\nwidth = 8\ndepth = 3\nprecisions = [\"fp8\"]\n", "unknown precision \"fp8\" (known: f32, f64, bf16, fp16)"},
      {"\n[[chain]]\nwidth = 8\ndepth = 3\n[[problem]]\nname = \"svd_geo\"\nn = 4\n", "not both"},
      {"\n[[chain]]\nwidth = 100000\ndepth = 3\n", "'width' = 100000 is impossible"},
      {"\n[[chain]]\nwidth = 4096\ndepth = 100000\n", "more than half the physical memory"},
  };
  for (const auto& [tail, want] : cases) {
    const std::string e = error_of(kHeader + tail);
    EXPECT_TRUE(contains(e, want)) << "for\n" << tail << "\ngot: " << e;
  }
  EXPECT_TRUE(contains(error_of("[study]\nname = \"t\"\nsolvers = [\"*\"]\n\n[[chain]]\nwidth = 8\ndepth = 3\n"),
                       "names its 'methods'"));
  EXPECT_TRUE(contains(error_of("[study]\nname = \"t\"\nmethods = [\"chain.*\"]\nprecisions = [\"f64\"]\n"
                                "\n[[chain]]\nwidth = 8\ndepth = 3\n"),
                       "has no seeds"));
}

TEST(ChainStudyFile, TheExecutableRefusesABadChainWithExitCode2AndWritesNothing) {
  const fs::path dir = temp_dir("bad");
  std::ofstream(dir / "bad.toml") << kHeader << "\n[[chain]]\nwidth = -4\ndepth = 3\n";
  const auto r = condbench::test::run_condbench("run bad.toml --out out", dir.string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "condbench: error: bad.toml:8:9: 'width' = -4 is impossible")) << r.out;
  EXPECT_FALSE(fs::exists(dir / "out"));
  // A file with both kinds of tables is refused the same way.
  std::ofstream(dir / "mixed.toml") << kHeader
                                    << "\n[[chain]]\nwidth = 4\ndepth = 3\n\n[[problem]]\nname = "
                                       "\"svd_geo\"\nn = 4\n";
  const auto m = condbench::test::run_condbench("run mixed.toml --out out", dir.string());
  EXPECT_EQ(m.code, 2) << m.out;
  EXPECT_TRUE(contains(m.out, "not both")) << m.out;
  fs::remove_all(dir);
}
