// lapack.qr: Householder QR (?geqrf), c = Q^T b (?ormqr), x = R \ c(1:n) (?trsm on the leading n x n of R).
// For m > n this is the least-squares solution.
#include "solvers/lapack/lapack.hpp"
#include "solvers/lapack/shape.hpp"
#include "solvers/registry.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench {

class LapackQr : public SolverT<LapackQr> {
 public:
  const SolverInfo& info() const override {
    static const SolverInfo i{"lapack.qr", "Householder QR: ?geqrf + ?ormqr (Q^T b) + ?trsm (R x = c)",
                              KindSet{ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares}};
    return i;
  }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    if (std::string e = shape::tall_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
    const int m = shape::as_int(in.A.n_rows);
    const int n = shape::as_int(in.A.n_cols);
    arma::Mat<T> qr = in.A;
    arma::Col<T> c = in.b;
    arma::Col<T> tau(static_cast<arma::uword>(std::max(1, n)));

    Stopwatch sw;
    int info = lapack::geqrf(m, n, qr.memptr(), lapack::ld(m), tau.memptr());
    const double factor_s = sw.lap();
    if (info != 0) return shape::failed_after<T>(shape::info_text(lapack::routine<T>("geqrf"), info), factor_s);
    // The triangular solve would divide by it: report the rank deficiency instead of returning Inf.
    for (int i = 0; i < n; ++i)
      if (qr(i, i) == T(0))
        return shape::failed_after<T>(
            "rank deficient: R(" + std::to_string(i + 1) + "," + std::to_string(i + 1) + ") = 0", factor_s);
    info = lapack::ormqr<T>('L', 'T', m, 1, n, qr.memptr(), lapack::ld(m), tau.memptr(), c.memptr(), lapack::ld(m));
    if (info != 0)
      return shape::failed_after<T>(shape::info_text(lapack::routine<T>("ormqr"), info), factor_s, sw.lap());
    lapack::trsm('L', 'U', 'N', 'N', n, 1, T(1), qr.memptr(), lapack::ld(m), c.memptr(), lapack::ld(m));
    arma::Col<T> x = c.head(static_cast<arma::uword>(n));
    const double solve_s = sw.lap();
    return shape::solved(std::move(x), factor_s, solve_s);
  }
};

}  // namespace condbench

CONDBENCH_REGISTER_SOLVER(condbench::LapackQr);
