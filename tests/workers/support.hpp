// Shared by the worker tests: the C test worker (tests/workers/c_worker.c, written from
// docs/workers.md), the shipped Python stack, and the bit patterns both sides agree on.
#pragma once

#include "solvers/worker/client.hpp"

#include <gtest/gtest.h>

#include <armadillo>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>

namespace condbench::testing {

inline const std::string kSource = CONDBENCH_SOURCE_DIR;

inline worker::WorkerSpec c_worker_spec(std::vector<std::string> extra_args = {}, double time_limit = 30) {
  worker::WorkerSpec s;
  s.name = "c_worker";
  s.command = {CONDBENCH_C_WORKER};
  s.command.insert(s.command.end(), extra_args.begin(), extra_args.end());
  s.time_limit_s = time_limit;
  s.where = "test";
  return s;
}

// Debian's interpreter: python3-numpy, -scipy and -torch are installed for it (scripts/setup.sh).
inline worker::WorkerSpec python_spec(const std::string& script, std::map<std::string, std::string> env = {}) {
  worker::WorkerSpec s;
  s.name = std::filesystem::path(script).stem().string();
  s.command = {"/usr/bin/python3", script};
  s.env = std::move(env);
  s.time_limit_s = 120;
  s.where = "test";
  return s;
}

inline std::size_t index_of(const worker::WorkerClient& c, const std::string& name) {
  const auto& v = c.hello().solvers;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i].name == name) return i;
  throw std::runtime_error("the worker offers no " + name);
}

// One client per test process and command: starting Python with torch costs a second or more.
inline worker::WorkerClient& shared_client(const worker::WorkerSpec& spec) {
  static std::map<std::vector<std::string>, std::unique_ptr<worker::WorkerClient>> clients;
  auto& c = clients[spec.command];
  if (!c) c = std::make_unique<worker::WorkerClient>(spec);
  return *c;
}

// The bits c_worker's c.bits returns for x_i: -0, the smallest subnormal, the largest finite
// number, 1 + ulp, then a mix with a fixed exponent.
inline std::uint64_t known_bits64(std::uint64_t i) {
  const std::uint64_t first[4] = {0x8000000000000000ULL, 0x1ULL, 0x7FEFFFFFFFFFFFFFULL, 0x3FF0000000000001ULL};
  return i < 4 ? first[i] : 0x4000000000000000ULL ^ ((i * 0x9E3779B97F4A7C15ULL) >> 12);
}
inline std::uint32_t known_bits32(std::uint32_t i) {
  const std::uint32_t first[4] = {0x80000000u, 0x1u, 0x7F7FFFFFu, 0x3F800001u};
  return i < 4 ? first[i] : 0x40000000u ^ ((i * 2654435761u) >> 9);
}

inline std::uint64_t fnv1a(std::uint64_t h, const void* p, std::size_t n) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ULL;
  return h;
}

// Random finite values of every kind a float can hold: normal numbers over the whole exponent
// range, subnormals, both zeros. A decimal round trip or a conversion would change some bits.
template <class T>
arma::Col<T> awkward_values(arma::uword n, std::uint64_t seed) {
  using Bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
  std::mt19937_64 rng(seed);
  arma::Col<T> v(n);
  for (arma::uword i = 0; i < n; ++i) {
    T x;
    do {
      Bits b = static_cast<Bits>(rng());
      if (i % 7 == 3) b &= (Bits(1) << (sizeof(T) == 8 ? 52 : 23)) - 1;  // a subnormal
      if (i % 11 == 5) b = i % 2 ? Bits(0) : Bits(1) << (8 * sizeof(T) - 1);  // +0 and -0
      std::memcpy(&x, &b, sizeof x);
    } while (!std::isfinite(x));
    v[i] = x;
  }
  return v;
}

template <class T>
bool same_bits(const arma::Col<T>& a, const arma::Col<T>& b) {
  return a.n_elem == b.n_elem && std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(T)) == 0;
}

}  // namespace condbench::testing
