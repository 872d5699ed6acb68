// condbench_bench: every registered solver x n x precision as a Google Benchmark, with GFLOP/s from the flop
// model (solvers/flops.hpp) against this machine's own DGEMM/SGEMM rate, the lectures' cost claims as measured
// ratios, and the overhead of the solver's own timing against a bare getrf + getrs. Prints figures; asserts
// nothing. `condbench_bench --help` lists the options.
//
// What is timed: each benchmark iteration calls Solver::solve and reports the solver's own Timing
// (factor_s + solve_s) with SetIterationTime (UseManualTime). For a CPU solver that is results.csv's time_s; for
// a GPU solver it is the device time between CUDA events, without the host-device copies, which are the separate
// transfer_s counter (results.csv's time_s includes them). GFLOP/s is computed from that device time, as
// results.csv's gflops column is. A cusolver.* solver warms up once per precision and size class inside the
// GPU module before its first timed call, so no iteration pays for loading kernels.
// Diagnostics (skipped solvers) go to stderr, and so do our tables when --benchmark_format is json or csv:
// then stdout is Google Benchmark's output alone. Every CPU solver copies A and b into its own buffers
// before its Stopwatch starts (the SolveInput holds const references), so the stored problem is never modified
// and needs no restoring between iterations, and the copies are outside the timed region. Problems are
// generated once per (kind, m, n), outside any timed region.
#include <benchmark/benchmark.h>
#include <cblas.h>
#include <fmt/format.h>

#include <algorithm>
#include <armadillo>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "solvers/flops.hpp"
#include "solvers/lapack/lapack.hpp"
#include "solvers/registry.hpp"
#include "studies/generators/generator.hpp"
#include "studies/runner/context.hpp"

