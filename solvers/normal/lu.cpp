// normal.lu: the same normal equations as normal.cholesky (full symmetric A^T A in the working precision), solved
// by LU with partial pivoting (?getrf + ?getrs): it does not break down where Cholesky does, but keeps kappa^2.
#include <vector>

#include "solvers/lapack/lapack.hpp"
#include "solvers/lapack/shape.hpp"
#include "solvers/normal/normal_equations.hpp"
#include "solvers/registry.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench {

class NormalLu : public SolverT<NormalLu> {
 public:
  const SolverInfo& info() const override {
    static const SolverInfo i{"normal.lu", "normal equations in working precision: ?syrk + ?gemv, then ?getrf + ?getrs",
                              KindSet{ProblemKind::least_squares}};
    return i;
  }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    if (std::string e = shape::tall_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
    const int n = shape::as_int(in.A.n_cols);
    std::vector<int> ipiv(static_cast<std::size_t>(std::max(1, n)));

    Stopwatch sw;
    normal::NormalEquations<T> ne = normal::form(in.A, in.b, /*mirror_to_full=*/true);
    const int info = lapack::getrf(n, n, ne.C.memptr(), lapack::ld(n), ipiv.data());
    const double factor_s = sw.lap();
    const std::string getrf = lapack::routine<T>("getrf");
    if (info > 0)
      return shape::failed_after<T>(shape::info_text(getrf, info) + ": U(" + std::to_string(info) + "," +
                                        std::to_string(info) + ") of A^T A is exactly zero",
                                    factor_s);
    if (info < 0) return shape::failed_after<T>(shape::info_text(getrf, info), factor_s);
    const int sinfo = lapack::getrs('N', n, 1, ne.C.memptr(), lapack::ld(n), ipiv.data(), ne.d.memptr(), lapack::ld(n));
    const double solve_s = sw.lap();
    if (sinfo != 0)
      return shape::failed_after<T>(shape::info_text(lapack::routine<T>("getrs"), sinfo), factor_s, solve_s);
    return shape::solved(std::move(ne.d), factor_s, solve_s);
  }
};

}  // namespace condbench

CONDBENCH_REGISTER_SOLVER(condbench::NormalLu);
