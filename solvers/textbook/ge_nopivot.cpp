// textbook.ge_nopivot: Gaussian elimination WITHOUT pivoting, as in the lectures, then forward and back
// substitution, all in T. Only an exactly zero pivot stops it: tiny pivots proceed, and the growth they cause is
// exactly what this solver exists to show.
#include "solvers/lapack/shape.hpp"
#include "solvers/registry.hpp"
#include "solvers/stopwatch.hpp"
#include "solvers/textbook/kernels.hpp"

namespace condbench {

class TextbookGeNoPivot : public SolverT<TextbookGeNoPivot> {
 public:
  const SolverInfo& info() const override {
    static const SolverInfo i{"textbook.ge_nopivot",
                              "Gaussian elimination without pivoting (A = LU), forward + back substitution",
                              KindSet{ProblemKind::general, ProblemKind::spd}};
    return i;
  }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    if (std::string e = shape::square_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
    const std::size_t n = in.A.n_rows;
    arma::Mat<T> lu = in.A;
    arma::Col<T> x = in.b;

    Stopwatch sw;
    const std::size_t zero_at = eliminate(lu);
    const double factor_s = sw.lap();
    if (zero_at > 0) return shape::failed_after<T>("zero pivot at step " + std::to_string(zero_at), factor_s);
    textbook::forward_substitute_unit(lu, x, n);
    textbook::back_substitute(lu, x, n);
    const double solve_s = sw.lap();
    return shape::solved(std::move(x), factor_s, solve_s);
  }

 private:
  // Overwrites a with L (unit, below the diagonal) and U. Returns the 1-based step with an exactly zero pivot,
  // or 0.
  template <class T>
  static std::size_t eliminate(arma::Mat<T>& a) {
    const std::size_t n = a.n_rows;
    for (std::size_t k = 0; k < n; ++k) {
      const T pivot = a(k, k);
      if (pivot == T(0)) return k + 1;
      T* lk = a.colptr(k);
      for (std::size_t i = k + 1; i < n; ++i) lk[i] /= pivot;
      for (std::size_t j = k + 1; j < n; ++j) textbook::axpy_sub(a(k, j), lk + k + 1, a.colptr(j) + k + 1, n - k - 1);
    }
    return 0;
  }
};

}  // namespace condbench

CONDBENCH_REGISTER_SOLVER(condbench::TextbookGeNoPivot);
