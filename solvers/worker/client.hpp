// One solver worker: an external program condbench starts once, asks which solvers it offers
// (the hello), then sends problems to and reads solutions from (docs/workers.md).
//
// Every fault of a solve becomes a failed outcome with the reason, never an exception or a
// lost study: a timeout ("timeout after 30 s") or a worker that dies (exit code or signal, and
// its last stderr lines) ends the process, and the next solve starts a new one; a malformed
// answer (wrong length, wrong element type, bad framing) says what was wrong. Only a worker
// that cannot start at all is an error (WorkerStartError), raised before any solve.
//
// Fork-safe: in a forked copy of condbench (a parallel or isolating executor) the first solve
// finds that this process did not start the worker, leaves the parent's worker alone and
// starts its own.
#pragma once

#include "solvers/solver.hpp"
#include "solvers/worker/process.hpp"
#include "solvers/worker/protocol.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace condbench::worker {

struct WorkerSpec {
  std::string name;                        // for messages and run.json
  std::vector<std::string> command;        // argv; argv[0] is searched in PATH
  std::map<std::string, std::string> env;  // added to condbench's environment
  double time_limit_s = 600;               // per solve, and for the hello
  std::string where;                       // where it was declared: "study.toml:12:1"

  // Same program, arguments, environment and limit: one worker serves both declarations.
  bool same_worker(const WorkerSpec& o) const {
    return command == o.command && env == o.env && time_limit_s == o.time_limit_s;
  }
};

// The command as a person would type it (arguments with spaces quoted).
std::string command_text(const std::vector<std::string>& argv);

class WorkerStartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class WorkerClient {
 public:
  // Starts the worker and reads its hello; WorkerStartError (with the command and the
  // worker's stderr) when it does not start or does not answer properly.
  explicit WorkerClient(WorkerSpec spec);
  ~WorkerClient();

  const WorkerSpec& spec() const { return spec_; }
  const Hello& hello() const { return hello_; }  // of the first start
  int restarts() const;

  // Sends the problem to solver `index` of the hello and waits for the answer.
  SolveOutcome<float> solve(std::size_t index, const SolveInput<float>& in);
  SolveOutcome<double> solve(std::size_t index, const SolveInput<double>& in);

  // pthread_atfork support (pool.cpp): no solve is in flight across a fork.
  void lock() { mu_.lock(); }
  void unlock() { mu_.unlock(); }

 private:
  std::unique_ptr<Process> start(Hello& hello) const;
  template <class T>
  SolveOutcome<T> solve_locked(std::size_t index, const SolveInput<T>& in);
  // Ends the worker after a fault; the next solve starts a new one.
  std::string end_worker(std::chrono::milliseconds grace);
  std::string label() const;

  WorkerSpec spec_;
  Hello hello_;
  std::mutex mu_;
  std::unique_ptr<Process> proc_;  // null after a fault, until the next solve
  std::uint64_t next_id_ = 0;
  int restarts_ = 0;
};

}  // namespace condbench::worker
