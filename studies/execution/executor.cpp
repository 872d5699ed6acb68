#include "studies/execution/executor.hpp"

#include "studies/execution/messages.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <stdexcept>

namespace condbench::exec {
namespace {

using Clock = std::chrono::steady_clock;

// Records for the units a case could not run, after something went wrong outside a
// unit (an exception or a crash while the case was being prepared).
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

bool send(int fd, MsgType type, int unit, const std::string& payload) {
  MsgHeader h{type, unit, payload.size()};
  return write_all(fd, &h, sizeof h) && write_all(fd, payload.data(), payload.size());
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

class PipeEmitter : public Emitter {
 public:
  explicit PipeEmitter(int fd) : fd_(fd) {}
  void identify(const std::string& s) override { put(kIdent, -1, s); }
  void begin(int unit, const std::string& s) override { put(kBegin, unit, s); }
  void row(int unit, const std::string& r) override { put(kRow, unit, r); }
  void tally(int unit, const std::string& k) override { put(kTally, unit, k); }
  bool stop_requested() override { return false; }  // the parent stops a child by killing it

 private:
  void put(MsgType t, int unit, const std::string& s) {
    if (!send(fd_, t, unit, s)) _exit(0);  // the parent is gone
  }
  int fd_;
};

[[noreturn]] void child_main(const Task& task, int in_fd, int out_fd) {
  // Ctrl-C goes to the whole process group: the parent decides, and kills children.
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_DFL);
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // a parent killed by -9 takes its children along
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);  // a crash is a failed row, not a core file per case
  if (getppid() == 1) _exit(0);
  PipeEmitter emit(out_fd);
  MsgHeader h;
  while (read_all(in_fd, &h, sizeof h)) {
    std::uint64_t c = 0;
    if (h.type != kRun || h.length != sizeof c || !read_all(in_fd, &c, sizeof c)) _exit(2);
    try {
      task.run_case(static_cast<std::size_t>(c), h.unit, emit);
      send(out_fd, kDone, -1, "");
    } catch (const std::exception& e) {
      send(out_fd, kError, -1, e.what());
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
  int next_unit = 0;      // first unit not yet finished
  int current = -1;       // unit running now (begin seen, no row yet)
  Clock::time_point unit_start;
  std::string ident, unit_skeleton;
  std::vector<std::string> records;
  std::map<std::string, int> tallies;
  int setup_deaths = 0;   // deaths outside any unit in this case
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
    for (auto& ch : children_)
      if (ch.pid > 0) {
        ::kill(ch.pid, SIGKILL);
        waitpid(ch.pid, nullptr, 0);
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
      child_main(task_, down[0], up[1]);
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
        if (ch.busy && ch.current >= 0) {
          double left = opt_.time_limit_s - std::chrono::duration<double>(Clock::now() - ch.unit_start).count();
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
      if (opt_.time_limit_s > 0 && ch.busy && ch.current >= 0 &&
          std::chrono::duration<double>(Clock::now() - ch.unit_start).count() > opt_.time_limit_s) {
        ::kill(ch.pid, SIGKILL);
        int status = 0;
        waitpid(ch.pid, &status, 0);
        ++stats_.timeouts;
        died(ch, fmt::format("timeout after {:g} s", opt_.time_limit_s), false);
      }
    }
  }

  void handle_messages(Child& ch) {
    while (ch.inbox.size() >= sizeof(MsgHeader)) {
      MsgHeader h;
      std::memcpy(&h, ch.inbox.data(), sizeof h);
      if (ch.inbox.size() < sizeof h + h.length) return;
      std::string payload = ch.inbox.substr(sizeof h, h.length);
      ch.inbox.erase(0, sizeof h + h.length);
      switch (h.type) {
        case kIdent: ch.ident = std::move(payload); break;
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
        case kDone: finish_case(ch); break;
        case kError:
          fail_rest(task_, ch.case_index, ch.current >= 0 ? ch.current : ch.next_unit,
                    ch.current >= 0 ? ch.unit_skeleton : ch.ident, "exception: " + payload, ch.records);
          finish_case(ch);
          break;
        default: break;
      }
    }
  }

  // The child is gone: its unit (or the case's set-up) failed; a fresh child goes on.
  void died(Child& ch, const std::string& what, bool count_crash = true) {
    ::close(ch.to);
    ::close(ch.from);
    ch.pid = -1;
    if (ch.busy) {
      if (ch.current >= 0) {
        if (count_crash) ++stats_.crashes;
        ch.records.push_back(task_.failed_record(ch.case_index, ch.current, ch.unit_skeleton,
                                                 what + " in " + task_.unit_label(ch.case_index, ch.current)));
        ch.next_unit = ch.current + 1;
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
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL (killed; out of memory?)";
    case SIGTERM: return "SIGTERM";
    case SIGPIPE: return "SIGPIPE";
    default: return fmt::format("signal {} ({})", sig, strsignal(sig));
  }
}

ExecStats execute(const Task& task, const std::vector<std::size_t>& cases, ResultsFile& out, const ExecOptions& opt) {
  if (cases.empty()) return {};
  if (opt.jobs <= 1 && !opt.isolate) return run_inline(task, cases, out, opt);
  Pool pool(task, out, opt);
  return pool.run(cases);
}

}  // namespace condbench::exec
