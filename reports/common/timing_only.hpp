// A run made only of timing-only rows (reference = false) has no errors to plot, compare
// or check: the commands that need them say so (exit 2) instead of drawing empty figures.
#pragma once

#include "reports/common/run_data.hpp"

#include <string>

namespace condbench {

// Throws InputError naming the run folder when every row of `run` is timing-only.
// command: what needs the errors and why ("regress checks forward errors").
void require_errors(const RunData& run, const std::string& command);

}  // namespace condbench
