// lapack.lu: LU with partial pivoting (?getrf), then the two triangular solves (?getrs).
#include <vector>

#include "solvers/lapack/lapack.hpp"
#include "solvers/lapack/shape.hpp"
#include "solvers/registry.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench {

class LapackLu : public SolverT<LapackLu> {
 public:
  const SolverInfo& info() const override {
    static const SolverInfo i{"lapack.lu", "LU with partial pivoting: ?getrf + ?getrs",
                              KindSet{ProblemKind::general, ProblemKind::spd}};
    return i;
  }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    if (std::string e = shape::square_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
    const int n = shape::as_int(in.A.n_rows);
    arma::Mat<T> lu = in.A;
    arma::Col<T> x = in.b;
    std::vector<int> ipiv(static_cast<std::size_t>(std::max(1, n)));

    Stopwatch sw;
    int info = lapack::getrf(n, n, lu.memptr(), lapack::ld(n), ipiv.data());
    const double factor_s = sw.lap();
    const std::string getrf = lapack::routine<T>("getrf");
    if (info > 0)
      return shape::failed_after<T>(shape::info_text(getrf, info) + ": U(" + std::to_string(info) + "," +
                                        std::to_string(info) + ") is exactly zero",
                                    factor_s);
    if (info < 0) return shape::failed_after<T>(shape::info_text(getrf, info), factor_s);
    info = lapack::getrs('N', n, 1, lu.memptr(), lapack::ld(n), ipiv.data(), x.memptr(), lapack::ld(n));
    const double solve_s = sw.lap();
    if (info != 0)
      return shape::failed_after<T>(shape::info_text(lapack::routine<T>("getrs"), info), factor_s, solve_s);
    return shape::solved(std::move(x), factor_s, solve_s);
  }
};

}  // namespace condbench

CONDBENCH_REGISTER_SOLVER(condbench::LapackLu);
