// A run of BLAS/LAPACK stacks reads side by side: one row of error panels per method with one column per stack,
// and a time figure per method and stack; every other run keeps four panels a row and time against n.
#include <gtest/gtest.h>

#include <cmath>

#include "reports/report/figures.hpp"

namespace cr = condbench::report;
using condbench::ResultRow;

namespace {

condbench::RunData run_of(const std::vector<std::string>& solvers) {
  condbench::RunData run;
  for (const std::string& s : solvers)
    for (double k : {1e2, 1e6}) {
      ResultRow r;
      r.solver = s;
      r.problem = "svd_geo";
      r.precision = "f64";
      r.status = "ok";
      r.n = r.m = 10;
      r.kappa = r.kappa_nominal = k;
      r.forward_error = r.backward_error = 1e-16 * k;
      r.error_vs_true = std::nan("");
      r.time_s = 1e-4;
      run.rows.push_back(r);
    }
  return run;
}

const cr::Figure& figure(const std::vector<cr::Figure>& figs, const std::string& name) {
  for (const cr::Figure& f : figs)
    if (f.name == name) return f;
  throw std::runtime_error("no figure " + name);
}

TEST(StackFigures, OneRowPerMethodAndOneColumnPerStack) {
  const auto figs = cr::report_figures(run_of({"lapack.qr@netlib", "lapack.lu", "lapack.lu@blis", "lapack.lu@netlib",
                                               "lapack.qr", "lapack.qr@blis"}));
  const auto& fe = figure(figs, "forward_error").spec;
  EXPECT_EQ(fe["columns"], 3);
  std::vector<std::string> titles;
  for (const auto& p : fe["concat"]) titles.push_back(p["title"]);
  EXPECT_EQ(titles, (std::vector<std::string>{"lapack.lu", "lapack.lu@blis", "lapack.lu@netlib", "lapack.qr",
                                              "lapack.qr@blis", "lapack.qr@netlib"}));
  const auto& time = figure(figs, "time");
  EXPECT_EQ(time.title, "Time per stack");
  EXPECT_EQ(time.spec["facet"]["row"]["field"], "method");
  EXPECT_EQ(time.spec["spec"]["encoding"]["y"]["field"], "stack");
}

TEST(StackFigures, UnevenStacksAndPlainRunsKeepFourPanelsARow) {
  const auto uneven = cr::report_figures(run_of({"lapack.lu", "lapack.lu@blis", "lapack.qr"}));
  EXPECT_EQ(figure(uneven, "forward_error").spec["columns"], 4);
  const auto plain = cr::report_figures(run_of({"lapack.lu", "lapack.qr", "eigen.llt"}));
  EXPECT_EQ(figure(plain, "forward_error").spec["columns"], 4);
  EXPECT_EQ(figure(plain, "time").title, "Time against n");
}

}  // namespace
