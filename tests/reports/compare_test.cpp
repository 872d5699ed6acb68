// Verdicts of condbench compare: real changes flagged, seed-to-seed noise not.
#include "reports/compare/compare.hpp"
#include "studies/runner/input_error.hpp"
#include "support.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace cc = condbench::compare;
using condbench::ResultRow;
using condbench::RunData;

namespace {

RunData fixture_run() { return condbench::load_run(condbench::test::fixture().string()); }

}  // namespace

TEST(CompareVerdict, ConsistentTenfoldChangeIsWorseOrBetter) {
  std::vector<double> up{1.0, 1.1, 0.9, 1.05, 0.95};
  EXPECT_EQ(cc::judge(up, 2.0), cc::Verdict::worse);
  std::vector<double> down{-1.0, -1.1, -0.9};
  EXPECT_EQ(cc::judge(down, 2.0), cc::Verdict::better);
}

TEST(CompareVerdict, ChangesWithinTheThresholdOrTheSeedSpreadAreSame) {
  EXPECT_EQ(cc::judge({0.2, 0.25, 0.15}, 2.0), cc::Verdict::same);  // < factor 2
  // Median 1.5 decades, but the seeds scatter over 5 decades: not a change one can claim.
  EXPECT_EQ(cc::judge({3, -2, 1.5, -1.5, 2.5}, 2.0), cc::Verdict::same);
  // Times: 15% slower is within 10% + the repetitions' own 20% spread.
  EXPECT_EQ(cc::judge({std::log10(1.15)}, 1.1, std::log10(1.2)), cc::Verdict::same);
  EXPECT_EQ(cc::judge({std::log10(1.5), std::log10(1.52)}, 1.1, std::log10(1.2)), cc::Verdict::worse);
}

TEST(CompareRuns, ARunAgainstItselfIsSameEverywhere) {
  RunData a = fixture_run();
  cc::Comparison c = cc::compare_runs(a, a, {});
  ASSERT_FALSE(c.rows.empty());
  EXPECT_EQ(c.only_a, 0);
  EXPECT_EQ(c.only_b, 0);
  for (const auto& r : c.rows) {
    EXPECT_EQ(r.error_verdict, cc::Verdict::same) << r.solver << " " << r.problem;
    EXPECT_EQ(r.time_verdict, cc::Verdict::same) << r.solver << " " << r.problem;
  }
}

TEST(CompareRuns, ThousandfoldErrorsOfOneSolverAreWorseOnlyForIt) {
  RunData a = fixture_run();
  RunData b = a;
  const std::string target = "lapack.lu";
  for (auto& r : b.rows)
    if (r.solver == target) r.forward_error *= 1000;
  cc::Comparison c = cc::compare_runs(a, b, {});
  int worse = 0;
  for (const auto& r : c.rows) {
    if (r.solver != target) {
      EXPECT_EQ(r.error_verdict, cc::Verdict::same) << r.solver;
      continue;
    }
    // Errors are floored at u before the ratio, so 1000x of an error below u counts for less,
    // but still for more than the threshold of 2.
    EXPECT_EQ(r.error_verdict, cc::Verdict::worse) << r.problem << " " << r.kappa_bin;
    EXPECT_GT(r.error_change, 10) << r.problem;
    EXPECT_LE(r.error_change, 1000 * (1 + 1e-12)) << r.problem;
    ++worse;
  }
  EXPECT_GT(worse, 0);
}

TEST(CompareRuns, ANewFailureMakesItsGroupWorse) {
  RunData a = fixture_run();
  RunData b = a;
  auto it = std::find_if(b.rows.begin(), b.rows.end(), [](const ResultRow& r) { return r.status == "ok"; });
  ASSERT_NE(it, b.rows.end());
  it->status = "failed";
  cc::Comparison c = cc::compare_runs(a, b, {});
  int flagged = 0;
  for (const auto& r : c.rows)
    if (r.newly_failed) {
      ++flagged;
      EXPECT_EQ(r.solver, it->solver);
      EXPECT_EQ(r.error_verdict, cc::Verdict::worse);
    }
  EXPECT_EQ(flagged, 1);
}

TEST(CompareRuns, RunsWithNothingInCommonAreAnInputError) {
  RunData a = fixture_run();
  RunData b = a;
  for (auto& r : b.rows) r.case_id = "other:" + r.case_id;
  EXPECT_THROW(cc::compare_runs(a, b, {}), condbench::InputError);
}

TEST(CompareRuns, SolverMapPairsDifferentlyNamedSolvers) {
  RunData a = fixture_run();
  RunData b = a;
  for (auto& r : b.rows) r.solver = "gpu." + r.solver;
  EXPECT_THROW(cc::compare_runs(a, b, {}), condbench::InputError);
  cc::Options opt;
  for (const auto& r : a.rows) opt.solver_map["gpu." + r.solver] = r.solver;
  cc::Comparison c = cc::compare_runs(a, b, opt);
  EXPECT_EQ(c.only_a, 0);
  EXPECT_EQ(c.only_b, 0);
  EXPECT_GT(c.matched, 0);
}

TEST(CompareRuns, TimesTakenBesideOtherCasesGetNoTimeVerdict) {
  RunData a = fixture_run();
  RunData b = a;
  for (auto& r : b.rows) r.time_s *= 3;  // three times slower everywhere...
  cc::Comparison alone = cc::compare_runs(a, b, {});
  int slower = 0;
  for (const auto& r : alone.rows) slower += r.time_verdict == cc::Verdict::worse;
  EXPECT_GT(slower, 0);
  for (auto& r : b.rows) r.jobs = 2;  // ...but timed while another case ran beside each row
  cc::Comparison contended = cc::compare_runs(a, b, {});
  for (const auto& r : contended.rows) {
    EXPECT_EQ(r.time_verdict, cc::Verdict::same) << r.solver;
    if (r.ok_pairs) EXPECT_GT(r.contended_pairs, 0) << r.solver;
  }
  EXPECT_NE(cc::markdown(contended, a, b).find("timed beside other cases"), std::string::npos);
}
