// nopivot.lu: Gaussian elimination without pivoting (A = LU in place, then forward and back
// substitution), as a condbench plugin. It is the textbook method LAPACK improves on with
// partial pivoting: stable for SPD and diagonally dominant matrices, and unbounded growth
// (digits lost well before kappa says so) on general ones. The facts it reports (the growth
// factor and the smallest pivot) show why a row lost accuracy.
#include <condbench/plugin.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point from, Clock::time_point to) { return std::chrono::duration<double>(to - from).count(); }

void fact(condbench_result* r, const char* key, double value) {
  condbench_fact& f = r->facts[r->fact_count++];
  f.key = key;
  f.type = CONDBENCH_FACT_DOUBLE;
  f.double_value = value;
}

// A(i, j) of a column-major matrix with leading dimension lda.
template <class T>
struct ColMajor {
  T* a;
  std::int64_t lda;
  T& operator()(std::int64_t i, std::int64_t j) const { return a[i + j * lda]; }
};

template <class T>
T max_abs(ColMajor<T> A, std::int64_t n) {
  T m = 0;
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < n; ++i) m = std::max(m, std::abs(A(i, j)));
  return m;
}

// Condbench hands over its own copies of A and b: A is factored in place.
template <class T, class Problem>
void solve(void*, Problem* p, condbench_result* r) {
  if (p->m != p->n) {
    r->status = CONDBENCH_STATUS_FAILED;
    r->reason = "needs a square matrix";
    return;
  }
  const std::int64_t n = p->n;
  const ColMajor<T> A{p->A, p->lda};
  const T max_a = max_abs(A, n);
  T min_pivot = INFINITY;

  const auto t0 = Clock::now();
  for (std::int64_t k = 0; k < n; ++k) {
    const T pivot = A(k, k);
    if (pivot == 0) {
      std::snprintf(r->text, sizeof r->text, "zero pivot: U(%lld,%lld) = 0 (no pivoting to avoid it)",
                    static_cast<long long>(k + 1), static_cast<long long>(k + 1));
      r->status = CONDBENCH_STATUS_FAILED;
      r->reason = r->text;
      return;
    }
    min_pivot = std::min(min_pivot, std::abs(pivot));
    for (std::int64_t i = k + 1; i < n; ++i) A(i, k) /= pivot;
    for (std::int64_t j = k + 1; j < n; ++j) {
      const T akj = A(k, j);
      for (std::int64_t i = k + 1; i < n; ++i) A(i, j) -= A(i, k) * akj;
    }
  }
  const auto t1 = Clock::now();
  T* x = p->x;
  for (std::int64_t i = 0; i < n; ++i) x[i] = p->b[i];
  for (std::int64_t j = 0; j < n; ++j)  // L y = b, L unit lower triangular
    for (std::int64_t i = j + 1; i < n; ++i) x[i] -= A(i, j) * x[j];
  for (std::int64_t j = n - 1; j >= 0; --j) {  // U x = y
    x[j] /= A(j, j);
    for (std::int64_t i = 0; i < j; ++i) x[i] -= A(i, j) * x[j];
  }
  const auto t2 = Clock::now();
  r->factor_seconds = seconds(t0, t1);
  r->solve_seconds = seconds(t1, t2);

  // Growth factor max|U| / max|A| (U is the upper triangle of the factored A).
  T max_u = 0;
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i <= j; ++i) max_u = std::max(max_u, std::abs(A(i, j)));
  fact(r, "growth", max_a > 0 ? static_cast<double>(max_u / max_a) : NAN);
  fact(r, "min_pivot", static_cast<double>(min_pivot));
}

const condbench_solver nopivot_lu = {
    sizeof(condbench_solver),
    "nopivot.lu",
    "Gaussian elimination without pivoting (example plugin): A = LU in place, forward + back substitution",
    CONDBENCH_KIND_GENERAL | CONDBENCH_KIND_SPD,
    CONDBENCH_PRECISION_F32 | CONDBENCH_PRECISION_F64,
    "lu",
    nullptr,
    solve<float, condbench_problem_f32>,
    solve<double, condbench_problem_f64>,
};
const condbench_solver* const solvers[] = {&nopivot_lu};
const condbench_plugin plugin = {
    sizeof(condbench_plugin), CONDBENCH_PLUGIN_ABI, "nopivot", NOPIVOT_VERSION, nullptr, 1, solvers,
};

}  // namespace

const condbench_plugin* condbench_plugin_entry(uint32_t host_abi) {
  (void)host_abi;  // one ABI so far: CONDBENCH_PLUGIN_ABI; condbench checks plugin.abi
  return &plugin;
}
