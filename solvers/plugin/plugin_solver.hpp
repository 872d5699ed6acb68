// One solver of a plugin (include/condbench/plugin.h) behind condbench's Solver interface.
//
// The plugin gets copies of A and b it may overwrite and an x preset to NaN; what comes back
// (status, reason, facts, timing) is checked before it becomes a SolveOutcome, so a plugin
// that returns nonsense gets a failed row that says what was wrong, never a crash of the
// harness from bad data. (A plugin that crashes or hangs is the executor's business: plugin
// solvers ask to be run isolated.)
#pragma once

#include "condbench/plugin.h"
#include "solvers/solver.hpp"

#include <string>

namespace condbench::plugin {

class PluginSolver : public SolverT<PluginSolver> {
 public:
  // `desc`: the plugin's table entry, checked by the loader (the library is never unloaded,
  // so its functions and user_data stay valid).
  PluginSolver(const condbench_solver& desc, SolverInfo info);

  const SolverInfo& info() const override { return info_; }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const;

 private:
  condbench_solver desc_;
  SolverInfo info_;
};

// The bits of plugin.h for condbench's own kinds, and back.
std::uint32_t kind_bit(ProblemKind k);
KindSet kinds_of_bits(std::uint32_t bits);

// Turns what a plugin wrote into `r` into facts, reason and status; x is already in `out`.
// `call_s` is the wall time of the call, used when the plugin does not time itself. Public
// for the tests of bad return data.
template <class T>
void translate_result(const condbench_result& r, double call_s, SolveOutcome<T>& out);

// A result as condbench hands it to a plugin: the presets of plugin.h.
void preset_result(condbench_result& r);

}  // namespace condbench::plugin
