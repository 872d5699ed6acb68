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
  bool stop = false;
  std::thread thread{[this] { loop(); }};

  void loop() {
    std::unique_lock lock(mu);
    for (;;) {
      cv.wait(lock, [&] { return job != nullptr || stop; });
      if (stop) return;
      try {
        (*job)();
      } catch (...) {
        error = std::current_exception();
      }
      job = nullptr;
      cv.notify_all();
    }
  }

  void finish() {
    {
      std::lock_guard lock(mu);
      stop = true;
    }
    cv.notify_all();
    thread.join();
  }
};

CallThread::~CallThread() {
  State* s = state_.load();
  if (s && s->owner == getpid()) {
    s->finish();
    delete s;
  }
}

CallThread::State& CallThread::state() {
  State* s = state_.load();
  if (s && s->owner == getpid()) return *s;
  auto* fresh = new State;
  if (state_.compare_exchange_strong(s, fresh)) return *fresh;  // the parent's State, if any, stays as it was
  fresh->finish();  // another caller of this process installed one first
  delete fresh;
  return *s;
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
