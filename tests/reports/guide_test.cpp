// The solver guide, measured: which solver it names as most accurate, as the fastest within one
// digit, and what the lecture's decision tree picks, on rows whose answers are known.
#include "reports/report/guide.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace cr = condbench::report;
using condbench::ResultRow;

namespace {

ResultRow row(const std::string& solver, const std::string& kind, double kappa, double fe, double time_s,
              const std::string& precision = "f64", const std::string& status = "ok") {
  ResultRow r;
  r.solver = solver;
  r.kind = kind;
  r.precision = precision;
  r.status = status;
  r.kappa = r.kappa_nominal = kappa;
  r.forward_error = status == "ok" ? fe : std::nan("");
  r.time_s = time_s;
  return r;
}

const cr::GuideLine* find(const std::vector<cr::GuideLine>& lines, const std::string& prec, const std::string& kind,
                          int bin) {
  for (const auto& g : lines)
    if (g.precision == prec && g.kind == kind && g.bin == bin) return &g;
  return nullptr;
}

}  // namespace

TEST(SolverGuide, MostAccurateAndFastestWithinOneDigit) {
  std::vector<ResultRow> rows;
  for (double k : {10.0, 50.0}) {
    rows.push_back(row("slow.exact", "general", k, 1e-15, 3e-3));   // 15 digits, slow
    rows.push_back(row("quick.good", "general", k, 5e-15, 1e-3));   // 14.3 digits: within one, fastest
    rows.push_back(row("quicker.bad", "general", k, 1e-12, 5e-4));  // 12 digits: too far behind
    rows.push_back(row("lapack.lu", "general", k, 1e-14, 2e-3));    // 14 digits: the tree's LU
  }
  auto lines = cr::solver_guide(rows);
  ASSERT_EQ(lines.size(), 1u);
  const auto& g = lines[0];
  EXPECT_EQ(g.bin, 0);
  EXPECT_EQ(g.solvers, 4);
  EXPECT_EQ(g.most_accurate.solver, "slow.exact");
  EXPECT_NEAR(g.most_accurate.digits, 15, 1e-9);
  EXPECT_EQ(g.fastest_within_digit.solver, "quick.good");
  EXPECT_EQ(g.lecture_method, "LU");
  ASSERT_TRUE(g.lecture);
  EXPECT_EQ(g.lecture->solver, "lapack.lu");
  EXPECT_NEAR(g.lecture->digits, 14, 1e-9);
  std::string md = cr::guide_markdown(lines);
  EXPECT_NE(md.find("| f64 | square | 1e0–1e2 | slow.exact 15.0 (3 ms) | quick.good 14.3 (1 ms) | LU: "
                    "lapack.lu 14.0 (2 ms), 1.0 digits short |"),
            std::string::npos)
      << md;
}

TEST(SolverGuide, FailuresCountAsNoDigitAndTheLecturesOwnCodeIsItsPick) {
  std::vector<ResultRow> rows;
  for (int i = 0; i < 3; ++i) {
    // Cholesky fails on two of three: its median is 0 digits, whatever the one success says.
    rows.push_back(row("scipy.cho_solve", "spd", 1e9, 1e-16, 1e-3, "f64", i ? "failed" : "ok"));
    rows.push_back(row("lecture.smart_solve", "spd", 1e9, 1e-8, 2e-3));
    rows.push_back(row("lapack.lu", "spd", 1e9, 1e-7, 1e-3));
  }
  auto lines = cr::solver_guide(rows);
  const auto* g = find(lines, "f64", "spd", 4);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->most_accurate.solver, "lecture.smart_solve");
  EXPECT_EQ(g->fastest_within_digit.solver, "lapack.lu");
  EXPECT_EQ(g->lecture_method, "Cholesky");
  EXPECT_EQ(g->lecture->solver, "lecture.smart_solve");  // before scipy.cho_solve: the lecture's own code
  EXPECT_NE(cr::guide_markdown(lines).find("| Cholesky: lecture.smart_solve 8.0 (2 ms) |"), std::string::npos);
}

TEST(SolverGuide, TheTreeTurnsToTheSvdPastOneOverU) {
  std::vector<ResultRow> rows;
  for (double k : {1e5, 1e9}) {  // f32: 1/u = 1.7e7
    rows.push_back(row("lapack.lu", "general", k, 1e-2, 1e-4, "f32"));
    rows.push_back(row("numpy.pinv", "general", k, 0.5, 1e-3, "f32"));
  }
  rows.push_back(row("lapack.qr", "least_squares", 1e3, 1e-4, 1e-4, "f32"));
  rows.push_back(row("lapack.svd", "least_squares", 1e3, 1e-4, 3e-4, "f32"));
  rows.push_back(row("x.only", "underdetermined", 1e3, 1e-4, 3e-4, "f32"));  // one solver: nothing to compare
  auto lines = cr::solver_guide(rows);
  EXPECT_EQ(find(lines, "f32", "general", 2)->lecture_method, "LU");
  EXPECT_EQ(find(lines, "f32", "general", 4)->lecture_method, "SVD pseudoinverse");
  EXPECT_EQ(find(lines, "f32", "general", 4)->lecture->solver, "numpy.pinv");
  const auto* ls = find(lines, "f32", "least_squares", 1);
  EXPECT_EQ(ls->lecture_method, "SVD lstsq");
  EXPECT_EQ(ls->lecture->solver, "lapack.svd");
  EXPECT_EQ(ls->most_accurate.solver, "lapack.qr");  // a tie in digits goes to the faster
  EXPECT_EQ(find(lines, "f32", "underdetermined", 1), nullptr);
}

TEST(SolverGuide, NothingToSayWithOneSolverAndNoLecturePickSaysSo) {
  std::vector<ResultRow> one{row("a.b", "general", 10, 1e-10, 1)};
  EXPECT_TRUE(cr::solver_guide(one).empty());
  EXPECT_EQ(cr::guide_markdown(cr::solver_guide(one)), "");
  std::vector<ResultRow> two{row("a.b", "general", 10, 1e-10, 1), row("c.d", "general", 10, 1e-11, 1)};
  auto lines = cr::solver_guide(two);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_FALSE(lines[0].lecture);
  EXPECT_NE(cr::guide_markdown(lines).find("LU: not in this run"), std::string::npos);
  EXPECT_NE(cr::guide_html(lines).find("<td class=\"warn\">LU: not in this run</td>"), std::string::npos);
}
