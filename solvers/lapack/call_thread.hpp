// The one thread that every call into a stack's namespace runs on.
//
// glibc keeps one pthread key table per link-map namespace but one thread-specific data array per thread: a key
// that a namespace's libgomp or libgfortran creates has the same number as one of the main program's (or another
// stack's), so its pthread_setspecific on a shared thread overwrites their data. libgomp does so on the calling
// thread in omp_set_num_threads and in every parallel region, and GoogleTest's thread-local storage crashed on
// it. Calls into a stack run on a thread of its own, which nothing else uses; its libraries' keys live there.
#pragma once

#include <atomic>
#include <functional>

namespace condbench::lapack {

// The thread lives until the process ends and is never joined: a thread that exits runs the main program's key
// destructors on its thread-specific slots, and those the namespace's libraries filled carry key numbers (and
// sequence numbers) that are also the main program's -- GoogleTest's destructor then freed libgomp's data.
class CallThread {
 public:
  CallThread() = default;
  ~CallThread() = default;  // leaves the thread and its State alone (see above)
  CallThread(const CallThread&) = delete;
  CallThread& operator=(const CallThread&) = delete;

  // Runs f on the thread and waits for it; one call at a time. An exception of f is rethrown here.
  void run(const std::function<void()>& f);

 private:
  struct State;
  State& state();
  // The thread, its queue and locks, owned by one process and never freed: a forked child has no copy of the
  // thread and may have inherited the locks held, so it starts a State of its own and leaves the parent's alone.
  std::atomic<State*> state_{nullptr};
};

}  // namespace condbench::lapack
