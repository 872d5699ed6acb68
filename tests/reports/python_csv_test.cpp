// A results.csv read and written back by Python's csv module (RFC 4180: CRLF line
// ends), saved with a UTF-8 byte order mark and with a note holding a comma, quotes and
// a line break, works with every subcommand exactly as the original does.
#include "support.hpp"

#include <gtest/gtest.h>

#include <regex>

using namespace condbench::test;

namespace {

// Python rewrites the file as a user's script would.
void rewrite_with_python(const fs::path& csv) {
  const std::string script =
      "import csv, sys\n"
      "p = sys.argv[1]\n"
      "with open(p, newline='', encoding='utf-8') as f:\n"
      "    rows = list(csv.reader(f))\n"
      "note = rows[0].index('note')\n"
      "rows[1][note] = 'edited by hand, with \"quotes\"\\nand a second line'\n"
      "with open(p, 'w', newline='', encoding='utf-8-sig') as f:\n"
      "    csv.writer(f).writerows(rows)\n";
  fs::path py = csv.parent_path() / "rewrite.py";
  std::ofstream(py) << script;
  Result r = shell("python3 '" + py.string() + "' '" + csv.string() + "'");
  ASSERT_EQ(r.code, 0) << r.out;
  fs::remove(py);
}

// Output with the two folders' paths made equal.
std::string normalized(std::string out, const fs::path& dir) {
  return std::regex_replace(out, std::regex(dir.string()), "RUN");
}

}  // namespace

TEST(PythonCsv, RewrittenResultsWorkWithEverySubcommandAsTheOriginal) {
  fs::path base = scratch("python_csv");
  fs::path orig = base / "orig", py = base / "py";
  for (const fs::path& d : {orig, py}) {
    fs::create_directories(d);
    for (const char* f : {"results.csv", "run.json"}) fs::copy_file(fixture() / f, d / f);
  }
  rewrite_with_python(py / "results.csv");
  const std::string text = read_text(py / "results.csv");
  ASSERT_EQ(text.rfind("\xEF\xBB\xBF", 0), 0u) << "no byte order mark";
  ASSERT_NE(text.find("\r\n"), std::string::npos) << "no CRLF line ends";
  ASSERT_NE(text.find("\"edited by hand, with \"\"quotes\"\"\nand a second line\""), std::string::npos);

  auto data = condbench::load_run(py.string());
  EXPECT_EQ(data.rows.size(), condbench::load_run(orig.string()).rows.size());
  EXPECT_EQ(data.rows[0].note, "edited by hand, with \"quotes\"\nand a second line");
  EXPECT_EQ(data.rows.back().kappa_time_s, condbench::load_run(orig.string()).rows.back().kappa_time_s)
      << "the last column must not carry the \\r";

  const std::string baseline = std::string(CONDBENCH_SOURCE_DIR) + "/studies/baselines/quick.json";
  const std::vector<std::string> commands{"regress --allow-missing --baseline " + baseline + " DIR",
                                          "baseline DIR --out DIR/baseline.json --force", "compare DIR DIR --no-html",
                                          "report DIR"};
  for (const std::string& cmd : commands) {
    auto run_on = [&](const fs::path& dir) {
      return cli(std::regex_replace(cmd, std::regex("DIR"), dir.string()));
    };
    Result a = run_on(orig), b = run_on(py);
    EXPECT_NE(b.code, 2) << cmd << ":\n" << b.out;
    EXPECT_EQ(a.code, b.code) << cmd;
    EXPECT_EQ(normalized(a.out, orig), normalized(b.out, py)) << cmd;
  }
  EXPECT_TRUE(fs::exists(py / "report.html"));
  // And the two files side by side: the same rows, so every verdict is "same".
  Result c = cli("compare " + orig.string() + " " + py.string() + " --no-html");
  EXPECT_EQ(c.code, 0) << c.out;
  EXPECT_NE(c.out.find("- error: 0 worse, 0 better; time: 0 slower, 0 faster"), std::string::npos) << c.out;
}

TEST(PythonCsv, AMissingColumnIsNamedBesideTheColumnsTheFileHas) {
  fs::path d = scratch("python_csv_missing") / "run";
  fs::create_directories(d);
  fs::copy_file(fixture() / "run.json", d / "run.json");
  std::string text = read_text(fixture() / "results.csv");
  text = std::regex_replace(text, std::regex(",kappa_time_s"), ",kappa_seconds");
  std::ofstream(d / "results.csv") << text;
  Result r = cli("report " + d.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("column 'kappa_time_s' is missing"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'kappa_seconds'"), std::string::npos) << r.out;
}
