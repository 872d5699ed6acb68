// lapack.lu: LU with partial pivoting (?getrf), then the two triangular solves (?getrs).
#include <array>
#include <vector>

#include "solvers/lapack/lapack_solver.hpp"
#include "solvers/lapack/shape.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench::lapack {

struct Lu {
  static constexpr const char* name = "lapack.lu";
  static constexpr const char* description = "LU with partial pivoting: ?getrf + ?getrs";
  static constexpr KindSet kinds{ProblemKind::general, ProblemKind::spd};
  static constexpr bool f32 = true, f64 = true;
  static constexpr std::array<const char*, 4> symbols{"sgetrf_", "dgetrf_", "sgetrs_", "dgetrs_"};

  template <class T>
  static SolveOutcome<T> run(const Api& f, const SolveInput<T>& in) {
    if (std::string e = shape::square_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
    const int n = shape::as_int(in.A.n_rows);
    arma::Mat<T> lu = in.A;
    arma::Col<T> x = in.b;
    std::vector<int> ipiv(static_cast<std::size_t>(std::max(1, n)));

    Stopwatch sw;
    int info = getrf(n, n, lu.memptr(), ld(n), ipiv.data(), f);
    const double factor_s = sw.lap();
    const std::string getrf_name = routine<T>("getrf");
    if (info > 0)
      return shape::failed_after<T>(shape::info_text(getrf_name, info) + ": U(" + std::to_string(info) + "," +
                                        std::to_string(info) + ") is exactly zero",
                                    factor_s);
    if (info < 0) return shape::failed_after<T>(shape::info_text(getrf_name, info), factor_s);
    info = getrs('N', n, 1, lu.memptr(), ld(n), ipiv.data(), x.memptr(), ld(n), f);
    const double solve_s = sw.lap();
    if (info != 0) return shape::failed_after<T>(shape::info_text(routine<T>("getrs"), info), factor_s, solve_s);
    return shape::solved(std::move(x), factor_s, solve_s);
  }
};

}  // namespace condbench::lapack

CONDBENCH_REGISTER_LAPACK_SOLVER(condbench::lapack::Lu);
