// eigen.full_lu: Eigen::FullPivLU (complete pivoting, rank-revealing), factored in place, then solve().
// For a rank-deficient A, Eigen's solve() returns a particular solution (zeros in the free variables); the
// rank and threshold it used are in the facts.
#include "solvers/eigen/eigen_solver.hpp"

namespace condbench::eigen {

struct FullLu {
  static constexpr const char* name = "eigen.full_lu";
  static constexpr const char* description = "Eigen 3.4 FullPivLU (complete pivoting, rank-revealing) + solve()";
  static constexpr KindSet kinds{ProblemKind::general, ProblemKind::spd};
  static constexpr Shape shape = Shape::square;
  static constexpr const char* flop_method = "lu";

  template <class T>
  static SolveOutcome<T> solve(const SolveInput<T>& in) {
    Matrix<T> work = matrix(in.A);
    const Eigen::Map<const Vector<T>> b = vector(in.b);
    Stopwatch sw;
    Eigen::FullPivLU<Eigen::Ref<Matrix<T>>> lu(work);
    const double factor_s = sw.lap();
    Vector<T> x = lu.solve(b);
    SolveOutcome<T> out = solved<T>(std::move(x), factor_s, sw.lap());
    record_rank(out.facts, static_cast<long>(lu.rank()), static_cast<double>(lu.threshold()),
                static_cast<long>(in.A.n_cols));
    return out;
  }
};

}  // namespace condbench::eigen

CONDBENCH_REGISTER_EIGEN_SOLVER(condbench::eigen::FullLu);
