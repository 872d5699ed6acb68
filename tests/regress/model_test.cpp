// The regression model on synthetic rows: grouping, units, the tolerance, every
// verdict, the baseline file round trip and its errors, JUnit.
#include "reports/regress/baseline.hpp"
#include "reports/regress/regress.hpp"
#include "studies/runner/input_error.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

using namespace condbench;
using namespace condbench::regress;

namespace {

constexpr double u64 = 0x1p-53, u32 = 0x1p-24;

ResultRow row(const std::string& solver, const std::string& prec, double kappa, std::uint64_t seed, double fe,
              double be, const std::string& kind = "general") {
  ResultRow r;
  r.case_id = fmt::format("randsvd:kappa={:g}:kind={}:mode=geometric:residual=0:scale=1:40x40:s{}", kappa, kind, seed);
  r.generator = "randsvd";
  r.kind = kind;
  r.m = r.n = 40;
  r.seed = seed;
  r.precision = prec;
  r.solver = solver;
  r.status = "ok";
  r.kappa_nominal = kappa;
  r.kappa = kappa * (1 + 0.01 * seed);
  r.forward_error = fe;
  r.backward_error = be;
  return r;
}

// lapack.lu and lapack.qr in f32 and f64 on kappa 1e2, 1e6, 1e10 (f64) / 1e2, 1e4 (f32),
// forward error c * u * kappa with a seed-dependent c in [0.2, 0.6].
std::vector<ResultRow> rows_for(const std::vector<std::uint64_t>& seeds, double scale = 1) {
  std::vector<ResultRow> rows;
  for (std::uint64_t s : seeds) {
    double c = 0.2 + 0.4 * std::fmod(0.618034 * static_cast<double>(s), 1.0);
    for (const char* solver : {"lapack.lu", "lapack.qr"}) {
      for (double k : {1e2, 1e6, 1e10}) rows.push_back(row(solver, "f64", k, s, scale * c * u64 * k, 0.3 * u64 * c));
      for (double k : {1e2, 1e4}) rows.push_back(row(solver, "f32", k, s, scale * c * u32 * k, 0.3 * u32 * c));
    }
  }
  return rows;
}

Baseline baseline_of(const std::vector<ResultRow>& rows) {
  RunData run;
  run.dir = "synthetic";
  run.meta["status"] = "complete";
  run.meta["study"]["name"] = "synthetic";
  run.meta["study"]["path"] = "synthetic.toml";
  run.meta["study"]["text"] = "";
  run.meta["context"]["blas"] = "OpenBLAS";
  run.rows = rows;
  return make_baseline({run}, "test");
}

std::vector<const GroupResult*> failing(const RegressReport& r) {
  std::vector<const GroupResult*> out;
  for (const auto& g : r.groups)
    if (g.verdict == Verdict::fail) out.push_back(&g);
  return out;
}

}  // namespace

TEST(Groups, FamilyIsTheCaseIdWithoutKappaAndSeed) {
  EXPECT_EQ(family_of("randsvd:kappa=1e+10:kind=general:mode=geometric:residual=0:scale=1:200x200:s2"),
            "randsvd:kind=general:mode=geometric:residual=0:scale=1:200x200");
  EXPECT_EQ(family_of("hilbert:12x12:s0"), "hilbert:12x12");
}

TEST(Groups, KappaRangeIsTheDecadeOfTheNominalKappa) {
  ResultRow r = row("lapack.lu", "f64", 1e10, 1, 1e-6, 1e-16);
  EXPECT_EQ(kappa_range_of(r), "1e10");
  r.kappa_nominal = 9.99e9;
  EXPECT_EQ(kappa_range_of(r), "1e9");
  r.kappa_nominal = 1e2;
  EXPECT_EQ(kappa_range_of(r), "1e2");
  r.kappa_nominal = std::nan("");  // a family without a nominal kappa: the measured one
  r.kappa = 3e5;
  EXPECT_EQ(kappa_range_of(r), "1e5");
}

TEST(Groups, ErrorsAreInUnitsOfUKappaAndClampedAtOne) {
  std::vector<ResultRow> rows{row("s", "f64", 1e6, 1, 0.5 * u64 * 1e6 * 1.01, 2 * u64),
                              row("s", "f64", 1e6, 2, 1e3, 2 * u64)};
  auto groups = summarize_groups(rows);
  ASSERT_EQ(groups.size(), 1u);
  const GroupSummary& g = groups.begin()->second;
  EXPECT_EQ(g.ok, 2);
  EXPECT_NEAR(g.fe.min, std::log10(0.5), 1e-9);
  EXPECT_NEAR(g.fe.max, std::log10(1.0 / (u64 * 1e6 * 1.02)), 1e-9);  // 1e3 counts as 1
  EXPECT_NEAR(g.be.center, std::log10(2.0), 1e-9);
}

