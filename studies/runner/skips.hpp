// What did not run, for people: run.json's "skipped" groups (one per solver x
// precision x problem kind) folded into a few lines. Solvers unavailable here for
// the same reason share a line ("cusolver.* (16 solvers): no usable CUDA device:
// ..."); a solver that does not take some kinds or precisions gets one line.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace condbench {

struct SkipLine {
  std::string solvers;  // "cusolver.* (16 solvers)", "lapack.cholesky", or a list
  std::string reason;   // "no usable CUDA device: ...", "does not take general, least_squares problems"
  long long rows = 0;   // solver x case x precision combinations not run
};

std::vector<SkipLine> skip_lines(const nlohmann::ordered_json& skipped);

// The lines as plain text, one per line, indented by `indent`.
std::string format_skip_lines(const std::vector<SkipLine>& lines, const std::string& indent = "  ");

}  // namespace condbench
