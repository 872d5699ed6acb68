// eigen.ldlt: Eigen::LDLT (A = P^T L D L^T P with diagonal pivoting, for semidefinite matrices), factored in
// place, then solve(). A failed factorization (info() != Success) is a failed row; the sign Eigen found
// for D is in the facts, so an SPD problem that LDLT saw as indefinite is visible.
#include "solvers/eigen/eigen_solver.hpp"

namespace condbench::eigen {

struct Ldlt {
  static constexpr const char* name = "eigen.ldlt";
  static constexpr const char* description = "Eigen 3.4 LDLT (pivoted LDL^T) + solve(); info() checked";
  static constexpr KindSet kinds{ProblemKind::spd};
  static constexpr Shape shape = Shape::square;
  static constexpr const char* flop_method = "cholesky";

  template <class T>
  static SolveOutcome<T> solve(const SolveInput<T>& in) {
    Matrix<T> work = matrix(in.A);
    const Eigen::Map<const Vector<T>> b = vector(in.b);
    Stopwatch sw;
    Eigen::LDLT<Eigen::Ref<Matrix<T>>> ldlt(work);
    const double factor_s = sw.lap();
    if (ldlt.info() != Eigen::Success)
      return failed<T>(
          std::string("Eigen LDLT info() = ") + info_name(ldlt.info()) + " (zero pivot with a nonzero column below it)",
          factor_s);
    Vector<T> x = ldlt.solve(b);
    SolveOutcome<T> out = solved<T>(std::move(x), factor_s, sw.lap());
    out.facts.extra["sign"] = ldlt.isPositive()   ? (ldlt.isNegative() ? "zero" : "positive")
                              : ldlt.isNegative() ? "negative"
                                                  : "indefinite";
    if (!ldlt.isPositive())
      out.facts.note = "LDLT found D not positive semidefinite: the stored A is not numerically SPD";
    return out;
  }
};

}  // namespace condbench::eigen

CONDBENCH_REGISTER_EIGEN_SOLVER(condbench::eigen::Ldlt);
