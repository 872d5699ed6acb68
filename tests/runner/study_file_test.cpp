// Study files: every bad input gets one message naming file, line and key.
#include "studies/runner/input_error.hpp"
#include "studies/runner/study.hpp"

#include <gtest/gtest.h>

#include <string>

using condbench::InputError;
using condbench::parse_study;

namespace {

const char* kHeader = R"([study]
name = "t"
seeds = [1, 2]
precisions = ["f32", "f64"]
solvers = ["lapack.lu", "lapack.qr"]
)";

std::string error_of(const std::string& text) {
  try {
    parse_study(text, "bad.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string with_problem(const std::string& problem) { return std::string(kHeader) + "\n[[problem]]\n" + problem; }

}  // namespace

TEST(StudyFile, ValidStudyExpandsTheCartesianProduct) {
  auto s = parse_study(with_problem("generator = \"randsvd\"\nn = [10, 20]\nkind = [\"general\", \"spd\"]\n"
                                    "kappa = [1e2, 1e4, 1e8]\n"),
                       "ok.toml");
  EXPECT_EQ(s.problems.size(), 2u * 2u * 3u);
  EXPECT_EQ(s.case_count(), 2u * 2u * 3u * 2u);
  EXPECT_EQ(s.solvers.size(), 2u);
  EXPECT_EQ(s.precisions.size(), 2u);
}

TEST(StudyFile, LogRangeGivesOneValuePerDecadeInclusive) {
  auto s = parse_study(with_problem("generator = \"randsvd\"\nn = 10\nkappa = { from = 1, to = 1e4 }\n"), "ok.toml");
  ASSERT_EQ(s.problems.size(), 5u);
  std::vector<double> k;
  for (const auto& p : s.problems) k.push_back(std::get<double>(p.params.at("kappa")));
  std::sort(k.begin(), k.end());
  EXPECT_EQ(k, (std::vector<double>{1, 10, 100, 1000, 10000}));
}

TEST(StudyFile, LeastSquaresDefaultsToTwiceAsManyRows) {
  auto s = parse_study(with_problem("generator = \"randsvd\"\nn = 10\nkind = \"least_squares\"\nkappa = 10\n"),
                       "ok.toml");
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].m, 20);
  EXPECT_EQ(s.problems[0].n, 10);
}

TEST(StudyFile, MalformedTomlNamesFileAndLine) {
  std::string e = error_of("[study]\nname = \"x\"\nseeds = [1, 2\n");
  EXPECT_NE(e.find("bad.toml:"), std::string::npos) << e;
  EXPECT_NE(e.find("malformed TOML"), std::string::npos) << e;
}

TEST(StudyFile, MissingStudyTable) {
  EXPECT_NE(error_of("[[problem]]\ngenerator = \"randsvd\"\n").find("missing [study]"), std::string::npos);
}

TEST(StudyFile, UnknownSolverListsTheKnownOnes) {
  std::string text = kHeader;
  text.replace(text.find("\"lapack.qr\""), 11, "\"lapack.lux\"");
  std::string e = error_of(text + "\n[[problem]]\ngenerator = \"randsvd\"\nn = 4\nkappa = 10\n");
  EXPECT_NE(e.find("bad.toml:5"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown solver 'lapack.lux'"), std::string::npos) << e;
  EXPECT_NE(e.find("lapack.lu,"), std::string::npos) << e;
}

TEST(StudyFile, UnknownGeneratorListsTheKnownOnes) {
  std::string e = error_of(with_problem("generator = \"randsv\"\nn = 4\n"));
  EXPECT_NE(e.find("bad.toml:8"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown generator 'randsv'"), std::string::npos) << e;
  EXPECT_NE(e.find("randsvd"), std::string::npos) << e;
}

TEST(StudyFile, NonPositiveSizeIsRejectedWithItsLine) {
  std::string e = error_of(with_problem("generator = \"randsvd\"\nn = 0\nkappa = 10\n"));
  EXPECT_NE(e.find("bad.toml:9"), std::string::npos) << e;
  EXPECT_NE(e.find("'n' = 0 is impossible"), std::string::npos) << e;
}

TEST(StudyFile, KappaBelowOneNamesKeyAndValue) {
  std::string e = error_of(with_problem("generator = \"randsvd\"\nn = 4\nkappa = 0.5\n"));
  EXPECT_NE(e.find("bad.toml:10"), std::string::npos) << e;
  EXPECT_NE(e.find("kappa = 0.5"), std::string::npos) << e;
}

TEST(StudyFile, SizeThatCannotFitInMemoryIsRejected) {
  std::string e = error_of(with_problem("generator = \"randsvd\"\nn = 900000\nkappa = 10\n"));
  EXPECT_NE(e.find("memory"), std::string::npos) << e;
}

TEST(StudyFile, UnknownKeysAndPrecisionsAreRejected) {
  std::string text = kHeader;
  EXPECT_NE(error_of(text + "colour = 1\n[[problem]]\ngenerator = \"randsvd\"\nn = 4\nkappa = 10\n")
                .find("unknown key 'colour'"),
            std::string::npos);
  text.replace(text.find("\"f32\""), 5, "\"f16\"");
  std::string e = error_of(text + "[[problem]]\ngenerator = \"randsvd\"\nn = 4\nkappa = 10\n");
  EXPECT_NE(e.find("unknown precision 'f16'"), std::string::npos) << e;
  EXPECT_NE(e.find("bad.toml:4"), std::string::npos) << e;
}

TEST(StudyFile, UnknownGeneratorParameterIsNamed) {
  std::string e = error_of(with_problem("generator = \"randsvd\"\nn = 4\nkappa = 10\nkapa = 3\n"));
  EXPECT_NE(e.find("kapa"), std::string::npos) << e;
  EXPECT_NE(e.find("bad.toml:11"), std::string::npos) << e;
}

TEST(StudyFile, NoProblemsIsAnError) {
  EXPECT_NE(error_of(kHeader).find("no [[problem]]"), std::string::npos);
}
