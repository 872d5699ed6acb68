// A child process with pipes on its stdin, stdout and stderr, and deadline-bound I/O on them.
//
// The child runs in its own process group (Ctrl-C in condbench's terminal does not reach it;
// condbench finishes the row in progress and the worker its solve) and is killed as a group.
// Its stderr is read whenever condbench waits on it, so a chatty worker never blocks, and the
// last lines are kept for messages. Pipes are close-on-exec: a second worker never inherits
// the first one's. The object knows which process started the child: in a forked copy of
// condbench it only closes its copies of the pipes and never signals or reaps the child.
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace condbench::worker {

class Process {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Io { ok, timeout, closed };

  // Starts argv[0] (searched in PATH when it has no '/') with condbench's environment plus
  // `env`. Throws std::runtime_error when it cannot be started at all.
  Process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Writes the buffers in order, all of them, before the deadline.
  Io write_all(std::vector<iovec> bufs, Clock::time_point deadline);
  // Reads exactly n bytes before the deadline; `closed` on end of file.
  Io read_exact(void* data, std::size_t n, Clock::time_point deadline);

  // Ends the child (SIGKILL to its group unless it has already exited), reaps it and says how
  // it ended: "exited with code 3", "killed by signal 11 (SIGSEGV: Segmentation fault)".
  // `grace` is how long it may take to exit on its own first (it closed its stdout: it is dying).
  std::string terminate(std::chrono::milliseconds grace);

  // The last `lines` non-empty lines the child wrote to stderr, joined by `sep`.
  std::string stderr_tail(std::size_t lines, const std::string& sep);

  pid_t pid() const { return pid_; }
  // False in a forked copy of the process that started the child.
  bool started_here() const;

 private:
  void drain_stderr();  // reads what is there without blocking
  void close_fds();

  pid_t pid_ = -1;
  pid_t owner_ = -1;
  int to_child_ = -1, from_child_ = -1, err_ = -1;
  bool reaped_ = false;
  bool splice_ok_ = true;  // vmsplice works on this pipe (write_all)
  std::string err_text_;  // the end of the child's stderr (bounded)
};

// How a wait status reads: "exited with code 3", "killed by signal 9 (SIGKILL: Killed)".
std::string describe_wait_status(int status);

}  // namespace condbench::worker
