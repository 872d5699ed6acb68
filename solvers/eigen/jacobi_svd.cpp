// eigen.jacobi_svd: Eigen::JacobiSVD (one-sided Jacobi after a column-pivoting QR preconditioner, thin U and
// V), then solve(): the minimum-norm least-squares solution, singular values below Eigen's threshold times the
// largest treated as zero (rank and threshold in the facts). Any shape.
#include "solvers/eigen/eigen_solver.hpp"

namespace condbench::eigen {

struct JacobiSvd {
  static constexpr const char* name = "eigen.jacobi_svd";
  static constexpr const char* description =
      "Eigen 3.4 JacobiSVD (ColPivHouseholderQR preconditioner, thin U, V) + solve(): min-norm least squares";
  static constexpr KindSet kinds{ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares,
                                 ProblemKind::underdetermined};
  static constexpr Shape shape = Shape::any;
  static constexpr const char* flop_method = "";

  template <class T>
  static SolveOutcome<T> solve(const SolveInput<T>& in) {
    const Eigen::Map<const Matrix<T>> a = matrix(in.A);
    const Eigen::Map<const Vector<T>> b = vector(in.b);
    Stopwatch sw;
    Eigen::JacobiSVD<Matrix<T>> svd(a, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const double factor_s = sw.lap();
    if (svd.info() != Eigen::Success)
      return failed<T>(std::string("Eigen JacobiSVD info() = ") + info_name(svd.info()), factor_s);
    Vector<T> x = svd.solve(b);
    SolveOutcome<T> out = solved<T>(std::move(x), factor_s, sw.lap());
    record_rank(out.facts, static_cast<long>(svd.rank()), static_cast<double>(svd.threshold()),
                static_cast<long>(std::min(in.A.n_rows, in.A.n_cols)));
    return out;
  }
};

}  // namespace condbench::eigen

CONDBENCH_REGISTER_EIGEN_SOLVER(condbench::eigen::JacobiSvd);
