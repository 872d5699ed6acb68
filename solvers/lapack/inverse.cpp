// lapack.inverse: x = inv(A) * b with inv(A) from ?getrf + ?getri and the product by ?gemv. The anti-pattern,
// kept for comparison: forward error like LU, backward error growing with kappa.
#include <vector>

#include "solvers/lapack/lapack.hpp"
#include "solvers/lapack/shape.hpp"
#include "solvers/registry.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench {

class LapackInverse : public SolverT<LapackInverse> {
 public:
  const SolverInfo& info() const override {
    static const SolverInfo i{"lapack.inverse", "explicit inverse: ?getrf + ?getri, then x = inv(A) b by ?gemv",
                              KindSet{ProblemKind::general, ProblemKind::spd}};
    return i;
  }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    if (std::string e = shape::square_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
    const int n = shape::as_int(in.A.n_rows);
    arma::Mat<T> inv = in.A;
    const arma::Col<T> b = in.b;
    arma::Col<T> x(in.b.n_elem);
    std::vector<int> ipiv(static_cast<std::size_t>(std::max(1, n)));

    Stopwatch sw;
    int info = lapack::getrf(n, n, inv.memptr(), lapack::ld(n), ipiv.data());
    const std::string getrf = lapack::routine<T>("getrf");
    if (info > 0)
      return shape::failed_after<T>(shape::info_text(getrf, info) + ": U(" + std::to_string(info) + "," +
                                        std::to_string(info) + ") is exactly zero",
                                    sw.lap());
    if (info < 0) return shape::failed_after<T>(shape::info_text(getrf, info), sw.lap());
    info = lapack::getri<T>(n, inv.memptr(), lapack::ld(n), ipiv.data());
    const double factor_s = sw.lap();
    if (info != 0) return shape::failed_after<T>(shape::info_text(lapack::routine<T>("getri"), info), factor_s);
    lapack::gemv('N', n, n, T(1), inv.memptr(), lapack::ld(n), b.memptr(), 1, T(0), x.memptr(), 1);
    const double solve_s = sw.lap();
    return shape::solved(std::move(x), factor_s, solve_s);
  }
};

}  // namespace condbench

CONDBENCH_REGISTER_SOLVER(condbench::LapackInverse);
