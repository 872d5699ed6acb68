// A study file (TOML) and its expansion into concrete problem specifications.
//
//   [study]
//   name = "quick"
//   seeds = [1, 2, 3]
//   precisions = ["f32", "f64"]
//   solvers = ["lapack.*", "normal.*", "textbook.mgs_qr"]    # "*" for all
//   plugins = ["./libmine.so"]    # optional: plugin files the solvers come from (docs/plugins.md)
//
//   [[problem]]
//   generator = "randsvd"
//   n = [50, 200]                # m = [...] optional; default from the generator
//   kind = "least_squares"
//   kappa = { from = 1, to = 1e16, per_decade = 1 }    # or a list, or one value
//   residual = ["zero", "large"]
//   reference = false            # timing-only (also in [study]): no reference, no kappa
//
// Every list-valued parameter is swept (Cartesian product within its [[problem]]).
#pragma once

#include "solvers/registry.hpp"
#include "studies/generators/generator.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace condbench {

struct ProblemSpec {
  const Generator* generator = nullptr;
  ParamMap params;
  int m = 0;
  int n = 0;
  std::string where;  // "studies/quick.toml:14" for messages
  bool reference = true;  // false: timing-only, no reference and no kappa (reference = false)
};

struct Study {
  std::string path;
  std::string name;
  std::string description;
  std::string text;  // the file as read, kept in run.json
  std::string base_dir;  // what relative paths in it ([study] plugins) are relative to
  std::vector<std::uint64_t> seeds;
  std::vector<Precision> precisions;
  std::vector<std::string> solver_patterns;
  std::vector<const Solver*> solvers;
  std::vector<std::string> stacks;    // [[stack]] names, in file order (studies/runner/stacks.hpp)
  std::vector<ProblemSpec> problems;  // expanded, seeds not yet applied
  int repetitions = 1;                // timed solves per row (median reported)
  int warmup = 0;                     // untimed solves before them
  int threads = 0;                    // BLAS threads pinned for the run (0: OpenBLAS's default)
  int jobs = 1;                       // cases at once (forked children, one BLAS thread each)
  bool isolate = false;               // run cases in forked children: a crash or hang is a failed row
  double time_limit_s = 3600;         // per solver row, enforced in forked children; 0 = none
  bool skipped_rows = false;          // write "skipped" rows instead of counting them in run.json
  bool reference = true;              // [study] reference = false: every problem timing-only

  std::size_t case_count() const { return problems.size() * seeds.size(); }
};

// Parses and validates everything (names, parameters, shapes, memory) before
// anything runs. Throws InputError naming file, line and key. Relative paths in the study
// are relative to base_dir, by default the folder of `path`.
Study load_study(const std::string& path);
Study parse_study(const std::string& text, const std::string& path, const std::string& base_dir = "");

}  // namespace condbench
