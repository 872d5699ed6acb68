// Timing-only rows (reference = false in a study): what marks them in results.csv, so that
// commands needing errors can tell such a run from one whose references failed.
#pragma once

#include "studies/runner/results.hpp"

#include <string>
#include <vector>

namespace condbench {

// The ref_method of every row of a problem run with reference = false.
inline constexpr const char* kTimingOnlyRefMethod = "not computed: reference = false";

inline bool timing_only(const ResultRow& r) { return r.ref_method == kTimingOnlyRefMethod; }

// True when rows exist and every one is timing-only.
inline bool all_timing_only(const std::vector<ResultRow>& rows) {
  if (rows.empty()) return false;
  for (const auto& r : rows)
    if (!timing_only(r)) return false;
  return true;
}

}  // namespace condbench
