// Matrix Market reading and writing, and the mtx generator.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <unistd.h>

#include "studies/generators/construct.hpp"
#include "studies/generators/generator.hpp"
#include "studies/generators/matrix_market.hpp"

namespace condbench {
namespace {

namespace fs = std::filesystem;

std::string data(const std::string& name) { return std::string(CONDBENCH_SOURCE_DIR) + "/tests/data/mtx/" + name; }
fs::path temp(const std::string& name) {
  return fs::temp_directory_path() / (name + std::to_string(::getpid()) + ".mtx");
}

std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }

TEST(MatrixMarket, WriteThenReadIsBitForBitIncludingSubnormalsAndNegativeZero) {
  const double tiny = std::numeric_limits<double>::denorm_min();
  arma::mat A = {{1.0 / 3, -0.0, tiny, -tiny * 12345},
                 {std::numeric_limits<double>::max(), -std::numeric_limits<double>::min(), 0.1, M_PI},
                 {1e-310, 2.2250738585072009e-308, -1.0000000000000002, 6.02214076e23}};
  arma::arma_rng::set_seed(7);
  arma::mat R(5, 4, arma::fill::randn);
  R %= arma::exp(arma::mat(5, 4, arma::fill::randn) * 15);  // a wide exponent range (e^(+-15 * 4))
  A = arma::join_cols(A, R);
  const fs::path f = temp("roundtrip");
  mm::write_matrix_market(f.string(), A, {"a comment"});
  const mm::MatrixFile back = mm::read_matrix_market(f.string());
  ASSERT_EQ(back.A.n_rows, A.n_rows);
  ASSERT_EQ(back.A.n_cols, A.n_cols);
  for (arma::uword k = 0; k < A.n_elem; ++k) EXPECT_EQ(bits(back.A[k]), bits(A[k])) << k << ": " << A[k];
  EXPECT_TRUE(std::signbit(back.A(0, 1)));
  // float data widened to double round-trips too (the float32 export)
  arma::fmat F = arma::conv_to<arma::fmat>::from(R);
  mm::write_matrix_market(f.string(), arma::conv_to<arma::mat>::from(F));
  const arma::fmat G = arma::conv_to<arma::fmat>::from(mm::read_matrix_market(f.string()).A);
  for (arma::uword k = 0; k < F.n_elem; ++k)
    EXPECT_EQ(std::bit_cast<std::uint32_t>(G[k]), std::bit_cast<std::uint32_t>(F[k]));
  fs::remove(f);
}

TEST(MatrixMarket, ReadsEveryDecimalSpellingStrtodTakesWithLfOrCrlf) {
  // What C's strtod and other Matrix Market readers take: no digit before or after the
  // point, a sign, an exponent in either case.
  for (const char* eol : {"\n", "\r\n"}) {
    std::string text = std::string("%%MatrixMarket matrix array real general") + eol + "7 1" + eol;
    for (const char* v : {".0", "0.", "-.5", "+.5e1", ".5E+2", "1e-3", "-0."}) text += std::string(v) + eol;
    auto f = mm::parse_matrix_market(text, "spellings.mtx");
    const arma::vec expect{0.0, 0.0, -0.5, 5.0, 50.0, 1e-3, -0.0};
    ASSERT_EQ(f.A.n_elem, 7u);
    for (arma::uword k = 0; k < 7; ++k) EXPECT_EQ(f.A[k], expect[k]) << k << (eol[0] == '\r' ? " crlf" : " lf");
    EXPECT_TRUE(std::signbit(f.A[6]));
  }
}

TEST(MatrixMarket, ReadsDenseColumnMajor) {
  const mm::MatrixFile f = mm::read_matrix_market(data("dense_general.mtx"));
  const arma::mat expect = {{4, 2, 0}, {-1, 5, 1}, {0.5, -1.25, 3}};
  EXPECT_EQ(f.header.format, mm::Format::array);
  EXPECT_TRUE(arma::approx_equal(f.A, expect, "absdiff", 0));
}

TEST(MatrixMarket, ReadsSymmetricCoordinateMirrored) {
  const mm::MatrixFile f = mm::read_matrix_market(data("sym_tridiag.mtx"));
  const arma::mat expect = {{2, -1, 0, 0}, {-1, 2, -1, 0}, {0, -1, 2, -1}, {0, 0, -1, 2}};
  EXPECT_EQ(f.header.symmetry, mm::Symmetry::symmetric);
  EXPECT_TRUE(arma::approx_equal(f.A, expect, "absdiff", 0));
}

TEST(MatrixMarket, ReadsIntegerCoordinateRectangular) {
  const mm::MatrixFile f = mm::read_matrix_market(data("rect_int.mtx"));
  arma::mat expect(5, 3, arma::fill::zeros);
  expect(0, 0) = 3, expect(1, 0) = 1, expect(1, 1) = -2, expect(2, 1) = 4, expect(3, 2) = 5, expect(4, 0) = -1,
  expect(4, 2) = 2;
  EXPECT_EQ(f.header.field, mm::Field::integer);
  EXPECT_TRUE(arma::approx_equal(f.A, expect, "absdiff", 0));
}

TEST(MatrixMarket, ReadsSymmetricAndSkewArraysAndPattern) {
  // symmetric array: lower triangle by columns
  mm::MatrixFile s = mm::parse_matrix_market("%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n",
                                             "s.mtx");
  EXPECT_TRUE(arma::approx_equal(s.A, arma::mat{{1, 2, 3}, {2, 4, 5}, {3, 5, 6}}, "absdiff", 0));
  // skew-symmetric array: strictly lower triangle
  mm::MatrixFile k = mm::parse_matrix_market("%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n", "k.mtx");
  EXPECT_TRUE(arma::approx_equal(k.A, arma::mat{{0, -1, -2}, {1, 0, -3}, {2, 3, 0}}, "absdiff", 0));
  mm::MatrixFile kc = mm::parse_matrix_market(
      "%%MatrixMarket matrix coordinate real skew-symmetric\n% c\n\n3 3 2\n2 1 1.5\n3 2 -2\n", "kc.mtx");
  EXPECT_TRUE(arma::approx_equal(kc.A, arma::mat{{0, -1.5, 0}, {1.5, 0, 2}, {0, -2, 0}}, "absdiff", 0));
  mm::MatrixFile p = mm::parse_matrix_market("%%MatrixMarket matrix coordinate pattern general\n2 3 2\n1 3\n2 1\n",
                                             "p.mtx");
  EXPECT_TRUE(arma::approx_equal(p.A, arma::mat{{0, 0, 1}, {1, 0, 0}}, "absdiff", 0));
  // CRLF line ends and upper-case banner words
  mm::MatrixFile c = mm::parse_matrix_market("%%MatrixMarket MATRIX Array Real General\r\n1 2\r\n7\r\n-8\r\n", "c.mtx");
  EXPECT_TRUE(arma::approx_equal(c.A, arma::mat{{7, -8}}, "absdiff", 0));
}

struct Bad {
  const char* text;
  long line;
  const char* says;
};

class MatrixMarketBad : public ::testing::TestWithParam<Bad> {};

TEST_P(MatrixMarketBad, NamesFileAndLine) {
  const Bad b = GetParam();
  try {
    mm::parse_matrix_market(b.text, "bad.mtx");
    FAIL() << "accepted: " << b.text;
  } catch (const mm::MatrixMarketError& e) {
    EXPECT_EQ(e.line(), b.line) << e.what();
    EXPECT_EQ(e.file(), "bad.mtx");
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("bad.mtx:" + std::to_string(b.line) + ": ", 0), 0u) << what;
    EXPECT_NE(what.find(b.says), std::string::npos) << what;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Files, MatrixMarketBad,
    ::testing::Values(
        Bad{"", 1, "empty file"}, Bad{"3 3\n1\n", 1, "first line must start with '%%MatrixMarket'"},
        Bad{"%%MatrixMarket matrix array real\n1 1\n1\n", 1, "banner needs 4 words"},
        Bad{"%%MatrixMarket matrix array complex general\n1 1\n1 0\n", 1, "complex"},
        Bad{"%%MatrixMarket matrix dense real general\n1 1\n1\n", 1, "format 'dense'"},
        Bad{"%%MatrixMarket vector array real general\n1 1\n1\n", 1, "object 'vector'"},
        Bad{"%%MatrixMarket matrix array real general\n% only comments\n", 3, "before the size line"},
        Bad{"%%MatrixMarket matrix array real general\n2 x\n", 2, "column count 'x' is not an integer"},
        Bad{"%%MatrixMarket matrix array real general\n2 2 4\n", 2, "size line must have 2 integers"},
        Bad{"%%MatrixMarket matrix array real symmetric\n2 3\n", 2, "must be square"},
        Bad{"%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n", 6, "ends after 3 of the 4"},
        Bad{"%%MatrixMarket matrix array real general\n2 2\n1\nnan\n0\n1\n", 4, "not finite"},
        Bad{"%%MatrixMarket matrix array real general\n2 2\n1\n2\n-Inf\n1\n", 5, "not finite"},
        Bad{"%%MatrixMarket matrix array real general\n1 2\n1\n1e999\n", 4, "not finite"},
        Bad{"%%MatrixMarket matrix array real general\n1 2\n1.5x\n2\n", 3, "'1.5x' is not a number"},
        Bad{"%%MatrixMarket matrix array real general\n1 2\n1 2\n", 3, "one value per line"},
        Bad{"%%MatrixMarket matrix array integer general\n1 2\n1\n2.5\n", 4, "not an integer"},
        Bad{"%%MatrixMarket matrix array integer general\n1 1\n9007199254740993\n", 3, "beyond 2^53"},
        Bad{"%%MatrixMarket matrix array real general\n1 1\n1\n2\n", 4, "more data than the 1"},
        Bad{"%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n3 1 1\n", 4, "index (3, 1) is out of range"},
        Bad{"%%MatrixMarket matrix coordinate real general\n2 2 1\n0 1 1\n", 3, "index (0, 1) is out of range"},
        Bad{"%%MatrixMarket matrix coordinate real general\n2 2 2\n1 2 1\n1 2 5\n", 4, "first given at line 3"},
        Bad{"%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n2 1 1\n1 2 5\n", 4, "its mirror"},
        Bad{"%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n1 1 5\n", 3, "diagonal entry"},
        Bad{"%%MatrixMarket matrix coordinate real general\n2 2 5\n", 2, "entry count 5 is outside"},
        Bad{"%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n", 4, "ends after 1 of the 2"},
        Bad{"%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1\n", 3, "row column value"}));

TEST(MatrixMarket, MissingFileNamesIt) {
  try {
    mm::read_matrix_market("/nonexistent/x.mtx");
    FAIL();
  } catch (const mm::MatrixMarketError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.mtx: cannot open"), std::string::npos) << e.what();
  }
}

// ------------------------------------------------------------------ the mtx generator

const Generator& mtx() {
  const Generator* g = GeneratorRegistry::instance().find("mtx");
  EXPECT_NE(g, nullptr);
  return *g;
}

TEST(MtxGenerator, SquareFileGivesGeneralWithBEqualToAccurateProduct) {
  const ParamMap p{{"file", data("dense_general.mtx")}, {"x_true", std::string("ones")}};
  EXPECT_EQ(mtx().default_m(p, 3), 3);
  EXPECT_FALSE(mtx().validate(p, 3, 3).has_value());
  const Problem pr = mtx().generate(p, 3, 3, 1);
  EXPECT_EQ(pr.kind, ProblemKind::general);
  const arma::mat expect = {{4, 2, 0}, {-1, 5, 1}, {0.5, -1.25, 3}};
  EXPECT_TRUE(arma::approx_equal(pr.A, expect, "absdiff", 0));
  EXPECT_TRUE(arma::approx_equal(pr.x_true, arma::vec(3, arma::fill::ones), "absdiff", 0));
  EXPECT_TRUE(arma::approx_equal(pr.b, arma::vec{6, 5, 2.25}, "absdiff", 0));  // exact row sums
  EXPECT_EQ(pr.case_id, "mtx:file=" + data("dense_general.mtx") + ":kind=general:x_true=ones:3x3:s1");
  EXPECT_TRUE(std::isnan(pr.kappa_nominal));
  // random x_true: reproducible per seed, different across seeds
  const ParamMap r{{"file", data("dense_general.mtx")}};
  const Problem a = mtx().generate(r, 3, 3, 1), b = mtx().generate(r, 3, 3, 1), c = mtx().generate(r, 3, 3, 2);
  EXPECT_TRUE(arma::approx_equal(a.b, b.b, "absdiff", 0));
  EXPECT_FALSE(arma::approx_equal(a.x_true, c.x_true, "absdiff", 0));
  EXPECT_TRUE(arma::approx_equal(a.b, accurate_matvec(a.A, a.x_true), "absdiff", 0));
}

TEST(MtxGenerator, ShapeDecidesKindAndMDefaultsToTheFileRows) {
  const ParamMap p{{"file", data("rect_int.mtx")}};
  EXPECT_EQ(mtx().default_m(p, 3), 5);
  EXPECT_FALSE(mtx().validate(p, 5, 3).has_value());
  const Problem pr = mtx().generate(p, 5, 3, 4);
  EXPECT_EQ(pr.kind, ProblemKind::least_squares);
  EXPECT_EQ(pr.x_true.n_elem, 3u);
  EXPECT_TRUE(pr.zero_residual);
}

TEST(MtxGenerator, SpdNeedsSymmetricAndRhsFileIsUsed) {
  EXPECT_FALSE(mtx().validate({{"file", data("sym_tridiag.mtx")}, {"kind", std::string("spd")}}, 4, 4).has_value());
  auto err = mtx().validate({{"file", data("dense_general.mtx")}, {"kind", std::string("spd")}}, 3, 3);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->key, "kind");
  EXPECT_NE(err->message.find("not symmetric"), std::string::npos) << err->message;

