// [[stack]] tables: stacks become solvers lapack.<method>@<stack>, '@' patterns expand over the study's stacks,
// and every bad entry is one message naming file:line:column and the key.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "studies/runner/input_error.hpp"
#include "studies/runner/stacks.hpp"
#include "studies/runner/study.hpp"

namespace condbench {
namespace {

const char* kProblem = R"(
[[problem]]
generator = "randsvd"
n = 10
kind = "general"
kappa = 10
)";

std::string study(const std::string& solvers, const std::string& stacks) {
  return "[study]\nname = \"t\"\nseeds = [1]\nprecisions = [\"f64\"]\nsolvers = " + solvers + "\n" + stacks + kProblem;
}

std::string error_of(const std::string& text) {
  try {
    parse_study(text, "bad.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<std::string> names(const Study& s) {
  std::vector<std::string> v;
  for (const Solver* x : s.solvers) v.push_back(x->info().name);
  return v;
}

const char* kTwoStacks = R"(
[[stack]]
name = "netlib"
[[stack]]
name = "blis"
)";

TEST(StackTable, AtPatternsExpandOverTheStudysStacks) {
  Study s = parse_study(study(R"(["lapack.lu", "lapack.lu@*", "lapack.q*@blis"])", kTwoStacks), "ok.toml");
  EXPECT_EQ(s.stacks, (std::vector<std::string>{"netlib", "blis"}));
  EXPECT_EQ(names(s), (std::vector<std::string>{"lapack.lu", "lapack.lu@netlib", "lapack.lu@blis", "lapack.qr@blis"}));
  Study all = parse_study(study(R"(["lapack.*@*"])", kTwoStacks), "ok.toml");
  EXPECT_EQ(all.solvers.size(), 12u);  // six methods on two stacks
}

TEST(StackTable, PlainPatternsNeverPickUpStackSolvers) {
  parse_study(study(R"(["lapack.*@*"])", kTwoStacks), "ok.toml");  // now registered in this process
  Study s = parse_study(study(R"(["lapack.*"])", ""), "ok.toml");
  for (const std::string& n : names(s)) EXPECT_EQ(n.find('@'), std::string::npos) << n;
  EXPECT_TRUE(s.stacks.empty());
}

TEST(StackTable, RunJsonDescribesEachStack) {
  Study s = parse_study(study(R"(["lapack.lu@*"])", kTwoStacks +
                                                         std::string("[[stack]]\nname = \"gone\"\nblas = "
                                                                     "\"/nonexistent/libblas.so.3\"\n")),
                        "ok.toml");
  const nlohmann::ordered_json j = stacks_json(s);
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["name"], "netlib");
  EXPECT_EQ(j[0]["available"], true);
  EXPECT_EQ(j[1]["dgemm_from"], "/usr/lib/x86_64-linux-gnu/blis-pthread/libblas.so.3");
  EXPECT_EQ(j[2]["available"], false);
  EXPECT_EQ(j[2]["unavailable"], "/nonexistent/libblas.so.3: no such file");
  EXPECT_EQ(j[2]["where"], "ok.toml:11:1");
}

TEST(StackTable, ThreadsDefaultToTheStudysOrOne) {
  Study one = parse_study(study(R"(["lapack.lu@*"])", "[[stack]]\nname = \"netlib\"\n"), "ok.toml");
  EXPECT_EQ(stacks_json(one)[0]["threads_requested"], 1);
  std::string text = study(R"(["lapack.lu@*"])", "[[stack]]\nname = \"openblas-pthread\"\nthreads = 2\n");
  Study two = parse_study(text, "ok.toml");
  EXPECT_EQ(stacks_json(two)[0]["threads_requested"], 2);
  EXPECT_EQ(stacks_json(two)[0]["threads"], 2);  // what OpenBLAS in that namespace reports
}

TEST(StackTable, BadEntriesNameFileLineAndKey) {
  EXPECT_EQ(error_of(study(R"(["lapack.lu"])", "[[stack]]\nname = \"netlib\"\nblsa = \"x\"\n")),
            "bad.toml:8:8: [[stack]] #1 'netlib': unknown key 'blsa' (known: blas, lapack, name, threads)");
  EXPECT_EQ(error_of(study(R"(["lapack.lu"])", "[[stack]]\nname = \"mine\"\nblas = \"openbals\"\n"))
                .rfind("bad.toml:8:8: [[stack]] #1 'mine': 'blas': unknown blas 'openbals': known shorthands are netlib", 0),
            0u);
  EXPECT_EQ(error_of(study(R"(["lapack.lu"])", "[[stack]]\nname = \"mine\"\n")).rfind("bad.toml:6:1: [[stack]] #1 "
                                                                                     "'mine': 'blas': stack 'mine' "
                                                                                     "needs 'blas'",
                                                                                     0),
            0u);
  EXPECT_EQ(error_of(study(R"(["lapack.lu"])", "[[stack]]\nname = \"x\"\nblas = \"netlib\"\nlapack = \"blis\"\n"))
                .rfind("bad.toml:9:10: [[stack]] #1 'x': 'lapack': unknown lapack 'blis'", 0),
            0u);
  EXPECT_EQ(error_of(study(R"(["lapack.lu"])", "[[stack]]\nname = \"netlib\"\nthreads = -2\n")),
            "bad.toml:8:11: [[stack]] #1 'netlib': 'threads' must be an integer from 0 (the library's default) to "
            "1000");
  EXPECT_EQ(error_of(study(R"(["lapack.lu"])", "[[stack]]\nname = \"netlib\"\n[[stack]]\nname = \"netlib\"\n")),
            "bad.toml:9:8: stack 'netlib' is defined twice (first at bad.toml:6:1)");
  EXPECT_EQ(error_of("stack = \"netlib\"\n" + study(R"(["lapack.lu"])", "")),
            "bad.toml:1:9: 'stack' must be an array of tables ([[stack]])");
  EXPECT_EQ(error_of(study(R"(["lapack.lu"])", "[[stack]]\nname = 3\n")),
            "bad.toml:7:8: [[stack]] #1: 'name' must be a non-empty string");
}

TEST(StackTable, SolverNamesThatNeedAStackSayWhich) {
  EXPECT_EQ(error_of(study(R"(["lapack.lu@*"])", "")),
            "bad.toml:5:11: solver 'lapack.lu@*': the study has no [[stack]] table: define the stacks 'lapack.lu@*' "
            "runs on");
  EXPECT_EQ(error_of(study(R"(["lapack.lu@atlas"])", kTwoStacks)),
            "bad.toml:5:11: solver 'lapack.lu@atlas': no stack 'atlas' in this study's [[stack]] tables");
  EXPECT_NE(error_of(study(R"(["lapack.nope@netlib"])", kTwoStacks)).find("not a LAPACK method that runs on stacks"),
            std::string::npos);
}

}  // namespace
}  // namespace condbench
