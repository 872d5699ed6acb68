// The report in a real browser: headless Chromium (Debian's package, installed by
// scripts/setup.sh) opens report.html and compare.html offline; no console errors, no
// request leaves the file, and every figure draws as many points as results.csv says.
// A missing chromium or node is a failure, not a skip: the setup script is part of the test.
#include "reports/report/analysis.hpp"
#include "support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <set>
#include <tuple>

using namespace condbench::test;
using nlohmann::json;

namespace {

fs::path artifacts() {
  fs::path d = CONDBENCH_TEST_ARTIFACTS;
  fs::create_directories(d);
  return d;
}

// Runs reports/web/check_page.mjs on a page; its stdout's last line is the JSON verdict.
json check_page(const fs::path& page, const fs::path& screenshot) {
  Result r = shell("cd " + web_dir() + " && node check_page.mjs " + page.string() + " " + screenshot.string());
  if (r.code != 0) ADD_FAILURE() << "check_page.mjs failed (run scripts/setup.sh?):\n" << r.out;
  auto pos = r.out.rfind("\n{");
  std::string last = pos == std::string::npos ? r.out : r.out.substr(pos + 1);
  try {
    return json::parse(last);
  } catch (const json::exception&) {
    ADD_FAILURE() << "no JSON from check_page.mjs:\n" << r.out;
    return json::object();
  }
}

void expect_clean(const json& res) {
  EXPECT_EQ(res.value("console_errors", json::array()).size(), 0u) << res.dump(1);
  EXPECT_EQ(res.value("page_errors", json::array()).size(), 0u) << res.dump(1);
  EXPECT_EQ(res.value("requests", json::array()).size(), 0u) << "a report must open offline: " << res.dump(1);
}

}  // namespace

TEST(Browser, ChromiumIsInstalledBySetup) {
  EXPECT_TRUE(fs::exists("/usr/bin/chromium") || std::getenv("CONDBENCH_CHROMIUM"))
      << "chromium missing: scripts/setup.sh installs Debian's chromium package";
  EXPECT_TRUE(fs::exists(web_dir() + "/node_modules/playwright-core/package.json"))
      << "playwright-core missing: scripts/setup.sh runs npm ci in reports/web";
}

TEST(Browser, ReportRendersWithoutErrorsAndPlotsEveryRowOfResultsCsv) {
  fs::path run = fixture_copy("browser_report");
  Result made = cli("report " + run.string());
  ASSERT_EQ(made.code, 0) << made.out;
  fs::path shot = artifacts() / "report.png";
  fs::remove(shot);
  json res = check_page(run / "report.html", shot);
  expect_clean(res);
  EXPECT_TRUE(fs::exists(shot)) << "screenshot not kept";

  // What each figure should hold, from results.csv itself.
  condbench::RunData data = condbench::load_run(run.string());
  int fe_points = 0, be_points = 0, failures = 0, xt_points = 0;
  std::set<std::tuple<std::string, std::string, int>> timed;
  for (const auto& r : data.rows) {
    bool placed = std::isfinite(r.kappa) || std::isfinite(r.kappa_nominal);
    if (r.status == "ok" && placed) {
      fe_points += std::isfinite(r.forward_error);
      be_points += std::isfinite(r.backward_error);
      xt_points += std::isfinite(r.error_vs_true);
      if (std::isfinite(r.time_s) && r.time_s > 0) timed.insert({r.precision, r.solver, r.n});
    }
    failures += r.status == "failed" && placed;
  }
  ASSERT_GT(fe_points, 0);
  const json& figs = res["figures"];
  ASSERT_TRUE(figs.is_object()) << res.dump(1);
  EXPECT_EQ(figs["forward_error"]["points"], fe_points);
  EXPECT_EQ(figs["forward_error"]["failures"], failures);
  EXPECT_EQ(figs["backward_error"]["points"], be_points);
  EXPECT_EQ(figs["backward_error"]["failures"], failures);
  EXPECT_EQ(figs["time"]["points"], static_cast<int>(timed.size()));
  if (xt_points > 0)
    EXPECT_EQ(figs["error_vs_true"]["points"], xt_points);
  else
    EXPECT_FALSE(figs.contains("error_vs_true"));
}

TEST(Browser, CompareReportRendersOnePointPerGroupWithErrorsInBothRuns) {
  fs::path a = fixture_copy("browser_compare");
  fs::path html = a.parent_path() / "compare.html";
  Result made = cli("compare " + fixture().string() + " " + a.string() + " --html " + html.string());
  ASSERT_EQ(made.code, 0) << made.out;
  json res = check_page(html, artifacts() / "compare.png");
  expect_clean(res);
  // A point per solver x precision x problem x kappa range with an ok, finite error in
  // both runs (the same rows here).
  condbench::RunData data = condbench::load_run(a.string());
  std::set<std::tuple<std::string, std::string, std::string, int>> groups;
  for (const auto& r : data.rows) {
    double k = condbench::report::plot_kappa(r);
    if (r.status == "ok" && std::isfinite(r.forward_error))
      groups.insert({r.solver, r.precision, r.problem, condbench::report::kappa_bin(std::isfinite(k) ? k : 1, 2)});
  }
  ASSERT_FALSE(groups.empty());
  EXPECT_EQ(res["figures"]["compare"]["points"], static_cast<int>(groups.size())) << made.out;
}
