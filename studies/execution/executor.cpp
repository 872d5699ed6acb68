#include "studies/execution/executor.hpp"

#include "studies/execution/messages.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <stdexcept>

namespace condbench::exec {
namespace {

using Clock = std::chrono::steady_clock;

// Records for the units a case could not run, after something went wrong outside a unit (an
// exception or a crash while the case was being prepared).
void fail_rest(const Task& task, std::size_t c, int from, const std::string& skeleton, const std::string& why,
               std::vector<std::string>& records) {
  for (int u = from; u < task.unit_count(c); ++u) records.push_back(task.failed_record(c, u, skeleton, why));
}

// ---------------------------------------------------------------- in-process

class InlineEmitter : public Emitter {
 public:
  InlineEmitter(ResultsFile& out, const std::atomic<bool>* stop) : out_(out), stop_(stop) {}
  void identify(const std::string& skeleton) override { skeleton_ = skeleton; }
  void begin(int unit, const std::string& skeleton) override {
    next_ = unit;
    skeleton_ = skeleton;
  }
  void row(int unit, const std::string& record) override {
    out_.stream(record);
    next_ = unit + 1;
  }
  void tally(int unit, const std::string& key) override {
    ++tallies_[key];
    next_ = unit + 1;
  }
  bool stop_requested() override { return stop_ && stop_->load(); }

