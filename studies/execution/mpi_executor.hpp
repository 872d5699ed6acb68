// A run under mpirun: every rank runs `condbench run` with the same arguments; rank 0
// plans the run (filters, shard, resume), writes results.csv, journal.jsonl and
// run.json and reports; the other ranks compute what it hands out.
//
// 1. Handshake. Every rank builds the same task; the others tell rank 0 they are
//    ready (host, pid, BLAS threads) or why they cannot start; rank 0 answers "go"
//    or "stop". A rank that fails before, and rank 0 rejecting the input, still take
//    part (mpi_guarded), so every rank leaves with exit code 2 and no rank waits.
// 2. Independent units (every solver that is not a grid solver): rank 0 hands out
//    cases one at a time from a queue to the other ranks and to its own computing
//    thread (its main thread talks MPI and writes); a rank asks for the next case
//    when it sends back the records of its last one, so a few costly high-kappa
//    cases do not leave ranks idle.
// 3. Collective units (grid solvers, SolverInfo::collective): the other ranks serve
//    grid solves while rank 0 runs those units case by case, in case order, on its
//    main thread; each grid solve sends its job to every rank.
// A case's records from both passes are put in unit order and written (and
// journaled) when its last pass is done, so results.csv equals a sequential run's
// (timings and the jobs column aside). There is no fork isolation under MPI: a
// crash ends the job, and --resume continues it.
#pragma once

#include "studies/execution/executor.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>

namespace condbench::exec {

class MpiSession {
 public:
  // Outside mpirun: inactive. Under mpirun, rank 0 waits until every other rank has
  // reached its session, and throws InputError naming a rank that could not.
  MpiSession();
  ~MpiSession();  // rank 0 leaving before execute() tells the other ranks to stop
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  bool active() const { return active_; }
  bool follower() const;  // a rank other than 0
  int ranks() const;
  // run.json's execution.mpi: ranks, MPI library, every rank's host, pid and BLAS threads.
  nlohmann::ordered_json context() const;

  // Rank 0: runs `cases` on every rank and writes them to `out`.
  ExecStats execute(const Task& task, const std::vector<std::size_t>& cases, ResultsFile& out, const ExecOptions& opt);
  // Other ranks: computes what rank 0 hands out until it ends the run. InputError
  // when rank 0 stopped the run before it began.
  ExecStats follow(const Task& task, const std::atomic<bool>* interrupted);

 private:
  bool active_ = false;
};

// Runs a command in which, under mpirun, the ranks meet in an MpiSession: an exception
// before they agreed to start still takes this rank's part in the handshake, then
// goes on. Outside mpirun: just `command()`.
int mpi_guarded(const std::function<int()>& command);

}  // namespace condbench::exec
