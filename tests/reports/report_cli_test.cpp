// condbench report and condbench compare as users meet them: files written, exit codes, messages.
#include "support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <set>

using namespace condbench::test;

TEST(ReportCli, WritesSelfContainedHtmlSvgFiguresAndSummaryIntoTheRunFolder) {
  fs::path run = fixture_copy("report_files");
  Result r = cli("report " + run.string());
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_TRUE(fs::exists(run / "report.html"));
  std::string html = read_text(run / "report.html");
  // Opens offline: no script or stylesheet from elsewhere, the libraries inlined.
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_NE(html.find("vegaEmbed"), std::string::npos);
  for (const char* fig : {"forward_error", "backward_error", "time"}) {
    fs::path svg = run / "figures" / (std::string(fig) + ".svg");
    ASSERT_TRUE(fs::exists(svg)) << svg;
    std::string text = read_text(svg);
    EXPECT_EQ(text.rfind("<svg", 0), 0u) << svg;
    EXPECT_NE(text.find("</svg>"), std::string::npos) << svg;
  }
  // The run context and the reproduce command with the study path from run.json.
  condbench::RunData data = condbench::load_run(run.string());
  std::string study = data.meta["study"]["path"];
  EXPECT_NE(html.find("condbench run " + study + " --out repro --force --case"), std::string::npos);
  EXPECT_NE(html.find(data.meta["context"]["git_commit"].get<std::string>()), std::string::npos);
}

TEST(ReportCli, SummaryHasASlopeLineForEverySolverProblemAndItsDigitsTables) {
  fs::path run = fixture_copy("report_summary");
  ASSERT_EQ(cli("report " + run.string()).code, 0);
  std::string md = read_text(run / "summary.md");
  condbench::RunData data = condbench::load_run(run.string());
  std::set<std::pair<std::string, std::string>> groups;
  std::set<std::string> precisions;
  for (const auto& r : data.rows)
    if (r.status != "skipped") groups.insert({r.solver, r.problem}), precisions.insert(r.precision);
  for (const auto& [solver, problem] : groups)
    EXPECT_NE(md.find("| " + solver + " | " + problem + " |"), std::string::npos) << solver << " " << problem;
  for (const auto& p : precisions) EXPECT_NE(md.find("## Correct digits, " + p), std::string::npos) << p;
}

TEST(ReportCli, MissingHalfWrittenAndOlderRunFoldersExitTwoWithAClearMessage) {
  fs::path base = scratch("bad_runs");
  Result missing = cli("report " + (base / "nope").string());
  EXPECT_EQ(missing.code, 2) << missing.out;
  EXPECT_NE(missing.out.find("no such run folder"), std::string::npos) << missing.out;

  fs::path no_csv = base / "no_csv";
  fs::create_directories(no_csv);
  fs::copy_file(fixture() / "run.json", no_csv / "run.json");
  Result r1 = cli("report " + no_csv.string());
  EXPECT_EQ(r1.code, 2);
  EXPECT_NE(r1.out.find("results.csv is missing"), std::string::npos) << r1.out;

  // Interrupted while writing the last line: the report names the file and line.
  fs::path half = base / "half";
  fs::create_directories(half);
  fs::copy_file(fixture() / "run.json", half / "run.json");
  std::string csv = read_text(fixture() / "results.csv");
  std::ofstream(half / "results.csv") << csv.substr(0, csv.size() - 40);
  long lines = std::count(csv.begin(), csv.end(), '\n');
  Result r2 = cli("report " + half.string());
  EXPECT_EQ(r2.code, 2);
  EXPECT_NE(r2.out.find("results.csv:" + std::to_string(lines)), std::string::npos) << r2.out;
  EXPECT_FALSE(fs::exists(half / "report.html"));

  fs::path old = base / "old";
  fs::create_directories(old);
  fs::copy_file(fixture() / "results.csv", old / "results.csv");
  std::string meta = read_text(fixture() / "run.json");
  meta = std::regex_replace(meta, std::regex("\"format_version\": *[0-9]+"), "\"format_version\": 0");
  std::ofstream(old / "run.json") << meta;
  Result r3 = cli("report " + old.string());
  EXPECT_EQ(r3.code, 2);
  EXPECT_NE(r3.out.find("format 0"), std::string::npos) << r3.out;
}

TEST(ReportCli, MissingPlottingAssetsSayRunSetup) {
  fs::path run = fixture_copy("no_assets");
  fs::path empty = scratch("empty_web");
  Result r = shell("CONDBENCH_WEB_DIR=" + empty.string() + " " + CONDBENCH_BINARY + " report " + run.string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("scripts/setup.sh"), std::string::npos) << r.out;
}

TEST(CompareCli, SameRunTwiceGivesATableOfSameVerdictsAndAnHtmlFile) {
  fs::path a = fixture_copy("cmp_a");
  fs::path html = a.parent_path() / "cmp.html";
  Result r = cli("compare " + a.string() + " " + fixture().string() + " --html " + html.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("| solver | prec | problem | κ range |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| same |"), std::string::npos);
  EXPECT_EQ(r.out.find("**worse**"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("| better"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("**slower**"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(html));
}

TEST(CompareCli, RunsWithNothingInCommonExitTwo) {
  fs::path b = fixture_copy("cmp_disjoint");
  std::string csv = read_text(b / "results.csv");
  // Every case id of B renamed: no case x solver x precision in both.
  std::string renamed;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  renamed = line + "\n";
  while (std::getline(in, line)) renamed += "other_" + line + "\n";
  std::ofstream(b / "results.csv") << renamed;
  Result r = cli("compare " + fixture().string() + " " + b.string() + " --no-html");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("nothing in common"), std::string::npos) << r.out;
}

TEST(RunCli, RunWritesTheReportAtTheEndUnlessNoReport) {
  fs::path base = scratch("run_report");
  fs::path study = base / "tiny.toml";
  std::ofstream(study) << "[study]\nname = \"tiny\"\nseeds = [1]\nprecisions = [\"f64\"]\nsolvers = [\"lapack.lu\"]\n"
                          "[[problem]]\ngenerator = \"randsvd\"\nn = 8\nkind = \"general\"\nmode = \"geometric\"\n"
                          "kappa = [1e2, 1e8]\n";
  Result with = cli("run " + study.string() + " --out " + (base / "with").string() + " -q");
  ASSERT_EQ(with.code, 0) << with.out;
  EXPECT_TRUE(fs::exists(base / "with" / "report.html"));
  EXPECT_TRUE(fs::exists(base / "with" / "summary.md"));
  EXPECT_TRUE(fs::exists(base / "with" / "figures" / "forward_error.svg"));
  Result without = cli("run " + study.string() + " --out " + (base / "without").string() + " -q --no-report");
  ASSERT_EQ(without.code, 0) << without.out;
  EXPECT_TRUE(fs::exists(base / "without" / "results.csv"));
  EXPECT_FALSE(fs::exists(base / "without" / "report.html"));
  EXPECT_FALSE(fs::exists(base / "without" / "figures"));
}