  ResultsFile& out_;
  const std::atomic<bool>* stop_;
  std::map<std::string, int> tallies_;
  std::string skeleton_;
  int next_ = 0;
};

ExecStats run_inline(const Task& task, const std::vector<std::size_t>& cases, ResultsFile& out,
                     const ExecOptions& opt) {
  ExecStats st;
  std::size_t done = 0;
  for (std::size_t c : cases) {
    if (opt.interrupted && *opt.interrupted) break;
    InlineEmitter e(out, opt.interrupted);
    try {
      task.run_case(c, 0, e);
    } catch (const std::exception& ex) {
      std::vector<std::string> records;
      fail_rest(task, c, e.next_, e.skeleton_, std::string("exception: ") + ex.what(), records);
      for (const auto& r : records) out.stream(r);
    }
    if (e.stop_requested()) break;  // the case is incomplete: not journaled, rerun by a resume
    out.close_case(c, e.tallies_);
    if (opt.progress) opt.progress(++done, cases.size(), c);
  }
  st.interrupted = opt.interrupted && *opt.interrupted;
  return st;
}

// ---------------------------------------------------------------- process pool

bool write_all(int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

void append(std::string& buf, MsgType type, int unit, const std::string& payload) {
  const MsgHeader h{type, unit, payload.size()};
  buf.append(reinterpret_cast<const char*>(&h), sizeof h);
  buf += payload;
}

bool read_all(int fd, void* data, std::size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// What a child reports without a system call: memory it shares with the parent (mmap before
// fork). The child writes which unit it runs (with its skeleton and start time) into the
// slot, and appends its messages (identity, rows, tallies) to the log; a case's end, or an
// exception, goes down the pipe and wakes the parent, which reads the log then. A crash
// loses nothing: the log lives on in the parent, and a message counts once `used` covers
// it. steady_clock is CLOCK_MONOTONIC, the same in both processes. The parent reads the
// skeleton only while the child is stopped (dead, or waiting for its next case).
struct Slot {
  static constexpr std::size_t kCapacity = 60 * 1024;
  static constexpr std::size_t kLogBytes = std::size_t{16} << 20;  // pages are touched as used
  std::atomic<int> unit{-1};                                       // -1: no unit running
  std::atomic<std::int64_t> start_ns{0};
  std::atomic<std::uint64_t> used{0};  // bytes of whole messages in the log (reset by the parent)
  std::size_t length = 0;
  char skeleton[kCapacity];
  char log[kLogBytes];
};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<std::int64_t>::is_always_lock_free &&
                  std::atomic<std::uint64_t>::is_always_lock_free,
              "the slot is shared between processes: its atomics must be lock-free");

Slot* map_slot() {
  void* p = mmap(nullptr, sizeof(Slot), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error(std::string("mmap: ") + std::strerror(errno));
  return new (p) Slot;
}

// The child's side. Once a message does not fit the log (or a skeleton the slot), the rest
// of the case goes down the pipe, so that the parent, which reads the log before every pipe
// message, sees the messages in the order they were sent.
class PipeEmitter : public Emitter {
 public:
  PipeEmitter(int fd, Slot* slot) : fd_(fd), slot_(slot) {}
  void identify(const std::string& s) override { post(kIdent, -1, s); }
  void begin(int unit, const std::string& s) override {
    if (s.size() > Slot::kCapacity) {  // too long for the slot: a message instead, at once
      slot_->unit.store(-1, std::memory_order_release);
      piped_ = true;
      write_msg(kBegin, unit, s);
      return;
    }
    std::memcpy(slot_->skeleton, s.data(), s.size());
    slot_->length = s.size();
    slot_->start_ns.store(now_ns(), std::memory_order_relaxed);
    slot_->unit.store(unit, std::memory_order_release);
  }
  void row(int unit, const std::string& r) override {
    post(kRow, unit, r);
    slot_->unit.store(-1, std::memory_order_release);
  }
  void tally(int unit, const std::string& k) override { post(kTally, unit, k); }
  bool stop_requested() override { return false; }  // the parent stops a child by killing it
  void done() { write_msg(kDone, -1, ""); }
  void error(const std::string& what) { write_msg(kError, -1, what); }
  // A new case (the parent emptied the log): nothing of the last one is running.
  void reset() {
    slot_->unit.store(-1, std::memory_order_release);
    piped_ = false;
  }

 private:
  void post(MsgType t, int unit, const std::string& s) {
    const std::uint64_t at = slot_->used.load(std::memory_order_relaxed);
    const MsgHeader h{t, unit, s.size()};
    if (!piped_ && at + sizeof h + s.size() <= Slot::kLogBytes) {
      std::memcpy(slot_->log + at, &h, sizeof h);
      std::memcpy(slot_->log + at + sizeof h, s.data(), s.size());
      slot_->used.store(at + sizeof h + s.size(), std::memory_order_release);
      return;
    }
    piped_ = true;
    write_msg(t, unit, s);
  }
  void write_msg(MsgType t, int unit, const std::string& s) {
    std::string buf;
    append(buf, t, unit, s);
    if (!write_all(fd_, buf.data(), buf.size())) _exit(0);  // the parent is gone
  }
  int fd_;
  Slot* slot_;
  bool piped_ = false;
};

[[noreturn]] void child_main(const Task& task, int in_fd, int out_fd, Slot* slot) {
  // Ctrl-C goes to the whole process group: the parent decides, and kills children.
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_DFL);
  prctl(PR_SET_PDEATHSIG,
        SIGKILL);  // a parent killed by -9 takes its children along
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE,
            &no_core);  // a crash is a failed row, not a core file per case
  if (getppid() == 1) _exit(0);
  PipeEmitter emit(out_fd, slot);
  MsgHeader h;
  while (read_all(in_fd, &h, sizeof h)) {
    std::uint64_t c = 0;
    if (h.type != kRun || h.length != sizeof c || !read_all(in_fd, &c, sizeof c)) _exit(2);
    emit.reset();
    try {
      task.run_case(static_cast<std::size_t>(c), h.unit, emit);
      emit.done();
    } catch (const std::exception& e) {
      emit.error(e.what());  // the slot still names the unit that threw, if one did
    }
  }
  _exit(0);
}

struct Child {
  pid_t pid = -1;
  int to = -1, from = -1;
  std::string inbox;  // bytes read, not yet a whole message

