// eigen.colpiv_qr: Eigen::ColPivHouseholderQR (column pivoting, rank-revealing), factored in place, then
// solve(): the least-squares solution for m > n; for a rank-deficient A a basic solution of the rank Eigen
// determined (recorded in the facts), not the minimum-norm one.
#include "solvers/eigen/eigen_solver.hpp"

namespace condbench::eigen {

struct ColPivQr {
  static constexpr const char* name = "eigen.colpiv_qr";
  static constexpr const char* description =
      "Eigen 3.4 ColPivHouseholderQR (column pivoting, rank-revealing) + solve(): least squares";
  static constexpr KindSet kinds{ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares};
  static constexpr Shape shape = Shape::tall;
  static constexpr const char* flop_method = "qr";

  template <class T>
  static SolveOutcome<T> solve(const SolveInput<T>& in) {
    Matrix<T> work = matrix(in.A);
    const Eigen::Map<const Vector<T>> b = vector(in.b);
    Stopwatch sw;
    Eigen::ColPivHouseholderQR<Eigen::Ref<Matrix<T>>> qr(work);
    const double factor_s = sw.lap();
    Vector<T> x = qr.solve(b);
    SolveOutcome<T> out = solved<T>(std::move(x), factor_s, sw.lap());
    record_rank(out.facts, static_cast<long>(qr.rank()), static_cast<double>(qr.threshold()),
                static_cast<long>(in.A.n_cols));
    return out;
  }
};

}  // namespace condbench::eigen

CONDBENCH_REGISTER_EIGEN_SOLVER(condbench::eigen::ColPivQr);
