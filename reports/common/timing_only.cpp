#include "reports/common/timing_only.hpp"

#include "studies/runner/input_error.hpp"
#include "studies/runner/timing_only.hpp"

#include <fmt/format.h>

namespace condbench {

void require_errors(const RunData& run, const std::string& command) {
  if (!all_timing_only(run.rows)) return;
  throw InputError(run.dir, fmt::format("{}: this run is timing-only (reference = false: no reference, no kappa, "
                                        "so no forward errors); its times, GFLOP/s and residual ratios are in "
                                        "results.csv (condbench export reads it)",
                                        command));
}

}  // namespace condbench
