// Wall-clock phase timing for CPU solvers.
#pragma once

#include <chrono>

namespace condbench {

class Stopwatch {
 public:
  Stopwatch() : t0_(clock::now()) {}
  // seconds since construction or the last lap
  double lap() {
    auto t = clock::now();
    double s = std::chrono::duration<double>(t - t0_).count();
    t0_ = t;
    return s;
  }

 private:
  using clock = std::chrono::steady_clock;
  clock::time_point t0_;
};

}  // namespace condbench
