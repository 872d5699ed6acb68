// results.csv read back: every double bit for bit (subnormals and infinities included),
// and RFC 4180 as other tools write it (CRLF, a byte order mark, quoted line breaks).
#include "studies/runner/input_error.hpp"
#include "studies/runner/results.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <regex>

using namespace condbench;

namespace {

ResultRow sample() {
  ResultRow r;
  r.case_id = "randsvd:kappa=1e+10:a,b:12x12:s1";
  r.solver = "lapack.lu";
  r.precision = "f64";
  r.status = "ok";
  r.note = "a note with \"quotes\", commas";
  r.kappa = 1e10;
  r.residual_norm = 1.8107328873548584e-309;  // subnormal: std::stod would throw on it
  r.forward_error = 0x1p-1074;
  r.backward_error = INFINITY;
  r.componentwise_backward_error = -INFINITY;
  r.ls_residual_ratio = NAN;
  r.time_s = 1.0 / 3;
  r.facts = R"({"steps":3,"stop":"converged"})";
  return r;
}

std::string header() {
  std::string h;
  for (const auto& c : result_columns()) h += (h.empty() ? "" : ",") + c;
  return h + "\n";
}

}  // namespace

TEST(ResultsCsv, EveryDoubleRoundTripsBitForBit) {
  const ResultRow r = sample();
  const auto back = parse_results_csv(header() + format_row(r), "mem").at(0);
  EXPECT_EQ(std::bit_cast<std::uint64_t>(back.residual_norm), std::bit_cast<std::uint64_t>(r.residual_norm));
  EXPECT_EQ(back.forward_error, 0x1p-1074);
  EXPECT_EQ(back.time_s, 1.0 / 3);
  EXPECT_EQ(back.backward_error, INFINITY);
  EXPECT_EQ(back.componentwise_backward_error, -INFINITY);
  EXPECT_TRUE(std::isnan(back.ls_residual_ratio));
  EXPECT_EQ(back.note, r.note);
  EXPECT_EQ(back.facts, r.facts);
  EXPECT_EQ(back.case_id, r.case_id);
}

TEST(ResultsCsv, ReadsCrlfByteOrderMarkAndLineBreaksInsideQuotes) {
  std::string text = "\xEF\xBB\xBF" + header() + format_row(sample());
  text = std::regex_replace(text, std::regex("\n"), "\r\n");
  text = std::regex_replace(text, std::regex("commas"), "commas\r\nand a second line");
  const auto back = parse_results_csv(text, "mem").at(0);
  EXPECT_EQ(back.note, "a note with \"quotes\", commas\r\nand a second line");
  EXPECT_EQ(back.kappa_time_s, sample().kappa_time_s);
  EXPECT_EQ(back.case_id, sample().case_id);
}

TEST(ResultsCsv, BadInputNamesTheLineAndColumn) {
  std::string bad = header() + std::regex_replace(format_row(sample()), std::regex("f64,lapack.lu,ok"), "f64,lapack.lu,fine");
  try {
    parse_results_csv(bad, "results.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("results.csv:2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_results_csv(header() + "\"unterminated,quote\n", "results.csv"), InputError);
  EXPECT_THROW(parse_results_csv(header() + "1,2,3\n", "results.csv"), InputError);
}
