// lapack.cholesky: A = U^T U (?potrf), then ?potrs. SPD problems only; a breakdown is a result, never a
// reason to switch to LU.
#include <array>

#include "solvers/lapack/lapack_solver.hpp"
#include "solvers/lapack/shape.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench::lapack {

struct Cholesky {
  static constexpr const char* name = "lapack.cholesky";
  static constexpr const char* description = "Cholesky: ?potrf (upper) + ?potrs";
  static constexpr KindSet kinds{ProblemKind::spd};
  static constexpr bool f32 = true, f64 = true;
  static constexpr std::array<const char*, 4> symbols{"spotrf_", "dpotrf_", "spotrs_", "dpotrs_"};

  template <class T>
  static SolveOutcome<T> run(const Api& f, const SolveInput<T>& in) {
    if (std::string e = shape::square_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
    const int n = shape::as_int(in.A.n_rows);
    arma::Mat<T> c = in.A;
    arma::Col<T> x = in.b;

    Stopwatch sw;
    int info = potrf('U', n, c.memptr(), ld(n), f);
    const double factor_s = sw.lap();
    const std::string potrf_name = routine<T>("potrf");
    if (info > 0)
      return shape::failed_after<T>("not SPD: " + shape::info_text(potrf_name, info) + " (leading minor " +
                                        std::to_string(info) + " not positive definite)",
                                    factor_s);
    if (info < 0) return shape::failed_after<T>(shape::info_text(potrf_name, info), factor_s);
    info = potrs('U', n, 1, c.memptr(), ld(n), x.memptr(), ld(n), f);
    const double solve_s = sw.lap();
    if (info != 0) return shape::failed_after<T>(shape::info_text(routine<T>("potrs"), info), factor_s, solve_s);
    return shape::solved(std::move(x), factor_s, solve_s);
  }
};

}  // namespace condbench::lapack

CONDBENCH_REGISTER_LAPACK_SOLVER(condbench::lapack::Cholesky);
