// Compares a run's accuracy against a baseline, group by group, with the tolerance
// model of tolerance.hpp. Verdicts per check, BLIS style: PASS, MARGINAL, FAIL; a group
// only in the run is NEW (reported, not failed), one only in the baseline MISSING.
#pragma once

#include "reports/regress/baseline.hpp"
#include "reports/regress/groups.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <tuple>
#include <string>
#include <vector>

namespace condbench::regress {

enum class Verdict { pass, marginal, fail, new_group, missing };
const char* to_string(Verdict v);

struct Check {
  std::string measure;  // "forward_error/(u*kappa)", "backward_error/u", "status"
  Verdict verdict = Verdict::pass;
  std::string baseline, now;  // as printed
  double factor = 0;          // now / baseline (error checks); 0 for status checks
  double allowed = 0;         // largest factor that passes (error checks)
  std::string note;           // why it failed or was skipped
};

struct GroupResult {
  GroupKey key;
  Verdict verdict = Verdict::pass;  // the worst of its checks
  std::vector<Check> checks;
};

struct RegressOptions {
  bool allow_missing = false;  // a group of the baseline absent from the run is reported, not failed
  // What the run did not run and why (run.json "skipped": solver x precision x problem
  // kind -> reason), and the problem kind of each family in the run: a baseline group
  // absent from the run because its solver was skipped there is "skipped: reason", a
  // FAIL when it ran in the baseline, not MISSING.
  std::map<std::tuple<std::string, std::string, std::string>, std::string> skipped;
  std::map<std::string, std::string> family_kind;
};

// RegressOptions::skipped and family_kind from a run's run.json and rows.
void add_skips(RegressOptions& opt, const nlohmann::ordered_json& run_json, const std::vector<ResultRow>& rows);

struct RegressReport {
  std::vector<GroupResult> groups;  // baseline groups first (key order), then new ones
  int count(Verdict v) const;
  bool failed() const { return count(Verdict::fail) > 0; }
};

RegressReport compare(const Baseline& base, const std::map<GroupKey, GroupSummary>& now,
                      const RegressOptions& opt = {});

// The table of what got worse (FAIL and MARGINAL; every group with verbose), the
// new and missing groups, and a one-line summary.
std::string format_report(const RegressReport& r, bool verbose = false);

// JUnit XML: one testsuite per solver x precision, one testcase per group.
std::string junit_xml(const RegressReport& r, const std::string& suite_name);

}  // namespace condbench::regress
