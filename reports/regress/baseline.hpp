// An accuracy baseline: a reviewable, diff-friendly JSON file (stable key order, one
// group per line) with the accuracy of a run per solver x precision x family x kappa
// range in seed-independent units, the seed spread, the tolerance model and the
// run's context. Written by `condbench baseline`, read by `condbench regress`.
#pragma once

#include "reports/common/run_data.hpp"
#include "reports/regress/groups.hpp"
#include "reports/regress/tolerance.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace condbench::regress {

inline constexpr const char* kBaselineFormat = "condbench-accuracy-baseline";
inline constexpr int kBaselineFormatVersion = 1;

// Pooled seed spread (decades) of one solver and precision over its unsaturated groups,
// and its sporadic failure rate: failures over runs in the groups where it succeeded
// at least once (dsgesv returning NaN on a few seeds past 1/u_f32, say).
struct Spread {
  double forward = 0, backward = 0;
  int groups = 0;
  double failure_rate = 0;
};

struct Baseline {
  nlohmann::ordered_json created;  // time, command, runs it was made from
  nlohmann::ordered_json study;    // name, path, description, seeds, text (what `regress --run` runs)
  nlohmann::ordered_json context;  // the first run's context (machine, BLAS, compiler, commit)
  ToleranceModel tolerance;
  std::map<std::string, Spread> spread;    // key: "solver precision"
  std::map<GroupKey, GroupSummary> groups; // groups where the solver ran at least once
};

std::string spread_key(const std::string& solver, const std::string& precision);

// From one or more complete runs of the same study (other seeds). Throws InputError
// for an interrupted run, runs of different studies, or a seed in two runs.
Baseline make_baseline(const std::vector<RunData>& runs, const std::string& command,
                       const ToleranceModel& tolerance = {});

// Pooled spread per solver x precision of the unsaturated groups with >= 2 ok rows;
// failure rate over the groups with >= 1 ok row.
std::map<std::string, Spread> pooled_spread(const std::map<GroupKey, GroupSummary>& groups,
                                            const ToleranceModel& tolerance);

// JSON text: ordered keys, figures to 3 significant digits, one group per line.
std::string baseline_to_text(const Baseline& b);

// Throws InputError naming the file (and the group) on anything malformed.
Baseline parse_baseline(const std::string& text, const std::string& where);
Baseline load_baseline(const std::string& path);

}  // namespace condbench::regress
