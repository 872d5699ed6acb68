// Accuracy of a run summarized per solver x precision x problem family x kappa range,
// in units that do not depend on the seed: forward_error / (u kappa) and
// backward_error / u. Both baseline and regress summarize a run this way.
#pragma once

#include "studies/runner/results.hpp"

#include <compare>
#include <map>
#include <string>
#include <vector>

namespace condbench::regress {

struct GroupKey {
  std::string solver, precision;
  std::string family;       // the case id without kappa and seed: "randsvd:kind=general:...:40x40"
  std::string kappa_range;  // decade of the nominal kappa: "1e10"
  // Kappa ranges in numeric order ("1e2" before "1e10"), so a baseline reads in order.
  std::strong_ordering operator<=>(const GroupKey& o) const;
  bool operator==(const GroupKey&) const = default;
};

// Spread of one measure over the ok rows of a group, in log10 units ("decades"):
// center is the median of the log10 values, sd their sample standard deviation.
struct LogStat {
  int count = 0;
  double center = 0, min = 0, max = 0, sd = 0;
};

struct GroupSummary {
  GroupKey key;
  int m = 0, n = 0;
  double u = 0;
  int ok = 0, failed = 0, skipped = 0;
  double max_forward_error = 0;  // over the ok rows, raw
  LogStat fe;                    // log10(forward_error / (u * max(1, kappa)))
  LogStat be;                    // log10(backward_error / u)
  LogStat kappa;                 // log10 of the measured kappa of the stored matrix
  std::string reason;            // first failure or skip reason
};

// Unit roundoff of a precision name ("f32", "f64"); throws InputError otherwise.
double unit_roundoff_of(const std::string& precision);

// "randsvd:kappa=1e+10:kind=general:...:40x40:s2" -> "randsvd:kind=general:...:40x40".
std::string family_of(const std::string& case_id);

// Decade of the nominal kappa ("1e10" for 1e10 <= kappa < 1e11); the measured kappa
// when the generator sets no nominal one.
std::string kappa_range_of(const ResultRow& r);

// Every group of the rows, sorted by key. Errors are clamped to [tiny, 1] before the
// log: past error 1 there are no digits left to lose.
std::map<GroupKey, GroupSummary> summarize_groups(const std::vector<ResultRow>& rows);

}  // namespace condbench::regress
