// eigen.partial_lu: Eigen::PartialPivLU (LU with partial pivoting, blocked), factored in place, then solve().
// Eigen assumes an invertible matrix and does not report a zero pivot: the solver looks at U's diagonal
// itself and fails as LAPACK's getrf would, instead of returning Inf.
#include "solvers/eigen/eigen_solver.hpp"

namespace condbench::eigen {

struct PartialLu {
  static constexpr const char* name = "eigen.partial_lu";
  static constexpr const char* description = "Eigen 3.4 PartialPivLU (partial pivoting) + solve()";
  static constexpr KindSet kinds{ProblemKind::general, ProblemKind::spd};
  static constexpr Shape shape = Shape::square;
  static constexpr const char* flop_method = "lu";

  template <class T>
  static SolveOutcome<T> solve(const SolveInput<T>& in) {
    Matrix<T> work = matrix(in.A);
    const Eigen::Map<const Vector<T>> b = vector(in.b);
    Stopwatch sw;
    Eigen::PartialPivLU<Eigen::Ref<Matrix<T>>> lu(work);
    const double factor_s = sw.lap();
    const auto diag = lu.matrixLU().diagonal();
    for (Eigen::Index i = 0; i < diag.size(); ++i)
      if (diag(i) == T(0))
        return failed<T>("U(" + std::to_string(i + 1) + "," + std::to_string(i + 1) + ") is exactly zero", factor_s);
    Vector<T> x = lu.solve(b);
    return solved<T>(std::move(x), factor_s, sw.lap());
  }
};

}  // namespace condbench::eigen

CONDBENCH_REGISTER_EIGEN_SOLVER(condbench::eigen::PartialLu);
