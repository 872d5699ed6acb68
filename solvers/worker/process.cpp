#include "solvers/worker/process.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace condbench::worker {
namespace {

constexpr std::size_t kStderrKeep = 16 * 1024;
// 1 MiB pipes (Linux's default limit for unprivileged processes) instead of 64 KiB: a 32 MB
// matrix then crosses in 32 wake-ups instead of 500.
constexpr int kPipeBytes = 1 << 20;

struct Pipe {
  int read = -1, write = -1;
};

Pipe make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  return {fds[0], fds[1]};
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

int remaining_ms(Process::Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Process::Clock::now()).count() + 1;
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

// A dead worker must give a failed row, not kill condbench with SIGPIPE on the next write.
// Its children get the default disposition back (posix_spawnattr_setsigdefault).
void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

std::vector<std::string> environment_with(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    if (!env.count(kv.substr(0, kv.find('=')))) out.push_back(kv);
  }
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

}  // namespace

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with code {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* abbrev = sigabbrev_np(sig);
    return fmt::format("killed by signal {} ({}{}: {})", sig, abbrev ? "SIG" : "", abbrev ? abbrev : "?",
                       strsignal(sig));
  }
  return fmt::format("ended with wait status {}", status);
}

Process::Process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
  if (argv.empty() || argv[0].empty()) throw std::runtime_error("empty command");
  ignore_sigpipe_once();
  Pipe in = make_pipe(), out = make_pipe(), err = make_pipe();
  fcntl(in.write, F_SETPIPE_SZ, kPipeBytes);  // best effort: a smaller pipe only costs speed
  fcntl(out.write, F_SETPIPE_SZ, kPipeBytes);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in.read, 0);
  posix_spawn_file_actions_adddup2(&fa, out.write, 1);
  posix_spawn_file_actions_adddup2(&fa, err.write, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults, empty;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP}) sigaddset(&defaults, s);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  std::vector<std::string> envs = environment_with(env);
  std::vector<char*> cenv;
  for (auto& e : envs) cenv.push_back(e.data());
  cenv.push_back(nullptr);

  int rc = posix_spawnp(&pid_, argv[0].c_str(), &fa, &attr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  for (int fd : {in.read, out.write, err.write}) close(fd);
  if (rc != 0) {
    for (int fd : {in.write, out.read, err.read}) close(fd);
    throw std::runtime_error(fmt::format("cannot run '{}': {}", argv[0], std::strerror(rc)));
  }
  owner_ = getpid();
  to_child_ = in.write;
  from_child_ = out.read;
  err_ = err.read;
  for (int fd : {to_child_, from_child_, err_}) set_nonblocking(fd);
}

Process::~Process() {
  if (started_here() && !reaped_) {
    // Closing its stdin is the polite goodbye (end of file); then the group goes.
    close(to_child_);
    to_child_ = -1;
    terminate(std::chrono::milliseconds(2000));
  }
  close_fds();
}

bool Process::started_here() const { return owner_ == getpid(); }

void Process::close_fds() {
  for (int* fd : {&to_child_, &from_child_, &err_})
    if (*fd >= 0) close(*fd), *fd = -1;
}

void Process::drain_stderr() {
  if (err_ < 0) return;
  char buf[4096];
  for (;;) {
    ssize_t k = read(err_, buf, sizeof buf);
    if (k > 0) {
      err_text_.append(buf, static_cast<std::size_t>(k));
      if (err_text_.size() > 2 * kStderrKeep) err_text_.erase(0, err_text_.size() - kStderrKeep);
      continue;
    }
    if (k == 0) close(err_), err_ = -1;  // the child closed stderr (or died)
    return;                              // EAGAIN: nothing more for now
  }
}

