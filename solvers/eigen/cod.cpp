// eigen.cod: Eigen::CompleteOrthogonalDecomposition (A P = Q [T 0; 0 0] Z, column-pivoting QR then a QR of
// R's leading rows), factored in place, then solve(): the minimum-norm least-squares solution of the rank Eigen
// determined (rank and threshold in the facts). Any shape.
#include "solvers/eigen/eigen_solver.hpp"

namespace condbench::eigen {

struct Cod {
  static constexpr const char* name = "eigen.cod";
  static constexpr const char* description =
      "Eigen 3.4 CompleteOrthogonalDecomposition (rank-revealing) + solve(): min-norm least squares";
  static constexpr KindSet kinds{ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares,
                                 ProblemKind::underdetermined};
  static constexpr Shape shape = Shape::any;
  static constexpr const char* flop_method = "";

  template <class T>
  static SolveOutcome<T> solve(const SolveInput<T>& in) {
    Matrix<T> work = matrix(in.A);
    const Eigen::Map<const Vector<T>> b = vector(in.b);
    Stopwatch sw;
    Eigen::CompleteOrthogonalDecomposition<Eigen::Ref<Matrix<T>>> cod(work);
    const double factor_s = sw.lap();
    Vector<T> x = cod.solve(b);
    SolveOutcome<T> out = solved<T>(std::move(x), factor_s, sw.lap());
    record_rank(out.facts, static_cast<long>(cod.rank()), static_cast<double>(cod.threshold()),
                static_cast<long>(std::min(in.A.n_rows, in.A.n_cols)));
    return out;
  }
};

}  // namespace condbench::eigen

CONDBENCH_REGISTER_EIGEN_SOLVER(condbench::eigen::Cod);
