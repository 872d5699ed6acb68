// The linear-solve study as an executor task: a case is one generated problem
// (problem spec x seed); its units are (precision, solver) pairs, precision-major.
// Each precision stores the problem, measures kappa and the reference of the stored
// problem once, then runs its solvers.
#pragma once

#include "studies/execution/task.hpp"
#include "studies/runner/results.hpp"
#include "studies/runner/study.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace condbench {

struct SolveTaskOptions {
  std::vector<const Solver*> solvers;     // after --solver
  std::vector<Precision> precisions;      // after --precision
  bool keep_skipped_rows = false;         // write "skipped" rows instead of tallying them
  int jobs = 1;                           // recorded in each row: cases running at once
};

// A skip tally key and its parts: "solver\tprecision\tkind". The reason is not in the
// key (it is the same for every case of that kind): Solver::why_not gives it again.
struct SkipKey {
  std::string solver, precision, kind;
  std::string encode() const;
  static SkipKey decode(const std::string& key);
};

class SolveTask : public exec::Task {
 public:
  using Case = std::pair<const ProblemSpec*, std::uint64_t>;
  SolveTask(const Study& study, std::vector<Case> cases, SolveTaskOptions opt);

  std::size_t case_count() const override { return cases_.size(); }
  std::string header() const override;
  int unit_count(std::size_t) const override { return static_cast<int>(opt_.precisions.size() * opt_.solvers.size()); }
  std::string unit_label(std::size_t c, int unit) const override;
  bool collective(std::size_t, int unit) const override { return solver_of(unit).info().collective; }
  void run_case(std::size_t c, int first_unit, exec::Emitter& emit) const override;
  std::string failed_record(std::size_t c, int unit, const std::string& skeleton, const std::string& why) const override;

  const Case& case_at(std::size_t c) const { return cases_[c]; }

 private:
  const Solver& solver_of(int unit) const { return *opt_.solvers[static_cast<std::size_t>(unit) % opt_.solvers.size()]; }
  Precision precision_of_unit(int unit) const {
    return opt_.precisions[static_cast<std::size_t>(unit) / opt_.solvers.size()];
  }

  const Study& study_;
  std::vector<Case> cases_;
  SolveTaskOptions opt_;
};

}  // namespace condbench
