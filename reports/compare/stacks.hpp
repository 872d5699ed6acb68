// Comparing BLAS/LAPACK stacks (docs/blas-stacks.md): the rows of one stack of a run, with the "@stack" suffix
// taken off the solver names, so that compare pairs lapack.lu@netlib with lapack.lu@openblas without --map.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "reports/common/run_data.hpp"
#include "reports/compare/compare.hpp"

namespace condbench::compare {

// The rows of `stack` ("linked": the built-in lapack.* rows, on the library condbench is linked with), renamed to
// their method ("lapack.lu"); the run's context says which stack. InputError when the run has no such rows.
RunData stack_view(const RunData& run, const std::string& stack);

// The stack of a run's "@stack" rows when they all have the same one.
std::optional<std::string> only_stack(const RunData& run);

// "--stacks A,B" -> {A, B}.
std::pair<std::string, std::string> parse_stack_pair(const std::string& text);

// What compare pairs by stack, before compare_runs. With `stacks` ("A,B"): run a becomes its stack A rows and run
// b its stack B rows (b may be a copy of a: two stacks of one run). Without: when each run has exactly one stack
// and they differ (the same study run on netlib, then on openblas), B's "m@Y" rows are mapped onto A's "m@X";
// when both runs have the same stacks (before and after a BLAS upgrade), nothing is mapped and the line says
// which stacks changed version. Returns that line; empty when the runs have no stacks.
std::string pair_stacks(RunData& a, RunData& b, const std::string& stacks, Options& opt);

}  // namespace condbench::compare