  // The case it runs.
  bool busy = false;
  std::size_t case_index = 0;
  int next_unit = 0;           // first unit not yet finished
  Slot* slot = nullptr;        // which unit runs now, and the log (the child writes them)
  std::uint64_t log_read = 0;  // bytes of the log handled
  int current = -1;            // a unit announced by message instead (skeleton too long)
  Clock::time_point unit_start;
  std::string ident, unit_skeleton;
  std::vector<std::string> records;
  std::map<std::string, int> tallies;
  int setup_deaths = 0;  // deaths outside any unit in this case
};

std::string death_text(int status) {
  if (WIFSIGNALED(status)) return "crashed: " + signal_name(WTERMSIG(status));
  if (WIFEXITED(status)) return fmt::format("died: exit code {}", WEXITSTATUS(status));
  return "died";
}

class Pool {
 public:
  Pool(const Task& task, ResultsFile& out, const ExecOptions& opt) : task_(task), out_(out), opt_(opt) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  ~Pool() {  // after an exception: no child outlives the run
    for (auto& ch : children_) {
      if (ch.pid > 0) {
        ::kill(ch.pid, SIGKILL);
        waitpid(ch.pid, nullptr, 0);
      }
      if (ch.slot) munmap(ch.slot, sizeof(Slot));
    }
  }

  ExecStats run(const std::vector<std::size_t>& cases) {
    std::deque<std::size_t> queue(cases.begin(), cases.end());
    const std::size_t total = cases.size();
    const int n = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(std::max(1, opt_.jobs)), total));
    children_.resize(static_cast<std::size_t>(n));
    for (auto& ch : children_) spawn(ch);
    while (true) {
      for (auto& ch : children_)
        if (!ch.busy && !queue.empty()) {
          start(ch, queue.front(), 0);
          queue.pop_front();
        }
      bool any_busy = false;
      for (auto& ch : children_) any_busy = any_busy || ch.busy;
      if (!any_busy) break;
      if (opt_.interrupted && *opt_.interrupted) {
        stats_.interrupted = true;
        break;
      }
      wait_and_handle();
      if (opt_.progress)
        while (reported_ < done_) {
          const std::size_t c = last_done_[reported_];
          opt_.progress(++reported_, total, c);
        }
    }
    shutdown();
    return stats_;
  }

 private:
  void spawn(Child& ch) {
    if (!ch.slot) ch.slot = map_slot();
    ch.slot->unit.store(-1);  // a fresh child runs nothing yet
    ch.slot->used.store(0);
    ch.log_read = 0;
    ch.current = -1;
    int down[2], up[2];
    if (pipe(down) != 0 || pipe(up) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
      ::close(down[1]);
      ::close(up[0]);
      for (auto& other : children_)  // the pipes of the other children are not ours
        if (other.pid > 0) ::close(other.to), ::close(other.from);
      child_main(task_, down[0], up[1], ch.slot);
    }
    ::close(down[0]);
    ::close(up[1]);
    ch.pid = pid;
    ch.to = down[1];
    ch.from = up[0];
    ch.inbox.clear();
  }

  void start(Child& ch, std::size_t c, int first_unit) {
    if (ch.busy && ch.case_index == c) {
      ch.next_unit = first_unit;
    } else {
      ch.busy = true;
      ch.case_index = c;
      ch.next_unit = first_unit;
      ch.ident.clear();
      ch.records.clear();
      ch.tallies.clear();
      ch.setup_deaths = 0;
    }
    ch.current = -1;
    absorb(ch);  // (nothing left: the log was read when the last case ended or
                 // its child died)
    ch.slot->used.store(0,
                        std::memory_order_release);  // the child waits for kRun:
                                                     // it writes nothing now
    ch.log_read = 0;
    std::uint64_t cc = c;
    MsgHeader h{kRun, first_unit, sizeof cc};
    if (!write_all(ch.to, &h, sizeof h) || !write_all(ch.to, &cc, sizeof cc)) {
      // It died before it could take the case: the death is noticed when its pipe closes.
    }
  }

  void finish_case(Child& ch) {
    out_.write_case(ch.case_index, ch.records, ch.tallies);
    last_done_.push_back(ch.case_index);
    ++done_;
    ch.busy = false;
    ch.records.clear();
    ch.tallies.clear();
  }