  const ParamMap p{{"file", data("dense_general.mtx")}, {"rhs", data("rhs3.mtx")}};
  const Problem pr = mtx().generate(p, 3, 3, 1);
  EXPECT_TRUE(arma::approx_equal(pr.b, arma::vec{1, 0.25, -3}, "absdiff", 0));
  EXPECT_TRUE(pr.x_true.is_empty());
  err = mtx().validate({{"file", data("dense_general.mtx")}, {"rhs", data("rect_int.mtx")}}, 3, 3);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->key, "rhs");
}

TEST(MtxGenerator, MismatchedSizeAndBadFilesAreParamErrors) {
  auto err = mtx().validate({{"file", data("dense_general.mtx")}}, 4, 4);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->key, "n");
  EXPECT_NE(err->message.find("set n = 3"), std::string::npos) << err->message;
  err = mtx().validate({{"file", data("dense_general.mtx")}}, 2, 3);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->key, "m");
  err = mtx().validate({{"file", data("rect_int.mtx")}, {"kind", std::string("general")}}, 5, 3);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->key, "kind");
  EXPECT_NE(err->message.find("square"), std::string::npos) << err->message;
  err = mtx().validate({{"file", data("bad_nan.mtx")}}, 2, 2);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->key, "file");
  EXPECT_NE(err->message.find("bad_nan.mtx:4:"), std::string::npos) << err->message;
  err = mtx().validate({{"file", std::string("/nonexistent.mtx")}}, 2, 2);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->key, "file");
  err = mtx().validate({{"file", data("dense_general.mtx")}, {"nope", 1.0}}, 3, 3);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->key, "nope");
}

}  // namespace
}  // namespace condbench
