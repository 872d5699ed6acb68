// What the executor runs: a study seen as a list of cases, each a sequence of
// units (one row each), producing CSV records. The linear-solve study and the
// layer-chain study are two tasks behind the same executor, results files,
// resume, isolation, shards and MPI.
//
// A unit is one row-to-be: for a linear-solve case, one (precision, solver) pair.
// Units run in order; a case that stops in the middle (a crash, a hang) continues
// from the next unit in a fresh process.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace condbench::exec {

// Where a case reports what happens; implemented in-process (inline runs) and over
// a pipe or MPI (forked and remote workers).
class Emitter {
 public:
  virtual ~Emitter() = default;
  // The case's identity is known (generated): the record a failed row is made from
  // when the case dies before a unit begins.
  virtual void identify(const std::string& skeleton) = 0;
  // Unit `unit` starts: `skeleton` is the record it becomes if it crashes or hangs.
  virtual void begin(int unit, const std::string& skeleton) = 0;
  // Unit `unit` produced its record (a CSV line ending in '\n').
  virtual void row(int unit, const std::string& record) = 0;
  // A unit that does not run for a static reason (the solver does not take this
  // kind or precision, or is unavailable here) is not a row but a tally: its key
  // is counted in the run's summary (run.json "skipped").
  virtual void tally(int unit, const std::string& key) = 0;
  // The run was asked to stop (Ctrl-C, SIGTERM): stop before the next unit.
  virtual bool stop_requested() = 0;
  // Whether this pass over the case runs `unit` at all (no row, no tally when not):
  // under MPI, independent units run on any rank from a work queue and collective ones
  // (grid solvers) in a second pass with every rank (Task::collective).
  virtual bool wanted(int /*unit*/) { return true; }
};

class Task {
 public:
  virtual ~Task() = default;
  virtual std::size_t case_count() const = 0;
  // The CSV header record of the results file (with '\n').
  virtual std::string header() const = 0;
  virtual int unit_count(std::size_t case_index) const = 0;
  // A unit that needs every MPI rank at once (a solver on a process grid).
  virtual bool collective(std::size_t /*case_index*/, int /*unit*/) const { return false; }
  // A short label of a unit for messages: "lapack.lu f64".
  virtual std::string unit_label(std::size_t case_index, int unit) const = 0;
  // Runs units first_unit.. of the case, reporting through `emit`. Deterministic:
  // the same records whatever process runs it.
  virtual void run_case(std::size_t case_index, int first_unit, Emitter& emit) const = 0;
  // The failed record of a unit that crashed, hung, or never ran because the case
  // died in its set-up. `skeleton` is what begin() or identify() sent (empty when
  // the case died before its identity was known).
  virtual std::string failed_record(std::size_t case_index, int unit, const std::string& skeleton,
                                    const std::string& why) const = 0;
};

}  // namespace condbench::exec
