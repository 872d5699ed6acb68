// lapack.cholesky: A = U^T U (?potrf), then ?potrs. SPD problems only; a breakdown is a result, never a
// reason to switch to LU.
#include "solvers/lapack/lapack.hpp"
#include "solvers/lapack/shape.hpp"
#include "solvers/registry.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench {

class LapackCholesky : public SolverT<LapackCholesky> {
 public:
  const SolverInfo& info() const override {
    static const SolverInfo i{"lapack.cholesky", "Cholesky: ?potrf (upper) + ?potrs", KindSet{ProblemKind::spd}};
    return i;
  }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    if (std::string e = shape::square_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
    const int n = shape::as_int(in.A.n_rows);
    arma::Mat<T> c = in.A;
    arma::Col<T> x = in.b;

    Stopwatch sw;
    int info = lapack::potrf('U', n, c.memptr(), lapack::ld(n));
    const double factor_s = sw.lap();
    const std::string potrf = lapack::routine<T>("potrf");
    if (info > 0)
      return shape::failed_after<T>("not SPD: " + shape::info_text(potrf, info) + " (leading minor " +
                                        std::to_string(info) + " not positive definite)",
                                    factor_s);
    if (info < 0) return shape::failed_after<T>(shape::info_text(potrf, info), factor_s);
    info = lapack::potrs('U', n, 1, c.memptr(), lapack::ld(n), x.memptr(), lapack::ld(n));
    const double solve_s = sw.lap();
    if (info != 0)
      return shape::failed_after<T>(shape::info_text(lapack::routine<T>("potrs"), info), factor_s, solve_s);
    return shape::solved(std::move(x), factor_s, solve_s);
  }
};

}  // namespace condbench

CONDBENCH_REGISTER_SOLVER(condbench::LapackCholesky);
