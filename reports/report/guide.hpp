// The lectures' solver guide, measured: for each problem kind x kappa range x precision of a
// run, the most accurate solver, the fastest one within one digit of it, and what the
// lecture's decision tree (Part 8, "Practical Solver Selection Guide") picks -- with that
// choice's own measured digits and time, so a reader can hold the table against the lecture.
#pragma once

#include "studies/runner/results.hpp"

#include <optional>
#include <string>
#include <vector>

namespace condbench::report {

struct GuideChoice {
  std::string solver;
  double digits = 0;  // median correct digits over its solves in the group (a failed solve counts 0)
  double time_s = 0;  // median time_s of its ok solves (NaN: none ok)
  int solves = 0, failed = 0;
};

struct GuideLine {
  std::string precision, kind;
  int bin = 0;  // two-decade kappa range, kappa_bin(kappa, 2)
  GuideChoice most_accurate, fastest_within_digit;
  std::string lecture_method;          // the tree's branch: "Cholesky", "LU", "SVD pseudoinverse", ...
  std::optional<GuideChoice> lecture;  // the run's solver that implements it; none when the run has none
  int solvers = 0;                     // how many solvers the group compared
};

// Groups with at least two solvers, ordered by precision, kind and kappa range.
std::vector<GuideLine> solver_guide(const std::vector<ResultRow>& rows);

std::string guide_markdown(const std::vector<GuideLine>& lines);
std::string guide_html(const std::vector<GuideLine>& lines);

}  // namespace condbench::report