TEST(Groups, OkWithoutFiniteErrorCountsAsFailure) {
  ResultRow r = row("s", "f64", 1e6, 1, std::nan(""), 1e-16);
  auto g = summarize_groups({r}).begin()->second;
  EXPECT_EQ(g.ok, 0);
  EXPECT_EQ(g.failed, 1);
}

TEST(Tolerance, NeverBelowMinFactorAndWidensWithSpread) {
  ToleranceModel t;
  EXPECT_DOUBLE_EQ(t.tolerance_decades(0, 10, 2), std::log10(t.min_factor));
  EXPECT_NEAR(t.tolerance_decades(0.5, 2, 2), 4 * 0.5, 1e-12);
  EXPECT_GT(t.tolerance_decades(0.3, 2, 2), t.tolerance_decades(0.3, 10, 10));
}

TEST(Regress, SameRowsPass) {
  auto rows = rows_for({1, 2, 3, 4});
  RegressReport r = compare(baseline_of(rows), summarize_groups(rows));
  EXPECT_FALSE(r.failed()) << format_report(r);
  EXPECT_EQ(r.count(Verdict::pass), static_cast<int>(r.groups.size()));
}

TEST(Regress, OtherSeedsWithTheSameScatterPass) {
  RegressReport r = compare(baseline_of(rows_for({1, 2, 3, 4, 5, 6})), summarize_groups(rows_for({11, 12})));
  EXPECT_FALSE(r.failed()) << format_report(r);
}

TEST(Regress, TenfoldInOneKappaRangeFailsNamingIt) {
  Baseline b = baseline_of(rows_for({1, 2, 3, 4, 5, 6}));
  auto now = rows_for({11, 12});
  for (auto& x : now)
    if (x.solver == "lapack.qr" && x.precision == "f64" && x.kappa_nominal == 1e6) x.forward_error *= 10;
  RegressReport r = compare(b, summarize_groups(now));
  auto bad = failing(r);
  ASSERT_EQ(bad.size(), 1u) << format_report(r);
  EXPECT_EQ(bad[0]->key.solver, "lapack.qr");
  EXPECT_EQ(bad[0]->key.kappa_range, "1e6");
  std::string text = format_report(r);
  EXPECT_NE(text.find("forward_error/(u*kappa)"), std::string::npos) << text;
  EXPECT_NE(text.find("REGRESSION"), std::string::npos);
}

TEST(Regress, TwofoldIsWithinTolerance) {
  Baseline b = baseline_of(rows_for({1, 2, 3, 4, 5, 6}));
  RegressReport r = compare(b, summarize_groups(rows_for({11, 12}, 2.0)));
  EXPECT_FALSE(r.failed()) << format_report(r);
}

TEST(Regress, Float32WhereFloat64WasAskedFails) {
  Baseline b = baseline_of(rows_for({1, 2, 3, 4}));
  auto now = rows_for({1, 2, 3, 4});
  for (auto& x : now)
    if (x.solver == "lapack.lu" && x.precision == "f64") {
      x.forward_error = std::min(1.0, x.forward_error / u64 * u32);
      x.backward_error = x.backward_error / u64 * u32;
    }
  RegressReport r = compare(b, summarize_groups(now));
  auto bad = failing(r);
  ASSERT_EQ(bad.size(), 3u) << format_report(r);
  for (auto* g : bad) EXPECT_EQ(g->key.solver + " " + g->key.precision, "lapack.lu f64");
}

TEST(Regress, StartedFailingFailsWithTheReason) {
  Baseline b = baseline_of(rows_for({1, 2, 3, 4}));
  auto now = rows_for({1, 2});
  for (auto& x : now)
    if (x.solver == "lapack.lu" && x.precision == "f32" && x.kappa_nominal == 1e4 && x.seed == 2) {
      x.status = "failed";
      x.reason = "getrf info=7";
    }
  RegressReport r = compare(b, summarize_groups(now));
  auto bad = failing(r);
  ASSERT_EQ(bad.size(), 1u) << format_report(r);
  EXPECT_EQ(bad[0]->key.kappa_range, "1e4");
  std::string text = format_report(r);
  std::string line = text.substr(text.find("FAIL "), text.find('\n', text.find("FAIL ")) - text.find("FAIL "));
  EXPECT_NE(line.find("ok 4/4"), std::string::npos) << text;
  EXPECT_NE(line.find("failed 1/2"), std::string::npos) << text;
  EXPECT_NE(line.find("getrf info=7"), std::string::npos) << text;
}