  int poll_timeout_ms() const {
    double t = 0.2;  // also how often an interrupt is noticed
    if (opt_.time_limit_s > 0)
      for (const auto& ch : children_)
        if (ch.busy && running(ch) >= 0) {
          double left = opt_.time_limit_s - std::chrono::duration<double>(Clock::now() - started(ch)).count();
          t = std::min(t, std::max(0.0, left));
        }
    return static_cast<int>(std::ceil(t * 1000));
  }

  void wait_and_handle() {
    std::vector<pollfd> fds;
    for (const auto& ch : children_) fds.push_back(pollfd{ch.from, POLLIN, 0});
    int r = ::poll(fds.data(), fds.size(), poll_timeout_ms());
    if (r < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    for (std::size_t i = 0; i < children_.size(); ++i) {
      Child& ch = children_[i];
      if (r > 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        char buf[65536];
        ssize_t got = ::read(ch.from, buf, sizeof buf);
        if (got > 0) {
          ch.inbox.append(buf, static_cast<std::size_t>(got));
          handle_messages(ch);
        } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
          int status = 0;
          waitpid(ch.pid, &status, 0);
          died(ch, death_text(status));
          continue;
        }
      }
      if (opt_.time_limit_s > 0 && ch.busy && running(ch) >= 0 &&
          std::chrono::duration<double>(Clock::now() - started(ch)).count() > opt_.time_limit_s) {
        ::kill(ch.pid, SIGKILL);
        int status = 0;
        waitpid(ch.pid, &status, 0);
        drain(ch);  // a row that made it into the pipe before the kill still
                    // counts
        if (ch.busy && running(ch) >= 0) {
          ++stats_.timeouts;
          died(ch, fmt::format("timeout after {:g} s", opt_.time_limit_s), false);
        } else {
          died(ch, "killed after its unit finished", false);
        }
      }
    }
  }

  // The unit the child runs now (-1: none): the slot's, unless its row has come already, or
  // the one announced by message. Tallies and rows come in order before a unit's start is
  // written, and the pipe is read to its end before a death is handled.
  static int running(const Child& ch) {
    const int u = ch.slot->unit.load(std::memory_order_acquire);
    if (u >= 0 && u >= ch.next_unit) return u;
    return ch.current;
  }
  static Clock::time_point started(const Child& ch) {
    if (ch.current >= 0) return ch.unit_start;
    return Clock::time_point(std::chrono::nanoseconds(ch.slot->start_ns.load(std::memory_order_relaxed)));
  }
  // Only while the child is stopped (dead, or waiting for its next case).
  static std::string skeleton(const Child& ch) {
    if (ch.current >= 0) return ch.unit_skeleton;
    return std::string(ch.slot->skeleton, ch.slot->length);
  }

