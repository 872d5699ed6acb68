// The numbers a report states: slopes, the kappa of the last digit, digits per range.
#include "reports/report/analysis.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace cr = condbench::report;
using condbench::ResultRow;

namespace {

ResultRow row(double kappa, double fe, const std::string& status = "ok", const std::string& precision = "f64") {
  ResultRow r;
  r.solver = "s";
  r.problem = "svd_geo";
  r.precision = precision;
  r.status = status;
  r.kappa = r.kappa_nominal = kappa;
  r.forward_error = status == "ok" ? fe : std::nan("");
  return r;
}

std::vector<const ResultRow*> ptrs(const std::vector<ResultRow>& rows) {
  std::vector<const ResultRow*> p;
  for (const auto& r : rows) p.push_back(&r);
  return p;
}

}  // namespace

TEST(Analysis, FitRecoversSlopeOneAndTwoAndIgnoresTheFloorAndSaturation) {
  const double u = cr::unit_roundoff("f64");
  for (double power : {1.0, 2.0}) {
    std::vector<ResultRow> rows;
    int inside = 0;
    for (int e = 0; e <= 16; ++e) {
      double k = std::pow(10.0, e);
      // Below 10u the error sits at the floor, above 0.1 it saturates near 1:
      // neither may bend the fitted slope.
      double fe = std::clamp(3 * u * std::pow(k, power), u, 1.0);
      rows.push_back(row(k, fe));
      inside += fe > 10 * u && fe < 0.1;
    }
    auto fit = cr::fit_slope(ptrs(rows), u);
    ASSERT_TRUE(fit.has_value()) << power;
    EXPECT_NEAR(fit->slope, power, 1e-9);
    EXPECT_NEAR(fit->intercept, std::log10(3 * u), 1e-9);
    EXPECT_EQ(fit->points, inside);
  }
}

TEST(Analysis, FitNeedsThreeErrorsOverADecadeOfKappa) {
  const double u = cr::unit_roundoff("f64");
  std::vector<ResultRow> two{row(1e4, 1e-12), row(1e6, 1e-10)};
  EXPECT_FALSE(cr::fit_slope(ptrs(two), u));
  std::vector<ResultRow> narrow{row(1e4, 1e-12), row(2e4, 2e-12), row(5e4, 5e-12)};
  EXPECT_FALSE(cr::fit_slope(ptrs(narrow), u));
  std::vector<ResultRow> flat{row(1, u), row(1e8, u), row(1e15, 2 * u)};  // refinement: flat at u
  EXPECT_FALSE(cr::fit_slope(ptrs(flat), u));
}

TEST(Analysis, KappaOfTheLastDigitIsTheFirstDecadeWhereMostSolvesLoseIt) {
  std::vector<ResultRow> rows{row(1e2, 1e-14), row(1e6, 1e-10), row(3e7, 0.5), row(5e7, 1e-9),
                              row(2e7, 0, "failed"), row(1e9, 1), row(1e10, 1e-6)};
  auto k = cr::kappa_no_digit(ptrs(rows));
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(*k, 2e7);  // decade 1e7: two of three lost, the failure at 2e7 the first
  std::vector<ResultRow> fine{row(1e2, 1e-14), row(1e7, 0.2), row(2e7, 1e-9), row(3e7, 1e-9)};
  EXPECT_FALSE(cr::kappa_no_digit(ptrs(fine)).has_value());
}

TEST(Analysis, CorrectDigitsAreClippedToThePrecision) {
  const double u32 = cr::unit_roundoff("f32");
  EXPECT_DOUBLE_EQ(u32, std::ldexp(1.0, -24));
  EXPECT_NEAR(cr::correct_digits(1e-4, u32), 4, 1e-12);
  EXPECT_NEAR(cr::correct_digits(0, u32), -std::log10(u32), 1e-12);
  EXPECT_NEAR(cr::correct_digits(1e-12, u32), -std::log10(u32), 1e-12);
  EXPECT_EQ(cr::correct_digits(3, u32), 0);
  EXPECT_EQ(cr::correct_digits(std::nan(""), u32), 0);
}

TEST(Analysis, DigitsTableHasOneColumnPerKappaRangeAndCountsFailures) {
  std::vector<ResultRow> rows{row(1, 1e-16), row(50, 1e-14), row(1e5, 1e-10), row(3e5, 0, "failed"),
                              row(1e2, 1e-5, "ok", "f32")};
  auto tables = cr::digits_tables(rows, 2);
  ASSERT_EQ(tables.size(), 2u);
  const auto& t = tables[1];
  EXPECT_EQ(t.precision, "f64");
  EXPECT_EQ(t.bins, (std::vector<int>{0, 2}));  // 1e0-1e2 and 1e4-1e6; nothing in 1e2-1e4
  ASSERT_EQ(t.cells.size(), 1u);
  ASSERT_TRUE(t.cells[0][0] && t.cells[0][1]);
  EXPECT_EQ(t.cells[0][0]->ok, 2);
  EXPECT_NEAR(t.cells[0][0]->median_digits, (-std::log10(cr::unit_roundoff("f64")) + 14) / 2, 1e-9);  // 16 clipped
  EXPECT_EQ(t.cells[0][1]->ok, 1);
  EXPECT_EQ(t.cells[0][1]->failed, 1);
  EXPECT_EQ(cr::kappa_bin_label(2, 2), "1e4–1e6");
}
