#include "solvers/lapack/call_thread.hpp"

#include <unistd.h>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

namespace condbench::lapack {

struct CallThread::State {
  const pid_t owner = getpid();
  std::mutex call_mu;  // callers queue here
  std::mutex mu;
  std::condition_variable cv;
  const std::function<void()>* job = nullptr;
  std::exception_ptr error;
  std::thread thread{[this] { loop(); }};

  [[noreturn]] void loop() {
    std::unique_lock lock(mu);
    for (;;) {
      cv.wait(lock, [&] { return job != nullptr; });
      try {
        (*job)();
      } catch (...) {
        error = std::current_exception();
      }
      job = nullptr;
      cv.notify_all();
    }
  }
};

CallThread::State& CallThread::state() {
  State* s = state_.load();
  if (s && s->owner == getpid()) return *s;
  auto* fresh = new State;
  fresh->thread.detach();
  if (state_.compare_exchange_strong(s, fresh)) return *fresh;  // the parent's State, if any, stays as it was
  return *s;  // another caller of this process installed one first: the fresh thread just waits, unused
}

void CallThread::run(const std::function<void()>& f) {
  State& s = state();
  std::lock_guard call(s.call_mu);
  std::unique_lock lock(s.mu);
  s.job = &f;
  s.error = nullptr;
  s.cv.notify_all();
  s.cv.wait(lock, [&] { return s.job == nullptr; });
  if (s.error) std::rethrow_exception(s.error);
}

}  // namespace condbench::lapack