  // Reads what a dead child left in its pipe.
  void drain(Child& ch) {
    char buf[65536];
    while (true) {
      ssize_t got = ::read(ch.from, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      ch.inbox.append(buf, static_cast<std::size_t>(got));
    }
    handle_messages(ch);
  }

  void handle_messages(Child& ch) {
    while (ch.inbox.size() >= sizeof(MsgHeader)) {
      MsgHeader h;
      std::memcpy(&h, ch.inbox.data(), sizeof h);
      if (ch.inbox.size() < sizeof h + h.length) return;
      std::string payload = ch.inbox.substr(sizeof h, h.length);
      ch.inbox.erase(0, sizeof h + h.length);
      absorb(ch);  // what the child logged came before this message
      handle(ch, h, std::move(payload));
    }
  }

  // The log's messages not handled yet.
  void absorb(Child& ch) {
    const std::uint64_t used = ch.slot->used.load(std::memory_order_acquire);
    while (ch.log_read + sizeof(MsgHeader) <= used) {
      MsgHeader h;
      std::memcpy(&h, ch.slot->log + ch.log_read, sizeof h);
      std::string payload(ch.slot->log + ch.log_read + sizeof h, h.length);
      ch.log_read += sizeof h + h.length;
      handle(ch, h, std::move(payload));
    }
  }

  void handle(Child& ch, const MsgHeader& h, std::string payload) {
    switch (h.type) {
      case kIdent:
        ch.ident = std::move(payload);
        break;
      case kBegin:
        ch.current = h.unit;
        ch.unit_skeleton = std::move(payload);
        ch.unit_start = Clock::now();
        break;
      case kRow:
        ch.records.push_back(std::move(payload));
        ch.current = -1;
        ch.next_unit = h.unit + 1;
        break;
      case kTally:
        ++ch.tallies[payload];
        ch.next_unit = h.unit + 1;
        break;
      case kDone:
        finish_case(ch);
        break;
      case kError: {
        // The child waits for its next case: the slot is stable, and reset for that case.
        const int u = running(ch);
        fail_rest(task_, ch.case_index, u >= 0 ? u : ch.next_unit, u >= 0 ? skeleton(ch) : ch.ident,
                  "exception: " + payload, ch.records);
        ch.slot->unit.store(-1);
        ch.current = -1;
        finish_case(ch);
        break;
      }
      default:
        break;
    }
  }

  // The child is gone: its unit (or the case's set-up) failed; a fresh child goes on.
  void died(Child& ch, const std::string& what, bool count_crash = true) {
    ::close(ch.to);
    ::close(ch.from);
    ch.pid = -1;
    absorb(ch);
    const int u = running(ch);
    if (ch.busy) {
      if (u >= 0) {
        if (count_crash) ++stats_.crashes;
        ch.records.push_back(
            task_.failed_record(ch.case_index, u, skeleton(ch), what + " in " + task_.unit_label(ch.case_index, u)));
        ch.next_unit = u + 1;
      } else if (++ch.setup_deaths > 1) {
        // Died twice outside any unit (generating the case or its reference): no third try.
        fail_rest(task_, ch.case_index, ch.next_unit, ch.ident,
                  what + " while preparing the case (generation, reference or kappa)", ch.records);
        ch.next_unit = task_.unit_count(ch.case_index);
      }
    }
    spawn(ch);
    if (ch.busy) {
      if (ch.next_unit < task_.unit_count(ch.case_index))
        start(ch, ch.case_index, ch.next_unit);
      else
        finish_case(ch);
    }
  }

  void shutdown() {
    std::vector<std::string> partial;
    for (auto& ch : children_) {
      if (ch.pid <= 0) continue;
      if (ch.busy) {
        ::kill(ch.pid, SIGKILL);
        partial.insert(partial.end(), ch.records.begin(), ch.records.end());
      }
      ::close(ch.to);  // an idle child reads EOF and exits
      ::close(ch.from);
      int status = 0;
      waitpid(ch.pid, &status, 0);
      ch.pid = -1;
    }
    if (!partial.empty()) out_.write_incomplete(partial);
  }

  const Task& task_;
  ResultsFile& out_;
  const ExecOptions& opt_;
  std::vector<Child> children_;
  ExecStats stats_;
  std::size_t done_ = 0, reported_ = 0;
  std::vector<std::size_t> last_done_;
};

}  // namespace

std::string signal_name(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGABRT:
      return "SIGABRT";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGILL:
      return "SIGILL";
    case SIGKILL:
      return "SIGKILL (killed; out of memory?)";
    case SIGTERM:
      return "SIGTERM";
    case SIGPIPE:
      return "SIGPIPE";
    default:
      return fmt::format("signal {} ({})", sig, strsignal(sig));
  }
}

ExecStats execute(const Task& task, const std::vector<std::size_t>& cases, ResultsFile& out, const ExecOptions& opt) {
  if (cases.empty()) return {};
  if (opt.jobs <= 1 && !opt.isolate) return run_inline(task, cases, out, opt);
  Pool pool(task, out, opt);
  return pool.run(cases);
}

}  // namespace condbench::exec
