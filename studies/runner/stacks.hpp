// [[stack]] tables of a study: the BLAS/LAPACK stacks its lapack.* solvers run on, side by side in one process
// (solvers/lapack/stack.hpp, docs/blas-stacks.md).
//
//   [[stack]]
//   name = "netlib"          # a Debian 12 stack by name needs nothing else (netlib, openblas-pthread,
//                            # openblas-openmp, blis, atlas, flame, ...)
//   [[stack]]
//   name = "candidate"
//   blas = "/opt/openblas-0.3.28/lib/libopenblas.so.0"   # a path or a shorthand, loaded first
//   lapack = "netlib"        # optional: a path or shorthand; default: the BLAS shorthand's usual LAPACK, or
//                            # the BLAS object itself for a path
//   threads = 1              # optional: default [study] threads, or 1
//
// Solvers are named lapack.<method>@<stack>; in [study] solvers, "lapack.lu@*", "lapack.*@netlib" and
// "lapack.*@*" expand over the study's stacks.
#pragma once

#include <toml++/toml.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "studies/runner/study.hpp"

namespace condbench {

// Defines and loads the stacks of `doc` (their names into s.stacks), before [study] solvers are resolved. A
// stack whose files are missing is defined and unavailable (its rows are skipped with the reason). Throws
// InputError naming file:line:column and the key for a bad entry, and for stacks that cannot share the process.
void parse_stacks(const toml::table& doc, const std::string& path, Study& s);

// The solvers one [study] solvers pattern names. A pattern with '@' expands over the study's stacks; any other
// goes to the registry and never picks up stack solvers. Throws std::invalid_argument with the reason for a
// malformed family name; empty when nothing matches.
std::vector<const Solver*> match_solvers(const std::string& pattern, const Study& s);

// run.json: every stack of the study as loaded (libraries that served dgemm_/dgetrf_, versions, threads) or why
// it is unavailable.
nlohmann::ordered_json stacks_json(const Study& s);

// `condbench list solvers --study`: one block per stack (libraries, version, threads) or why it is unavailable.
std::string format_stacks(const Study& s);

}  // namespace condbench
