// plugin_overhead: what calling a solver through the plugin interface (include/condbench/plugin.h)
// adds to its time. The test plugin tests/plugins/lu_plugin.c calls the same ?getrf + ?getrs of
// the same OpenBLAS as lapack.lu; its cbtest.lu leaves the timing to condbench (time_s is the
// whole call: the C call, the plugin's pivot allocation and copy of b, the results struct), and
// cbtest.lu_timed times itself as lapack.lu does. Rounds interleave the three solvers (order
// rotated each round) so that load on a shared machine hits all of them alike; the figures are
// medians of the per-round ratios to lapack.lu with a 95% confidence interval (order statistics
// of the median). Prints figures and the load average; asserts nothing.
//
//   plugin_overhead [--plugin=PATH] [--n=1000] [--rounds=41] [--threads=0] [--precision=f64]
#include "solvers/plugin/loader.hpp"
#include "solvers/registry.hpp"
#include "solvers/stopwatch.hpp"
#include "studies/runner/context.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <armadillo>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace condbench {
namespace {

struct Options {
#ifdef CONDBENCH_TEST_LU_PLUGIN
  std::string plugin = CONDBENCH_TEST_LU_PLUGIN;
#else
  std::string plugin;
#endif
  int n = 1000;
  int rounds = 41;
  int threads = 0;  // 0: OpenBLAS's default
  Precision precision = Precision::f64;
};

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* key) -> const char* {
      const std::size_t k = std::strlen(key);
      return a.compare(0, k, key) == 0 ? argv[i] + k : nullptr;
    };
    if (const char* v = value("--plugin=")) o.plugin = v;
    else if (const char* v = value("--n=")) o.n = std::stoi(v);
    else if (const char* v = value("--rounds=")) o.rounds = std::stoi(v);
    else if (const char* v = value("--threads=")) o.threads = std::stoi(v);
    else if (const char* v = value("--precision="); v && parse_precision(v, o.precision)) {}
    else {
      fmt::print(stderr, "usage: plugin_overhead [--plugin=PATH] [--n=1000] [--rounds=41] [--threads=0] "
                         "[--precision=f64|f32]\n(unknown: {})\n", a);
      return false;
    }
  }
  if (o.plugin.empty()) {
    fmt::print(stderr, "plugin_overhead: give --plugin=PATH (build/tests/plugins/libcondbench_test_lu.so)\n");
    return false;
  }
  return o.n > 0 && o.rounds >= 5;
}

struct Sample {
  std::vector<double> time_s;   // the row's time_s: what the solver reports (or condbench measured)
  std::vector<double> solve_s;  // the whole Solver::solve call: copies, checks and all
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t k = v.size() / 2;
  return v.size() % 2 ? v[k] : 0.5 * (v[k - 1] + v[k]);
}

// 95% confidence interval of the median from order statistics (normal approximation of the
// binomial): ranks n/2 -+ 0.98 sqrt(n).
std::pair<double, double> median_ci(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const double n = static_cast<double>(v.size());
  const auto lo = static_cast<std::size_t>(std::max(0.0, std::floor(n / 2 - 0.98 * std::sqrt(n))));
  const auto hi = static_cast<std::size_t>(std::min(n - 1, std::ceil(n / 2 + 0.98 * std::sqrt(n))));
  return {v[lo], v[hi]};
}

std::vector<double> ratios(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> r;
  for (std::size_t i = 0; i < a.size(); ++i) r.push_back(a[i] / b[i]);
  return r;
}