Process::Io Process::write_all(std::vector<iovec> bufs, Clock::time_point deadline) {
  std::size_t first = 0;
  while (first < bufs.size()) {
    if (bufs[first].iov_len == 0) {
      ++first;
      continue;
    }
    // vmsplice maps our pages into the pipe instead of copying them there: the worker's read is
    // then the only copy (a 32 MB matrix crosses about twice as fast). Safe because the caller
    // leaves the buffers untouched until the answer has come, and after a fault the pipe is
    // closed before it returns. Where vmsplice is refused, writev.
    const std::size_t count = std::min<std::size_t>(bufs.size() - first, IOV_MAX);
    ssize_t k = -1;
    if (splice_ok_) {
      k = vmsplice(to_child_, bufs.data() + first, count, SPLICE_F_NONBLOCK);
      if (k < 0 && (errno == EINVAL || errno == ENOSYS || errno == EPERM)) splice_ok_ = false;
    }
    if (!splice_ok_) k = writev(to_child_, bufs.data() + first, static_cast<int>(count));
    if (k > 0) {
      auto left = static_cast<std::size_t>(k);
      while (left > 0 && left >= bufs[first].iov_len) left -= bufs[first++].iov_len;
      if (left > 0) {
        bufs[first].iov_base = static_cast<char*>(bufs[first].iov_base) + left;
        bufs[first].iov_len -= left;
      }
      continue;
    }
    if (k < 0 && errno == EINTR) continue;
    if (k < 0 && errno != EAGAIN) return Io::closed;  // EPIPE: the worker is gone
    pollfd p[2] = {{to_child_, POLLOUT, 0}, {err_, POLLIN, 0}};
    int r = poll(p, err_ >= 0 ? 2 : 1, remaining_ms(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0 || Clock::now() >= deadline) return Io::timeout;
    if (err_ >= 0 && p[1].revents) drain_stderr();
    if (p[0].revents & (POLLERR | POLLHUP)) return Io::closed;
  }
  return Io::ok;
}

Process::Io Process::read_exact(void* data, std::size_t n, Clock::time_point deadline) {
  auto* at = static_cast<char*>(data);
  while (n > 0) {
    ssize_t k = read(from_child_, at, n);
    if (k > 0) {
      at += k;
      n -= static_cast<std::size_t>(k);
      continue;
    }
    if (k == 0) return Io::closed;
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return Io::closed;
    pollfd p[2] = {{from_child_, POLLIN, 0}, {err_, POLLIN, 0}};
    int r = poll(p, err_ >= 0 ? 2 : 1, remaining_ms(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0 || Clock::now() >= deadline) return Io::timeout;
    if (err_ >= 0 && p[1].revents) drain_stderr();
  }
  return Io::ok;
}

std::string Process::terminate(std::chrono::milliseconds grace) {
  if (!started_here()) return "started by another process";
  if (reaped_) return "already ended";
  // Wait without reaping (WNOWAIT): while the leader is an unreaped zombie its group id cannot be
  // reused, so the group kill below never reaches an unrelated process.
  auto until = Clock::now() + grace;
  siginfo_t info{};
  bool exited = false;
  for (;;) {
    info.si_pid = 0;
    if (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0 && errno != EINTR) break;
    exited = info.si_pid == pid_;
    if (exited || Clock::now() >= until) break;
    drain_stderr();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  kill(-pid_, SIGKILL);  // the whole group: a worker's own children go with it
  int status = 0;
  pid_t r;
  while ((r = waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
  }
  std::string how;
  if (r != pid_)
    how = "ended (its exit status was collected elsewhere)";
  else if (exited)
    how = describe_wait_status(status);
  else
    how = grace.count() > 0 ? "did not exit by itself; killed" : "killed";
  reaped_ = true;
  // What it wrote last is the most useful line of the message: read it to the end (bounded).
  auto stop = Clock::now() + std::chrono::milliseconds(200);
  while (err_ >= 0 && Clock::now() < stop) {
    pollfd p{err_, POLLIN, 0};
    if (poll(&p, 1, 20) <= 0) break;
    drain_stderr();
  }
  return how;
}

std::string Process::stderr_tail(std::size_t lines, const std::string& sep) {
  drain_stderr();
  std::vector<std::string> v;
  std::size_t end = err_text_.size();
  while (v.size() < lines && end > 0) {
    std::size_t start = err_text_.rfind('\n', end - 1);
    std::size_t from = start == std::string::npos ? 0 : start + 1;
    std::string line = err_text_.substr(from, end - from);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) v.insert(v.begin(), line);
    if (start == std::string::npos) break;
    end = start;
  }
  std::string s;
  for (const auto& l : v) s += (s.empty() ? "" : sep) + l;
  return s;
}

}  // namespace condbench::worker