namespace condbench {
namespace {

struct Options {
  std::vector<int> sizes{256, 1024, 2048};
  int textbook_max_n = 1024;  // the O(n^3) scalar loops of textbook.* take seconds per solve beyond this
  std::vector<std::string> solvers{"*"};
  std::vector<Precision> precisions{Precision::f64, Precision::f32};
  double kappa = 1e3;  // well inside every method's range in f32 (normal equations: kappa^2 u_f32 ~ 0.06)
  int gemm_n = 2048;
  int claims_n = 1024;
  bool claims = true;
  std::vector<int> overhead_sizes{256, 1024};
  int overhead_reps = 41;
  int threads = 0;  // 0: leave OpenBLAS as it is
  bool list_only = false;  // --benchmark_list_tests: register and list, measure nothing
  // Where our own tables go: stdout beside Google Benchmark's console output, stderr when
  // stdout is its JSON or CSV (scripts pipe it; compare.py reads it) and must hold nothing else.
  std::FILE* text = stdout;
};

constexpr const char* kHelp = R"(condbench_bench: dense solver speed (GFLOP/s, % of this machine's GEMM peak), the lectures' cost
ratios, and the overhead of the solvers' own timing. Figures only; nothing is asserted.

condbench options (before or among the --benchmark_* ones):
  --sizes=256,1024,2048     n for every solver (least-squares solvers get m = 2n)
  --textbook-max-n=1024     textbook.* solvers only up to this n
  --solvers=PAT[,PAT]       solver names or prefixes with '*' (lapack.*); default *
  --precisions=f64,f32      working precisions
  --kappa=1e3               randsvd condition number of the benchmark problems
  --gemm-n=2048             n of the DGEMM/SGEMM peak measurement (best of 3)
  --claims-n=1024           n of the cost-claim ratios (QR vs normal equations uses m = 2n)
  --no-claims               skip the cost-claim ratios and the overhead measurement
  --overhead-sizes=256,1024 n of the lapack.lu timing-overhead measurement
  --overhead-reps=41        repetitions (median) of the overhead measurement
  --threads=N               OpenBLAS threads (default: as configured)
Without --benchmark_min_time, 0.2 s per benchmark is used. JSON for compare.py:
  --benchmark_out=FILE --benchmark_out_format=json

Google Benchmark options:
)";

[[noreturn]] void usage_error(const std::string& what) {
  fmt::print(stderr, "condbench_bench: {}\n(see --help)\n", what);
  std::exit(2);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t comma = s.find(',', start);
    const std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

int parse_positive(const std::string& flag, const std::string& v) {
  char* end = nullptr;
  const long x = std::strtol(v.c_str(), &end, 10);
  if (end == v.c_str() || *end != '\0' || x <= 0 || x > 1'000'000) usage_error(flag + ": not a positive integer: " + v);
  return static_cast<int>(x);
}

std::vector<int> parse_sizes(const std::string& flag, const std::string& v) {
  std::vector<int> out;
  for (const std::string& s : split(v)) out.push_back(parse_positive(flag, s));
  if (out.empty()) usage_error(flag + ": no sizes given");
  return out;
}

// Takes our flags out of argv (Google Benchmark rejects flags it does not know) and returns the options.
Options parse_options(int& argc, char** argv, bool& help) {
  Options o;
  bool min_time_given = false;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&](const char* name) -> const char* {
      const std::size_t len = std::strlen(name);
      return a.compare(0, len, name) == 0 && a.size() > len && a[len] == '=' ? argv[i] + len + 1 : nullptr;
    };
    if (const char* v = value("--sizes")) {
      o.sizes = parse_sizes("--sizes", v);
    } else if (const char* v = value("--textbook-max-n")) {
      o.textbook_max_n = parse_positive("--textbook-max-n", v);
    } else if (const char* v = value("--solvers")) {
      o.solvers = split(v);
    } else if (const char* v = value("--precisions")) {
      o.precisions.clear();
      for (const std::string& p : split(v)) {
        Precision prec;
        if (!parse_precision(p, prec)) usage_error("--precisions: unknown precision " + p);
        o.precisions.push_back(prec);
      }
    } else if (const char* v = value("--kappa")) {
      o.kappa = std::strtod(v, nullptr);
      if (!(o.kappa >= 1) || !std::isfinite(o.kappa)) usage_error(std::string("--kappa: need a number >= 1: ") + v);
    } else if (const char* v = value("--gemm-n")) {
      o.gemm_n = parse_positive("--gemm-n", v);
    } else if (const char* v = value("--claims-n")) {
      o.claims_n = parse_positive("--claims-n", v);
    } else if (a == "--no-claims") {
      o.claims = false;
    } else if (const char* v = value("--overhead-sizes")) {
      o.overhead_sizes = parse_sizes("--overhead-sizes", v);
    } else if (const char* v = value("--overhead-reps")) {
      o.overhead_reps = parse_positive("--overhead-reps", v);
    } else if (const char* v = value("--threads")) {
      o.threads = parse_positive("--threads", v);
    } else {
      if (a == "--help" || a == "-h") help = true;
      if (a.rfind("--benchmark_min_time", 0) == 0) min_time_given = true;
      if (a == "--benchmark_list_tests" || a == "--benchmark_list_tests=true") o.list_only = true;
      if (a.rfind("--benchmark_format=", 0) == 0 && a != "--benchmark_format=console") o.text = stderr;
      argv[out++] = argv[i];
    }
  }
  argc = out;
  if (!min_time_given) {
    static char min_time[] = "--benchmark_min_time=0.2";
    argv[argc++] = min_time;  // main leaves room for it
  }
  argv[argc] = nullptr;
  return o;
}

// ---------------------------------------------------------------------------------------------------------------
// Problems, generated once.

struct Stored {
  ProblemKind kind;
  arma::mat A;
  arma::vec b;
  arma::fmat Af;
  arma::fvec bf;
  template <class T>
  const arma::Mat<T>& a() const {
    if constexpr (std::is_same_v<T, float>) return Af; else return A;
  }
  template <class T>
  const arma::Col<T>& rhs() const {
    if constexpr (std::is_same_v<T, float>) return bf; else return b;
  }
};

double g_kappa = 1e3;

