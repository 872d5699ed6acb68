// lapack.inverse: x = inv(A) * b with inv(A) from ?getrf + ?getri and the product by ?gemv. The anti-pattern,
// kept for comparison: forward error like LU, backward error growing with kappa.
#include <array>
#include <vector>

#include "solvers/lapack/lapack_solver.hpp"
#include "solvers/lapack/shape.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench::lapack {

struct Inverse {
  static constexpr const char* name = "lapack.inverse";
  static constexpr const char* description = "explicit inverse: ?getrf + ?getri, then x = inv(A) b by ?gemv";
  static constexpr KindSet kinds{ProblemKind::general, ProblemKind::spd};
  static constexpr bool f32 = true, f64 = true;
  static constexpr std::array<const char*, 6> symbols{"sgetrf_", "dgetrf_", "sgetri_", "dgetri_", "sgemv_", "dgemv_"};

  template <class T>
  static SolveOutcome<T> run(const Api& f, const SolveInput<T>& in) {
    if (std::string e = shape::square_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
    const int n = shape::as_int(in.A.n_rows);
    arma::Mat<T> inv = in.A;
    const arma::Col<T> b = in.b;
    arma::Col<T> x(in.b.n_elem);
    std::vector<int> ipiv(static_cast<std::size_t>(std::max(1, n)));

    Stopwatch sw;
    int info = getrf(n, n, inv.memptr(), ld(n), ipiv.data(), f);
    const std::string getrf_name = routine<T>("getrf");
    if (info > 0)
      return shape::failed_after<T>(shape::info_text(getrf_name, info) + ": U(" + std::to_string(info) + "," +
                                        std::to_string(info) + ") is exactly zero",
                                    sw.lap());
    if (info < 0) return shape::failed_after<T>(shape::info_text(getrf_name, info), sw.lap());
    info = getri<T>(n, inv.memptr(), ld(n), ipiv.data(), f);
    const double factor_s = sw.lap();
    if (info != 0) return shape::failed_after<T>(shape::info_text(routine<T>("getri"), info), factor_s);
    gemv('N', n, n, T(1), inv.memptr(), ld(n), b.memptr(), 1, T(0), x.memptr(), 1, f);
    const double solve_s = sw.lap();
    return shape::solved(std::move(x), factor_s, solve_s);
  }
};

}  // namespace condbench::lapack

CONDBENCH_REGISTER_LAPACK_SOLVER(condbench::lapack::Inverse);
