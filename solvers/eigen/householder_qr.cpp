// eigen.householder_qr: Eigen::HouseholderQR (no pivoting), factored in place, then solve(): the
// least-squares solution for m > n. Not rank-revealing: an exactly zero R(i,i) fails with the reason
// (Eigen's solve would divide by it).
#include "solvers/eigen/eigen_solver.hpp"

namespace condbench::eigen {

struct HouseholderQr {
  static constexpr const char* name = "eigen.householder_qr";
  static constexpr const char* description = "Eigen 3.4 HouseholderQR (no pivoting) + solve(): least squares";
  static constexpr KindSet kinds{ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares};
  static constexpr Shape shape = Shape::tall;
  static constexpr const char* flop_method = "qr";

  template <class T>
  static SolveOutcome<T> solve(const SolveInput<T>& in) {
    Matrix<T> work = matrix(in.A);
    const Eigen::Map<const Vector<T>> b = vector(in.b);
    Stopwatch sw;
    Eigen::HouseholderQR<Eigen::Ref<Matrix<T>>> qr(work);
    const double factor_s = sw.lap();
    const auto diag = qr.matrixQR().diagonal();
    for (Eigen::Index i = 0; i < diag.size(); ++i)
      if (diag(i) == T(0))
        return failed<T>("rank deficient: R(" + std::to_string(i + 1) + "," + std::to_string(i + 1) + ") = 0",
                         factor_s);
    Vector<T> x = qr.solve(b);
    return solved<T>(std::move(x), factor_s, sw.lap());
  }
};

}  // namespace condbench::eigen

CONDBENCH_REGISTER_EIGEN_SOLVER(condbench::eigen::HouseholderQr);