TEST(Regress, NowSkippedFails) {
  Baseline b = baseline_of(rows_for({1, 2}));
  auto now = rows_for({1, 2});
  for (auto& x : now)
    if (x.solver == "lapack.qr" && x.precision == "f32") {
      x.status = "skipped";
      x.reason = "takes no f32";
    }
  EXPECT_EQ(failing(compare(b, summarize_groups(now))).size(), 2u);
}

TEST(Regress, NowSkippedFailsWhenTheSkipIsOnlyCountedInRunJson) {
  Baseline b = baseline_of(rows_for({1, 2}));
  auto now = rows_for({1, 2});
  std::erase_if(now, [](const ResultRow& x) { return x.solver == "lapack.qr" && x.precision == "f32"; });
  nlohmann::ordered_json run_json;
  run_json["skipped"]["groups"] = {
      {{"solver", "lapack.qr"}, {"precision", "f32"}, {"kind", now.at(0).kind}, {"reason", "lapack.qr: gone"}, {"rows", 4}}};
  RegressOptions missing_only;
  RegressReport plain = compare(b, summarize_groups(now), missing_only);
  for (const auto& g : plain.groups)
    if (g.key.solver == "lapack.qr" && g.key.precision == "f32") EXPECT_EQ(g.checks[0].now, "not in this run");
  RegressOptions opt;
  add_skips(opt, run_json, now);
  RegressReport r = compare(b, summarize_groups(now), opt);
  auto bad = failing(r);
  ASSERT_EQ(bad.size(), 2u) << format_report(r);
  for (auto* g : bad) {
    EXPECT_EQ(g->checks[0].now, "skipped");
    EXPECT_EQ(g->checks[0].note, "lapack.qr: gone");
  }
}

TEST(Regress, SaturatedGroupsAreCheckedForFailuresOnly) {
  std::vector<ResultRow> base{row("s", "f32", 1e10, 1, 0.9, u32), row("s", "f32", 1e10, 2, 0.5, u32)};
  std::vector<ResultRow> now{row("s", "f32", 1e10, 3, 1e5, 1e3 * u32), row("s", "f32", 1e10, 4, 1, 1e3 * u32)};
  EXPECT_FALSE(compare(baseline_of(base), summarize_groups(now)).failed());
  now[1].status = "failed";
  EXPECT_TRUE(compare(baseline_of(base), summarize_groups(now)).failed());
}

TEST(Regress, ErrorsUnderTheRoundingFloorNeverRegress) {
  // sqrt(40) u ~ 6.3 u: 0.1 u -> 5 u is a 50x "worsening" that stays within rounding.
  std::vector<ResultRow> base{row("s", "f64", 1, 1, 0.1 * u64, 0.1 * u64), row("s", "f64", 1, 2, 0.1 * u64, 0.1 * u64)};
  std::vector<ResultRow> now{row("s", "f64", 1, 3, 5 * u64, 5 * u64), row("s", "f64", 1, 4, 5 * u64, 5 * u64)};
  EXPECT_FALSE(compare(baseline_of(base), summarize_groups(now)).failed());
  now[0].forward_error = now[1].forward_error = 500 * u64;
  EXPECT_TRUE(compare(baseline_of(base), summarize_groups(now)).failed());
}

TEST(Regress, NewSolverIsReportedNotFailed) {
  Baseline b = baseline_of(rows_for({1, 2}));
  auto now = rows_for({1, 2});
  now.push_back(row("mine.lu", "f64", 1e6, 1, 1e-10, 1e-16));
  RegressReport r = compare(b, summarize_groups(now));
  EXPECT_FALSE(r.failed());
  EXPECT_EQ(r.count(Verdict::new_group), 1);
  EXPECT_NE(format_report(r).find("mine.lu"), std::string::npos);
}

TEST(Regress, MissingGroupFailsUnlessAllowed) {
  Baseline b = baseline_of(rows_for({1, 2}));
  auto now = rows_for({1, 2});
  std::erase_if(now, [](const ResultRow& x) { return x.solver == "lapack.qr"; });
  EXPECT_EQ(failing(compare(b, summarize_groups(now))).size(), 5u);
  RegressReport r = compare(b, summarize_groups(now), RegressOptions{true});
  EXPECT_FALSE(r.failed());
  EXPECT_EQ(r.count(Verdict::missing), 5);
}

