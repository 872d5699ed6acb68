// eigen.llt: Eigen::LLT (Cholesky, lower), factored in place, then solve(). SPD problems only; a
// non-positive pivot is Eigen's info() = NumericalIssue and a failed row, never a solve with a broken factor.
#include "solvers/eigen/eigen_solver.hpp"

namespace condbench::eigen {

struct Llt {
  static constexpr const char* name = "eigen.llt";
  static constexpr const char* description = "Eigen 3.4 LLT (Cholesky) + solve(); info() checked";
  static constexpr KindSet kinds{ProblemKind::spd};
  static constexpr Shape shape = Shape::square;
  static constexpr const char* flop_method = "cholesky";

  template <class T>
  static SolveOutcome<T> solve(const SolveInput<T>& in) {
    Matrix<T> work = matrix(in.A);
    const Eigen::Map<const Vector<T>> b = vector(in.b);
    Stopwatch sw;
    Eigen::LLT<Eigen::Ref<Matrix<T>>> llt(work);
    const double factor_s = sw.lap();
    if (llt.info() != Eigen::Success)
      return failed<T>(
          std::string("not SPD: Eigen LLT info() = ") + info_name(llt.info()) + " (a pivot was not positive)",
          factor_s);
    Vector<T> x = llt.solve(b);
    return solved<T>(std::move(x), factor_s, sw.lap());
  }
};

}  // namespace condbench::eigen

CONDBENCH_REGISTER_EIGEN_SOLVER(condbench::eigen::Llt);
