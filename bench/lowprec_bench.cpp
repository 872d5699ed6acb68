// lowprec_bench: what the simulated low-precision arithmetic costs. The LU with partial pivoting of
// solvers/lowprec/lu.hpp in each format (every operation rounded: _Float16 for fp16, float plus bit rounding for
// bf16 / tf32), and one solve of each default refinement solver at n = 100 (randsvd mode 3, kappa 1e2 and 1e6,
// f64 rows). Prints figures (time, the LU's rate in millions of simulated operations per second); asserts nothing.
//   lowprec_bench --benchmark_filter=Lu      the factorizations only
#include <benchmark/benchmark.h>

#include <armadillo>
#include <random>
#include <string>
#include <vector>

#include "solvers/lowprec/low.hpp"
#include "solvers/lowprec/lu.hpp"
#include "solvers/registry.hpp"

namespace condbench::lowprec {
namespace {

arma::mat random_matrix(int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g;
  arma::mat a(n, n);
  a.imbue([&] { return g(rng); });
  return a;
}

// A = U diag(sigma) V^T, sigma geometric from 1 to 1/kappa (randsvd mode 3).
arma::mat mode3(int n, double kappa, std::uint64_t seed) {
  arma::mat q1, q2, r;
  arma::qr(q1, r, random_matrix(n, seed));
  arma::qr(q2, r, random_matrix(n, seed + 1));
  return q1 * arma::diagmat(arma::logspace<arma::vec>(0, -std::log10(kappa), n)) * q2.t();
}

template <class S>
void BM_Lu(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const arma::mat a = random_matrix(n, 1);
  std::vector<S> v(a.n_elem);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = S(a[i]);
  for (auto _ : state) {
    LuFactors<S> f = lu_factor(v, n);  // the copy of v is part of it: n^2 against n^3
    benchmark::DoNotOptimize(f.a.data());
  }
  state.counters["Mop/s"] =
      benchmark::Counter(2.0 * n * n * n / 3 * 1e-6, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK_TEMPLATE(BM_Lu, Half)->Arg(100)->Arg(200)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Lu, Low<Format::fp16, Subnormals::flush>)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Lu, BFloat16)->Arg(100)->Arg(200)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Lu, TF32)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Lu, Single)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Lu, Double)->Arg(100)->Unit(benchmark::kMillisecond);

void register_solves() {
  for (const Solver* s : SolverRegistry::instance().match("ir.*")) {
    if (!s->info().f64) continue;  // ur=f32: f32 rows only
    for (double kappa : {1e2, 1e6}) {
      const std::string name = "Solve/" + s->info().name + "/kappa=" + (kappa == 1e2 ? "1e2" : "1e6");
      benchmark::RegisterBenchmark(name.c_str(), [s, kappa](benchmark::State& state) {
        const arma::mat a = mode3(100, kappa, 3);
        const arma::vec b = a * random_matrix(100, 5).col(0);
        for (auto _ : state) {
          SolveOutcome<double> out = s->solve(SolveInput<double>{a, b, ProblemKind::general});
          benchmark::DoNotOptimize(out.x.memptr());
          state.counters["steps"] = out.facts.iterations;
          state.counters["converged"] = out.status == Status::ok;
        }
      })->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace
}  // namespace condbench::lowprec

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  condbench::lowprec::register_solves();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