const Stored& problem(ProblemKind kind, int m, int n) {
  static std::map<std::tuple<int, int, int>, Stored> cache;
  const auto key = std::make_tuple(static_cast<int>(kind), m, n);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  const Generator* g = GeneratorRegistry::instance().find("randsvd");
  const ParamMap params{{"kappa", g_kappa}, {"kind", std::string(to_string(kind))}};
  Problem p = g->generate(params, m, n, /*seed=*/1);
  Stored s{kind, std::move(p.A), std::move(p.b), {}, {}};
  s.Af = arma::conv_to<arma::fmat>::from(s.A);
  s.bf = arma::conv_to<arma::fvec>::from(s.b);
  return cache.emplace(key, std::move(s)).first->second;
}

// The problem a solver is benchmarked on: least-squares solvers get tall m = 2n problems, SPD-only ones SPD
// problems, the rest general square ones.
ProblemKind bench_kind(const SolverInfo& info) {
  if (info.kinds.contains(ProblemKind::least_squares)) return ProblemKind::least_squares;
  if (info.kinds.contains(ProblemKind::general)) return ProblemKind::general;
  return ProblemKind::spd;
}

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t k = v.size();
  return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

// ---------------------------------------------------------------------------------------------------------------
// The machine's ceiling: GEMM rate, best of 3 after one warm-up.

template <class T>
double gemm_gflops(int n) {
  arma::Mat<T> A(n, n, arma::fill::randu), B(n, n, arma::fill::randu), C(n, n, arma::fill::zeros);
  double best = 1e300;
  for (int rep = 0; rep < 4; ++rep) {
    const double t0 = seconds_now();
    if constexpr (std::is_same_v<T, double>)
      cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, A.memptr(), n, B.memptr(), n, 0.0,
                  C.memptr(), n);
    else
      cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, A.memptr(), n, B.memptr(), n, 0.0f,
                  C.memptr(), n);
    const double t = seconds_now() - t0;
    if (rep > 0) best = std::min(best, t);
  }
  return 2.0 * n * double(n) * n / best / 1e9;
}

double g_peak[2] = {0, 0};  // GFLOP/s, indexed by Precision
double peak(Precision p) { return g_peak[static_cast<int>(p)]; }

// ---------------------------------------------------------------------------------------------------------------
// One solver benchmark.

template <class T>
void bench_solver(benchmark::State& st, const Solver* s, ProblemKind kind, int m, int n) {
  const Stored& p = problem(kind, m, n);
  const SolveInput<T> in{p.template a<T>(), p.template rhs<T>(), kind};
  double timed = 0, transfer = 0;
  std::int64_t iters = 0;
  for (auto _ : st) {
    const SolveOutcome<T> out = s->solve(in);
    if (out.status != Status::ok) {
      st.SkipWithError(out.reason.c_str());
      break;
    }
    const double t = out.timing.factor_s + out.timing.solve_s;
    st.SetIterationTime(t);
    timed += t;
    transfer += out.timing.transfer_s;
    ++iters;
  }
  if (iters == 0) return;
  // Rates computed here from the manual times, so they mean the same whatever the benchmark's time unit.
  const double f = flops(s->info().name, m, n);
  const bool gpu = s->info().name.rfind("cusolver.", 0) == 0;
  if (!std::isnan(f)) {
    const double gflops = f * double(iters) / timed / 1e9;
    st.counters["GFLOP/s"] = gflops;
    // A GPU solver's rate against the host's GEMM would mean nothing: no pct counter for it.
    if (!gpu) st.counters["pct_of_gemm_peak"] = 100.0 * gflops / peak(precision_of<T>());
  }
  // Only GPU solvers copy (CPU ones report 0; a constant 0 would make the cv aggregate NaN in the JSON).
  if (gpu) st.counters["transfer_s"] = transfer / double(iters);
}

