// stack_overhead: what running lapack.lu through a BLAS/LAPACK stack namespace costs, against the built-in path.
//
// The stack holds the very OpenBLAS condbench is linked with (its path found with dladdr), loaded a second time
// with dlmopen into a namespace of its own, with the same thread count: both sides run the same dgetrf_/dgetrs_
// code, so the difference is the route (table of function pointers, the stack's facts on the row, a second copy
// of the library and its thread pool). time_s as results.csv has it (the solver's own factor_s + solve_s) and the
// wall time of the whole Solver::solve call, each the median of interleaved repetitions (drift and other loads
// hit both alike), with the machine's load average before and after. Prints figures; asserts nothing.
//
//   stack_overhead [--n=1000] [--reps=41] [--threads=1] [--kappa=1e3]
#include <cblas.h>
#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "solvers/lapack/stack.hpp"
#include "solvers/registry.hpp"
#include "studies/generators/generator.hpp"

namespace condbench {
namespace {

struct Options {
  int n = 1000;
  int reps = 41;
  int threads = 1;
  double kappa = 1e3;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* key) -> const char* {
      std::string k = std::string(key) + "=";
      return a.rfind(k, 0) == 0 ? argv[i] + k.size() : nullptr;
    };
    if (const char* v = value("--n"))
      o.n = std::atoi(v);
    else if (const char* v = value("--reps"))
      o.reps = std::atoi(v);
    else if (const char* v = value("--threads"))
      o.threads = std::atoi(v);
    else if (const char* v = value("--kappa"))
      o.kappa = std::atof(v);
    else {
      fmt::print(stderr, "stack_overhead: unknown option '{}' (--n=, --reps=, --threads=, --kappa=)\n", a);
      std::exit(2);
    }
  }
  if (o.n < 1 || o.reps < 1 || o.threads < 1) {
    fmt::print(stderr, "stack_overhead: --n, --reps and --threads must be positive\n");
    std::exit(2);
  }
  return o;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The q-quantile (0.5: the median), linear between order statistics.
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const std::size_t i = static_cast<std::size_t>(pos);
  return i + 1 < v.size() ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[i];
}
double median(const std::vector<double>& v) { return quantile(v, 0.5); }

struct Sample {
  double time_s;  // factor_s + solve_s, as results.csv
  double wall_s;  // the whole solve() call: copies, allocation, facts
};

Sample timed(const Solver& s, const SolveInput<double>& in) {
  const double t0 = seconds_now();
  const SolveOutcome<double> out = s.solve(in);
  const double wall = seconds_now() - t0;
  if (out.status != Status::ok) {
    fmt::print(stderr, "stack_overhead: {} failed: {}\n", s.info().name, out.reason);
    std::exit(1);
  }
  return {out.timing.factor_s + out.timing.solve_s, wall};
}

}  // namespace
}  // namespace condbench

int main(int argc, char** argv) {
  using namespace condbench;
  const Options o = parse(argc, argv);
  const std::string load_before = load_average();

  Dl_info info{};
  dladdr(reinterpret_cast<const void*>(&dgetrf_), &info);
  const std::string linked = info.dli_fname ? info.dli_fname : "";
  lapack::Stack& stack = lapack::StackRegistry::instance().define(
      lapack::make_stack_spec("linked-copy", linked, "", o.threads, "stack_overhead"));
  if (std::string why = stack.unavailable(); !why.empty()) {
    fmt::print(stderr, "stack_overhead: {}\n", why);
    return 1;
  }
  openblas_set_num_threads(o.threads);
  const Solver& built_in = *SolverRegistry::instance().find("lapack.lu");
  const Solver& through = *SolverRegistry::instance().resolve("lapack.lu@linked-copy");

  const Generator* g = GeneratorRegistry::instance().find("randsvd");
  Problem p = g->generate(ParamMap{{"kappa", o.kappa}, {"kind", std::string("general")}}, o.n, o.n, 1);
  const SolveInput<double> in{p.A, p.b, ProblemKind::general};

  std::vector<double> t_builtin, t_stack, w_builtin, w_stack, ratio;
  for (int r = 0; r < o.reps + 2; ++r) {  // two warm-up rounds: thread pools, caches, first-touch pages
    // Alternate which side goes first, so that neither always follows the other.
    const bool stack_first = r % 2 == 1;
    const Sample a = stack_first ? timed(through, in) : timed(built_in, in);
    const Sample b = stack_first ? timed(built_in, in) : timed(through, in);
    const Sample& s_stack = stack_first ? a : b;
    const Sample& s_builtin = stack_first ? b : a;
    if (r < 2) continue;
    t_builtin.push_back(s_builtin.time_s);
    t_stack.push_back(s_stack.time_s);
    w_builtin.push_back(s_builtin.wall_s);
    w_stack.push_back(s_stack.wall_s);
    ratio.push_back(s_stack.time_s / s_builtin.time_s);
  }
  const std::string load_after = load_average();

  const auto j = stack.describe();
  fmt::print("lapack.lu through a stack namespace against the built-in path (same OpenBLAS: {})\n", linked);
  fmt::print("stack: {}; namespace {}; threads {} ({}), built-in threads {}\n", j.value("stack_version", "?"),
             j.value("namespace", -1L), j.value("threads", -1), j.value("threads_source", "?"),
             openblas_get_num_threads());
  fmt::print("n = {}, randsvd kappa = {:g}, {} interleaved repetitions (median)\n", o.n, o.kappa, o.reps);
  fmt::print("  {:<34} {:>12} {:>12}\n", "", "time_s", "solve() wall");
  fmt::print("  {:<34} {:>12.4e} {:>12.4e}\n", "lapack.lu (built-in)", median(t_builtin), median(w_builtin));
  fmt::print("  {:<34} {:>12.4e} {:>12.4e}\n", "lapack.lu@linked-copy (namespace)", median(t_stack), median(w_stack));
  fmt::print("  overhead of the namespace: time_s {:+.2f}% (ratio of medians), {:+.2f}% (median of the paired "
             "ratios, quartiles {:+.2f}% .. {:+.2f}%); wall {:+.2f}%\n",
             100 * (median(t_stack) / median(t_builtin) - 1), 100 * (median(ratio) - 1),
             100 * (quantile(ratio, 0.25) - 1), 100 * (quantile(ratio, 0.75) - 1),
             100 * (median(w_stack) / median(w_builtin) - 1));
  fmt::print("  difference of the medians: time_s {:+.2f} us, wall {:+.2f} us\n",
             1e6 * (median(t_stack) - median(t_builtin)), 1e6 * (median(w_stack) - median(w_builtin)));
  fmt::print("load average before: {}; after: {}\n", load_before, load_after);
  return 0;
}
