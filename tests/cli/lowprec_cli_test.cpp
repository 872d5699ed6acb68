// The refinement solvers as users meet them: `condbench list solvers` documents the ir.* grammar and lists the
// default set; the shipped Carson & Higham study is valid and has the set-up the issue asks for.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/run_binary.hpp"

namespace {

using Result = condbench::test::CommandResult;
Result run(const std::string& args) { return condbench::test::run_condbench(args); }

TEST(CliLowPrecision, ListSolversDocumentsTheRefinementGrammarAndDefaults) {
  const Result r = run("list solvers");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("solver families"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  ir.lu:uf=<fp16|bf16|tf32|f32|f64>:ur=<f32|f64|dd|quad>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  ir.gmres:uf=<fp16|bf16|tf32|f32|f64>:ur=<f32|f64|dd|quad>[:up="), std::string::npos);
  for (const char* name : {"ir.lu:uf=fp16:ur=f32 ", "ir.lu:uf=bf16:ur=quad ", "ir.gmres:uf=f32:ur=quad "})
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
}

TEST(CliLowPrecision, TheCarsonHighamStudyHasItsSetUp) {
  const Result r = run("list studies");
  ASSERT_EQ(r.code, 0) << r.out;
  // 33 kappas (1 ... 1e16 by half decades) x 2 modes x 3 seeds.
  const auto at = r.out.find("ir3_carson_higham.toml");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_NE(r.out.substr(at, 200).find(" 198 cases"), std::string::npos) << r.out.substr(at, 200);
}

}  // namespace