void register_solvers(const Options& o, std::vector<std::string>& skipped) {
  std::vector<const Solver*> chosen;
  for (const std::string& pat : o.solvers)
    for (const Solver* s : SolverRegistry::instance().match(pat))
      if (std::find(chosen.begin(), chosen.end(), s) == chosen.end()) chosen.push_back(s);
  if (chosen.empty()) usage_error("--solvers matched no solver");
  std::sort(chosen.begin(), chosen.end(), [](auto* a, auto* b) { return a->info().name < b->info().name; });

  for (const Solver* s : chosen) {
    const SolverInfo& info = s->info();
    if (std::string why = s->unavailable_reason(); !why.empty()) {
      fmt::print(stderr, "skip {}: {}\n", info.name, why);  // a diagnostic, never in the benchmark output
      skipped.push_back(info.name + ": " + why);
      continue;
    }
    const bool textbook = info.name.rfind("textbook.", 0) == 0;
    const ProblemKind kind = bench_kind(info);
    for (Precision prec : o.precisions) {
      if (!s->why_not(kind, prec).empty()) continue;  // dsgesv has no f32, ...
      for (int n : o.sizes) {
        if (textbook && n > o.textbook_max_n) continue;
        const int m = kind == ProblemKind::least_squares ? 2 * n : n;
        const std::string name = fmt::format("{}/{}/m:{}/n:{}", info.name, to_string(prec), m, n);
        benchmark::internal::Benchmark* b =
            prec == Precision::f64
                ? benchmark::RegisterBenchmark(name.c_str(), bench_solver<double>, s, kind, m, n)
                : benchmark::RegisterBenchmark(name.c_str(), bench_solver<float>, s, kind, m, n);
        b->UseManualTime()->Unit(benchmark::kMillisecond);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The lectures' cost claims, timed pairwise in our own loop (medians of the solvers' own timings, f64).

struct Ratio {
  std::string claim;     // what the lectures say
  std::string measured;  // "A / B"
  double a_s, b_s;       // seconds of the two sides
  double flop_ratio;     // the same ratio in the flop model (NaN where not meaningful)
};

// One lapack.lu-style solve by `name`, timed by the solver itself.
double solver_seconds(const std::string& name, const Stored& p) {
  const Solver* s = SolverRegistry::instance().find(name);
  const SolveOutcome<double> out = s->solve(SolveInput<double>{p.A, p.b, p.kind});
  if (out.status != Status::ok) usage_error(name + " failed on the claims problem: " + out.reason);
  return out.timing.factor_s + out.timing.solve_s;
}

// Medians of two timings taken alternately, so that drift and the other loads on the machine hit both alike.
template <class A, class B>
std::pair<double, double> interleaved(int reps, A a, B b) {
  std::vector<double> ta, tb;
  for (int r = 0; r < reps; ++r) {
    ta.push_back(a());
    tb.push_back(b());
  }
  return {median(ta), median(tb)};
}

// One getrf, then k single right-hand-side getrs calls (the right-hand sides arriving one at a time).
double factor_once_k_solves(const arma::mat& A, const arma::vec& b, int k) {
  const int n = static_cast<int>(A.n_rows);
  arma::mat lu = A;
  arma::mat X = arma::repmat(b, 1, k);
  std::vector<int> ipiv(static_cast<std::size_t>(n));
  const double t0 = seconds_now();
  lapack::getrf(n, n, lu.memptr(), n, ipiv.data());
  for (int j = 0; j < k; ++j) lapack::getrs('N', n, 1, lu.memptr(), n, ipiv.data(), X.colptr(j), n);
  return seconds_now() - t0;
}

// k full lapack.lu solves, each timed by the solver itself (what a study would sum).
double k_full_solves(const Stored& p, int k) {
  double total = 0;
  for (int j = 0; j < k; ++j) total += solver_seconds("lapack.lu", p);
  return total;
}

Ratio pair(std::string claim, const std::string& a, const std::string& b, const Stored& p, int reps) {
  const auto [ta, tb] = interleaved(reps, [&] { return solver_seconds(a, p); }, [&] { return solver_seconds(b, p); });
  const int m = static_cast<int>(p.A.n_rows), n = static_cast<int>(p.A.n_cols);
  return {std::move(claim), a + " / " + b, ta, tb, flops(a, m, n) / flops(b, m, n)};
}

std::vector<Ratio> measure_claims(int n) {
  std::vector<Ratio> out;
  const Stored& gen = problem(ProblemKind::general, n, n);
  const Stored& spd = problem(ProblemKind::spd, n, n);
  const Stored& tall = problem(ProblemKind::least_squares, 2 * n, n);
  for (int r = 0; r < 2; ++r) solver_seconds("lapack.lu", gen);  // warm OpenBLAS's threads and the caches

  for (int k : {1, 10, 100}) {
    const auto [full, once] = interleaved(
        k == 1 ? 15 : k == 10 ? 5 : 3, [&] { return k_full_solves(gen, k); },
        [&] { return factor_once_k_solves(gen.A, gen.b, k); });
    const double fk = k * flops("lapack.lu", n, n);
    const double fo = flop_model::getrf(n) + k * flop_model::two_triangular_solves(n);
    out.push_back({fmt::format("factor once + k solves much cheaper (k = {})", k),
                   fmt::format("{} x lapack.lu / (getrf + {} x getrs)", k, k), full, once, fk / fo});
  }
  const int reps = 9;
  out.push_back(pair("Cholesky 2x faster than LU (SPD)", "lapack.lu", "lapack.cholesky", spd, reps));
  out.push_back(pair(fmt::format("QR ~2x the normal equations (m = {})", 2 * n), "lapack.qr", "normal.cholesky", tall,
                     reps));
  out.push_back(pair("explicit inverse slower than a solve", "lapack.inverse", "lapack.lu", gen, reps));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Overhead: lapack.lu's own Timing (results.csv time_s) against a bare getrf + getrs on the same matrix.

struct Overhead {
  int n;
  double solver_timing_s;  // median of lapack.lu's factor_s + solve_s
  double bare_s;           // median of getrf + getrs, copies outside the clock
  double call_wall_s;      // median wall time of the whole Solver::solve call, copies and allocation included
};

Overhead measure_overhead(int n, int reps) {
  const Stored& p = problem(ProblemKind::general, n, n);
  const Solver* lu = SolverRegistry::instance().find("lapack.lu");
  const SolveInput<double> in{p.A, p.b, p.kind};
  std::vector<double> timing, bare, wall;
  for (int r = 0; r < reps + 2; ++r) {  // interleaved, so drift and other loads hit both alike
    const double t0 = seconds_now();
    const SolveOutcome<double> out = lu->solve(in);
    const double w = seconds_now() - t0;
    arma::mat a = p.A;
    arma::vec x = p.b;
    std::vector<int> ipiv(static_cast<std::size_t>(n));
    const double t1 = seconds_now();
    lapack::getrf(n, n, a.memptr(), n, ipiv.data());
    lapack::getrs('N', n, 1, a.memptr(), n, ipiv.data(), x.memptr(), n);
    const double t2 = seconds_now();
    benchmark::DoNotOptimize(x.memptr());
    if (r < 2) continue;  // warm-up
    timing.push_back(out.timing.factor_s + out.timing.solve_s);
    bare.push_back(t2 - t1);
    wall.push_back(w);
  }
  return {n, median(timing), median(bare), median(wall)};
}

}  // namespace
}  // namespace condbench

int main(int argc, char** argv) {
  using namespace condbench;
  // Room for the one argument parse_options may add.
  std::vector<char*> args(argv, argv + argc);
  args.push_back(nullptr);
  args.push_back(nullptr);
  int n_args = argc;
  bool help = false;
  const Options o = parse_options(n_args, args.data(), help);
  if (help) fmt::print("{}", kHelp);
  benchmark::Initialize(&n_args, args.data());  // exits after its own help with --help
  if (benchmark::ReportUnrecognizedArguments(n_args, args.data())) return 2;

  if (o.threads > 0) set_blas_threads(o.threads);
  g_kappa = o.kappa;
  if (o.list_only) {
    std::vector<std::string> skipped;
    register_solvers(o, skipped);
    benchmark::RunSpecifiedBenchmarks();
    return 0;
  }

  g_peak[static_cast<int>(Precision::f64)] = gemm_gflops<double>(o.gemm_n);
  g_peak[static_cast<int>(Precision::f32)] = gemm_gflops<float>(o.gemm_n);
  benchmark::AddCustomContext("blas_threads", std::to_string(blas_threads()));
  benchmark::AddCustomContext("dgemm_peak_gflops", fmt::format("{:.2f}", peak(Precision::f64)));
  benchmark::AddCustomContext("sgemm_peak_gflops", fmt::format("{:.2f}", peak(Precision::f32)));
  benchmark::AddCustomContext("gemm_peak_n", std::to_string(o.gemm_n));
  benchmark::AddCustomContext("problem", fmt::format("randsvd kappa={:g} mode=geometric seed=1", o.kappa));

  std::vector<std::string> skipped;
  register_solvers(o, skipped);
  for (std::size_t i = 0; i < skipped.size(); ++i)
    benchmark::AddCustomContext(fmt::format("skipped_{}", i), skipped[i]);

  std::vector<Ratio> ratios;
  std::vector<Overhead> overheads;
  if (o.claims) {
    ratios = measure_claims(o.claims_n);
    for (int n : o.overhead_sizes) overheads.push_back(measure_overhead(n, o.overhead_reps));
    for (const Ratio& r : ratios)
      benchmark::AddCustomContext(fmt::format("ratio n={}: {}", o.claims_n, r.measured),
                                  fmt::format("{:.3f} ({:.4g} s / {:.4g} s; flop ratio {:.3f})", r.a_s / r.b_s, r.a_s,
                                              r.b_s, r.flop_ratio));
    for (const Overhead& h : overheads)
      benchmark::AddCustomContext(fmt::format("overhead n={}: lapack.lu timing / bare getrf+getrs", h.n),
                                  fmt::format("{:.4f} ({:.4g} s / {:.4g} s, median of {})",
                                              h.solver_timing_s / h.bare_s, h.solver_timing_s, h.bare_s,
                                              o.overhead_reps));
  }

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  fmt::print(o.text, "\nGEMM peak (n = {}, best of 3, {} BLAS threads): DGEMM {:.2f} GFLOP/s, SGEMM {:.2f} GFLOP/s\n",
             o.gemm_n, blas_threads(), peak(Precision::f64), peak(Precision::f32));
  if (!o.claims) return 0;
  fmt::print(o.text, "\nThe lectures' cost claims, n = {}, f64, medians of the solvers' own timings:\n", o.claims_n);
  fmt::print(o.text, "{:<44} {:<36} {:>8} {:>10} {:>10} {:>7}\n", "claim", "measured", "ratio", "A s", "B s", "flops");
  for (const Ratio& r : ratios)
    fmt::print(o.text, "{:<44} {:<36} {:>8.3f} {:>10.4g} {:>10.4g} {:>7.3f}\n", r.claim, r.measured, r.a_s / r.b_s, r.a_s,
               r.b_s, r.flop_ratio);
  fmt::print(o.text, "\nOverhead: lapack.lu's own Timing (results.csv time_s) against a bare dgetrf + dgetrs, same matrix, "
             "median of {} (goal: within 5%)\n",
             o.overhead_reps);
  fmt::print(o.text, "{:>6} {:>12} {:>12} {:>8} {:>16} {:>10}\n", "n", "timing s", "bare s", "ratio", "whole call s",
             "call/bare");
  for (const Overhead& h : overheads)
    fmt::print(o.text, "{:>6} {:>12.5g} {:>12.5g} {:>8.4f} {:>16.5g} {:>10.4f}\n", h.n, h.solver_timing_s, h.bare_s,
               h.solver_timing_s / h.bare_s, h.call_wall_s, h.call_wall_s / h.bare_s);
  return 0;
}
