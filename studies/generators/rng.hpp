// A small reproducible random number generator for problem generators.
//
// std::mt19937_64 is specified bit for bit by the C++ standard, but the standard
// distributions (std::normal_distribution, std::uniform_real_distribution) are not:
// libstdc++, libc++ and MSVC give different numbers for the same engine state. So the
// deviates here are built by hand from the raw 64-bit outputs:
//   uniform(): the top 53 bits, k * 2^-53, in [0, 1);
//   normal():  Marsaglia's polar method (needs only std::log and std::sqrt; sqrt is
//              correctly rounded by IEEE 754, log is glibc's, which is what makes the
//              normals identical across standard libraries on the same libm).
//
// Streams: a generator draws each ingredient (U, V, x, ...) from its own stream of the
// same seed, so changing one ingredient (the spectrum, the residual) leaves the
// others bit-identical. That is what makes kappa sweeps controlled experiments.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>

namespace condbench {

// SplitMix64's finalizer: spreads nearby seeds (0, 1, 2, ...) over the whole state.
constexpr std::uint64_t splitmix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0) : eng_(splitmix64(seed ^ splitmix64(stream))) {}

  std::uint64_t bits() { return eng_(); }

  // [0, 1), every multiple of 2^-53.
  double uniform() { return static_cast<double>(eng_() >> 11) * 0x1p-53; }

  // (0, 1): for logarithms.
  double uniform_open() {
    double u;
    do u = uniform();
    while (u == 0.0);
    return u;
  }

  // N(0, 1), Marsaglia polar method; the second deviate of each pair is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double v1, v2, s;
    do {
      v1 = 2.0 * uniform() - 1.0;
      v2 = 2.0 * uniform() - 1.0;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1.0 || s == 0.0);
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v2 * f;
    has_spare_ = true;
    return v1 * f;
  }

  // Fills n doubles in order (column-major for an arma::mat's memptr()).
  void fill_normal(double* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = normal();
  }

 private:
  std::mt19937_64 eng_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace condbench
