// lapack.dsgesv: LAPACK's mixed-precision solver (LU in float32, residuals and updates in float64, falling back
// to float64 LU when refinement is not worth it or fails). float64 only.
#include <array>
#include <type_traits>
#include <vector>

#include "solvers/lapack/lapack_solver.hpp"
#include "solvers/lapack/shape.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench::lapack {

namespace {

// dsgesv's documented ITER < 0 codes.
std::string iter_meaning(int iter) {
  switch (iter) {
    case -1:
      return "ITER=-1: mixed precision skipped (not worth it); solved by double LU";
    case -2:
      return "ITER=-2: overflow converting A to single; solved by double LU";
    case -3:
      return "ITER=-3: single-precision LU failed; solved by double LU";
    case -31:
      return "ITER=-31: no convergence after 30 refinement steps; fell back to double LU";
    default:
      return "ITER=" + std::to_string(iter) + ": fell back to double LU";
  }
}

}  // namespace

struct Dsgesv {
  static constexpr const char* name = "lapack.dsgesv";
  static constexpr const char* description =
      "mixed precision: dsgesv (single LU + double refinement, double LU fallback)";
  static constexpr KindSet kinds{ProblemKind::general, ProblemKind::spd};
  static constexpr bool f32 = false, f64 = true;
  static constexpr std::array<const char*, 1> symbols{"dsgesv_"};

  template <class T>
  static SolveOutcome<T> run(const Api& f, const SolveInput<T>& in) {
    if constexpr (!std::is_same_v<T, double>) {
      return SolveOutcome<T>::failure("lapack.dsgesv has no f32 variant");
    } else {
      return run_double(f, in);
    }
  }

 private:
  static SolveOutcome<double> run_double(const Api& f, const SolveInput<double>& in) {
    if (std::string e = shape::square_error(in); !e.empty()) return SolveOutcome<double>::failure(e);
    const int n = shape::as_int(in.A.n_rows);
    arma::mat a = in.A;
    const arma::vec b = in.b;
    arma::vec x(in.b.n_elem);
    std::vector<int> ipiv(static_cast<std::size_t>(std::max(1, n)));
    int iter = 0;

    // One call does factorization, solves and refinement: its whole time goes in factor_s.
    Stopwatch sw;
    const int info = dsgesv(n, 1, a.memptr(), ld(n), ipiv.data(), b.memptr(), ld(n), x.memptr(), ld(n), &iter, f);
    const double factor_s = sw.lap();
    if (info > 0)
      return shape::failed_after<double>(shape::info_text("dsgesv", info) + ": U(" + std::to_string(info) + "," +
                                             std::to_string(info) + ") of the double LU is exactly zero",
                                         factor_s);
    if (info < 0) return shape::failed_after<double>(shape::info_text("dsgesv", info), factor_s);

    SolveOutcome<double> out = shape::solved(std::move(x), factor_s, 0.0);
    if (iter >= 0) {
      out.facts.iterations = iter;
    } else {
      out.facts.iterations = -1;
      out.facts.fallback = true;
      out.facts.note = iter_meaning(iter);
    }
    return out;
  }
};

}  // namespace condbench::lapack

CONDBENCH_REGISTER_LAPACK_SOLVER(condbench::lapack::Dsgesv);