// Interleaved rounds of every solver on one n x n problem.
template <class T>
std::vector<Sample> measure(const std::vector<const Solver*>& solvers, int n, int rounds) {
  arma::arma_rng::set_seed(20240601);
  const arma::Mat<T> A = arma::randn<arma::Mat<T>>(n, n);
  const arma::Col<T> b = arma::randn<arma::Col<T>>(n);
  const SolveInput<T> in{A, b, ProblemKind::general};
  for (const Solver* s : solvers)
    for (int i = 0; i < 3; ++i) s->solve(in);  // warm-up: OpenBLAS threads, caches, page faults
  std::vector<Sample> samples(solvers.size());
  for (int r = 0; r < rounds; ++r)
    for (std::size_t k = 0; k < solvers.size(); ++k) {
      const std::size_t i = (k + static_cast<std::size_t>(r)) % solvers.size();
      Stopwatch sw;
      const SolveOutcome<T> out = solvers[i]->solve(in);
      const double whole = sw.lap();
      if (out.status != Status::ok) throw std::runtime_error(solvers[i]->info().name + " failed: " + out.reason);
      samples[i].time_s.push_back(out.timing.total_s());
      samples[i].solve_s.push_back(whole);
    }
  return samples;
}

template <class T>
int run(const Options& o) {
  plugin::OpenedPlugin p = plugin::open_plugin(o.plugin);
  std::vector<const Solver*> solvers{SolverRegistry::instance().find("lapack.lu")};
  for (const auto& s : p.solvers) solvers.push_back(s.get());
  if (o.threads > 0) set_blas_threads(o.threads);

  fmt::print("plugin_overhead: n = {}, {}, {} rounds, OpenBLAS threads {}, plugin {} ({} {})\n", o.n,
             to_string(precision_of<T>()), o.rounds, blas_threads(), p.info.path, p.info.name, p.info.version);
  fmt::print("load average before: {}\n", load_average());
  const std::vector<Sample> big = measure<T>(solvers, o.n, o.rounds);
  fmt::print("load average after:  {}\n\n", load_average());

  fmt::print("{:<18} {:>12} {:>24} {:>14} {:>24}\n", "solver", "time_s", "time_s / lapack.lu", "whole call",
             "whole call / lapack.lu");
  for (std::size_t i = 0; i < solvers.size(); ++i) {
    const auto rt = ratios(big[i].time_s, big[0].time_s);
    const auto rw = ratios(big[i].solve_s, big[0].solve_s);
    const auto [tl, th] = median_ci(rt);
    const auto [wl, wh] = median_ci(rw);
    fmt::print("{:<18} {:>10.3f}ms {:>8.4f} [{:.4f}, {:.4f}] {:>12.3f}ms {:>8.4f} [{:.4f}, {:.4f}]\n",
               solvers[i]->info().name, 1e3 * median(big[i].time_s), median(rt), tl, th,
               1e3 * median(big[i].solve_s), median(rw), wl, wh);
  }
  fmt::print("ratios: median over rounds of (time in the round / lapack.lu's in that round) [95% CI]\n\n");

  // The interface's cost does not grow with n^3: measured where LU itself costs almost nothing,
  // it is resolved to well under a microsecond, then set against lapack.lu's time at n.
  const int small_n = 4, small_rounds = 20001;
  const std::vector<Sample> small = measure<T>(solvers, small_n, small_rounds);
  const double base = median(big[0].time_s);
  fmt::print("fixed cost per call at n = {} ({} rounds), and that cost as a share of lapack.lu's time_s at n = {}:\n",
             small_n, small_rounds, o.n);
  for (std::size_t i = 1; i < solvers.size(); ++i) {
    const double dt = median(small[i].time_s) - median(small[0].time_s);
    const double dw = median(small[i].solve_s) - median(small[0].solve_s);
    fmt::print("{:<18} time_s {:+.3f} us ({:+.5f}%)   whole call {:+.3f} us ({:+.5f}%)\n", solvers[i]->info().name,
               1e6 * dt, 100 * dt / base, 1e6 * dw, 100 * dw / base);
  }
  fmt::print("load average at the end: {}\n", load_average());
  return 0;
}

}  // namespace
}  // namespace condbench

int main(int argc, char** argv) {
  condbench::Options o;
  if (!condbench::parse(argc, argv, o)) return 2;
  try {
    return o.precision == condbench::Precision::f32 ? condbench::run<float>(o) : condbench::run<double>(o);
  } catch (const std::exception& e) {
    fmt::print(stderr, "plugin_overhead: {}\n", e.what());
    return 2;
  }
}
