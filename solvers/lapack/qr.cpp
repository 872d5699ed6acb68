// lapack.qr: Householder QR (?geqrf), c = Q^T b (?ormqr), x = R \ c(1:n) (?trsm on the leading n x n of R).
// For m > n this is the least-squares solution.
#include <array>

#include "solvers/lapack/lapack_solver.hpp"
#include "solvers/lapack/shape.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench::lapack {

struct Qr {
  static constexpr const char* name = "lapack.qr";
  static constexpr const char* description = "Householder QR: ?geqrf + ?ormqr (Q^T b) + ?trsm (R x = c)";
  static constexpr KindSet kinds{ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares};
  static constexpr bool f32 = true, f64 = true;
  static constexpr std::array<const char*, 6> symbols{"sgeqrf_", "dgeqrf_", "sormqr_", "dormqr_", "strsm_", "dtrsm_"};

  template <class T>
  static SolveOutcome<T> run(const Api& f, const SolveInput<T>& in) {
    if (std::string e = shape::tall_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
    const int m = shape::as_int(in.A.n_rows);
    const int n = shape::as_int(in.A.n_cols);
    arma::Mat<T> qr = in.A;
    arma::Col<T> c = in.b;
    arma::Col<T> tau(static_cast<arma::uword>(std::max(1, n)));

    Stopwatch sw;
    int info = geqrf(m, n, qr.memptr(), ld(m), tau.memptr(), f);
    const double factor_s = sw.lap();
    if (info != 0) return shape::failed_after<T>(shape::info_text(routine<T>("geqrf"), info), factor_s);
    // The triangular solve would divide by it: report the rank deficiency instead of returning Inf.
    for (int i = 0; i < n; ++i)
      if (qr(i, i) == T(0))
        return shape::failed_after<T>(
            "rank deficient: R(" + std::to_string(i + 1) + "," + std::to_string(i + 1) + ") = 0", factor_s);
    info = ormqr<T>('L', 'T', m, 1, n, qr.memptr(), ld(m), tau.memptr(), c.memptr(), ld(m), f);
    if (info != 0) return shape::failed_after<T>(shape::info_text(routine<T>("ormqr"), info), factor_s, sw.lap());
    trsm('L', 'U', 'N', 'N', n, 1, T(1), qr.memptr(), ld(m), c.memptr(), ld(m), f);
    arma::Col<T> x = c.head(static_cast<arma::uword>(n));
    const double solve_s = sw.lap();
    return shape::solved(std::move(x), factor_s, solve_s);
  }
};

}  // namespace condbench::lapack

CONDBENCH_REGISTER_LAPACK_SOLVER(condbench::lapack::Qr);
