// normal.cholesky: least squares by the normal equations, A^T A formed in the working precision (?syrk), then
// ?potrf + ?potrs. Forward error ~ kappa^2 u whatever the residual; breaks down near kappa ~ u^(-1/2).
#include "solvers/lapack/lapack.hpp"
#include "solvers/lapack/shape.hpp"
#include "solvers/normal/normal_equations.hpp"
#include "solvers/registry.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench {

class NormalCholesky : public SolverT<NormalCholesky> {
 public:
  const SolverInfo& info() const override {
    static const SolverInfo i{"normal.cholesky",
                              "normal equations in working precision: ?syrk + ?gemv, then ?potrf + ?potrs",
                              KindSet{ProblemKind::least_squares}};
    return i;
  }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    if (std::string e = shape::tall_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
    const int n = shape::as_int(in.A.n_cols);

    Stopwatch sw;
    normal::NormalEquations<T> ne = normal::form(in.A, in.b, /*mirror_to_full=*/false);
    const int info = lapack::potrf('U', n, ne.C.memptr(), lapack::ld(n));
    const double factor_s = sw.lap();
    const std::string potrf = lapack::routine<T>("potrf");
    if (info > 0)
      return shape::failed_after<T>("not SPD: " + shape::info_text(potrf, info) + " (leading minor " +
                                        std::to_string(info) +
                                        " of A^T A not positive definite: A^T A numerically "
                                        "indefinite)",
                                    factor_s);
    if (info < 0) return shape::failed_after<T>(shape::info_text(potrf, info), factor_s);
    const int sinfo = lapack::potrs('U', n, 1, ne.C.memptr(), lapack::ld(n), ne.d.memptr(), lapack::ld(n));
    const double solve_s = sw.lap();
    if (sinfo != 0)
      return shape::failed_after<T>(shape::info_text(lapack::routine<T>("potrs"), sinfo), factor_s, solve_s);
    return shape::solved(std::move(ne.d), factor_s, solve_s);
  }
};

}  // namespace condbench

CONDBENCH_REGISTER_SOLVER(condbench::NormalCholesky);