TEST(Regress, WideSeedSpreadWidensTheTolerance) {
  // Scatter over two decades between seeds: a tenfold shift is within the noise.
  std::vector<ResultRow> base, now;
  for (std::uint64_t s = 1; s <= 4; ++s)
    base.push_back(row("textbook.ge_nopivot", "f64", 1e6, s, u64 * 1e6 * std::pow(10.0, (s % 2) * 2.0), u64));
  for (std::uint64_t s = 5; s <= 6; ++s)
    now.push_back(row("textbook.ge_nopivot", "f64", 1e6, s, 10 * u64 * 1e6 * std::pow(10.0, (s % 2) * 2.0), u64));
  EXPECT_FALSE(compare(baseline_of(base), summarize_groups(now)).failed());
}

TEST(Baseline, TextRoundTripsAndKeepsKeyOrder) {
  Baseline b = baseline_of(rows_for({1, 2, 3}));
  std::string text = baseline_to_text(b);
  EXPECT_EQ(text.find("\"format\""), 4u);
  EXPECT_LT(text.find("\"context\""), text.find("\"groups\""));
  Baseline back = parse_baseline(text, "mem");
  ASSERT_EQ(back.groups.size(), b.groups.size());
  for (const auto& [key, g] : b.groups) {
    const GroupSummary& h = back.groups.at(key);
    EXPECT_EQ(h.ok, g.ok);
    EXPECT_NEAR(h.fe.center, g.fe.center, 0.003);  // 3 significant digits
    EXPECT_NEAR(h.fe.sd, g.fe.sd, 0.003 * g.fe.sd + 1e-12);
  }
  EXPECT_EQ(baseline_to_text(back).substr(text.find("\"study\"")), text.substr(text.find("\"study\"")));
  EXPECT_FALSE(compare(back, summarize_groups(rows_for({1, 2, 3}))).failed());
}

TEST(Baseline, OneGroupPerLine) {
  std::string text = baseline_to_text(baseline_of(rows_for({1, 2})));
  std::size_t lines = 0;
  for (std::size_t p = text.find("{\"solver\""); p != std::string::npos; p = text.find("{\"solver\"", p + 1)) {
    EXPECT_EQ(text[p - 1], ' ');
    EXPECT_LT(text.find('\n', p), text.find("{\"solver\"", p + 1));
    ++lines;
  }
  EXPECT_EQ(lines, 10u);
}

TEST(Baseline, MalformedFilesAreInputErrors) {
  std::string good = baseline_to_text(baseline_of(rows_for({1, 2})));
  EXPECT_THROW(parse_baseline("{not json", "f.json"), InputError);
  EXPECT_THROW(parse_baseline("{\"format\": \"other\"}", "f.json"), InputError);
  std::string v2 = good;
  v2.replace(v2.find("\"format_version\": 1"), 19, "\"format_version\": 2");
  EXPECT_THROW(parse_baseline(v2, "f.json"), InputError);
  std::string neg = good;
  neg.insert(neg.find("\"ok\":") + 5, "-");  // "ok":-4
  try {
    parse_baseline(neg, "f.json");
    FAIL() << "accepted a negative count";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("groups[0]"), std::string::npos) << e.what();
  }
}

TEST(Baseline, RefusesInterruptedRunsAndMixedStudies) {
  RunData run;
  run.dir = "r";
  run.meta["status"] = "interrupted";
  run.meta["study"]["name"] = "a";  // and no context: make_baseline must not need one
  run.rows = rows_for({1});
  EXPECT_THROW(make_baseline({run}, "t"), InputError);
  run.meta["status"] = "complete";
  RunData other = run;
  other.meta["study"]["name"] = "b";
  other.rows = rows_for({2});
  EXPECT_THROW(make_baseline({run, other}, "t"), InputError);
  other.meta["study"]["name"] = "a";
  other.rows = rows_for({1});  // same seed twice
  EXPECT_THROW(make_baseline({run, other}, "t"), InputError);
  other.rows = rows_for({2});
  EXPECT_EQ(make_baseline({run, other}, "t").study["seeds"].size(), 2u);
}

TEST(Junit, FailedGroupIsAFailureAndNewOneSkipped) {
  Baseline b = baseline_of(rows_for({1, 2, 3, 4}));
  auto now = rows_for({1, 2, 3, 4});
  for (auto& x : now)
    if (x.solver == "lapack.lu" && x.precision == "f64" && x.kappa_nominal == 1e10) x.forward_error *= 100;
  now.push_back(row("mine.lu", "f64", 1e6, 1, 1e-10, 1e-16));
  std::string xml = junit_xml(compare(b, summarize_groups(now)), "t");
  EXPECT_EQ(xml.rfind("<?xml", 0), 0u);
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure message=\"FAIL forward_error/(u*kappa)"), std::string::npos) << xml;
  EXPECT_NE(xml.find("classname=\"condbench.regress.lapack.lu.f64\""), std::string::npos);
  EXPECT_NE(xml.find("<skipped"), std::string::npos);
}
