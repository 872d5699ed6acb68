// lapack.svd: ?gelsd (divide-and-conquer SVD) with rcond = -1, i.e. singular values below machine epsilon
// times the largest are treated as zero; returns the minimum-norm least-squares solution for any shape.
#include <array>

#include "solvers/lapack/lapack_solver.hpp"
#include "solvers/lapack/shape.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench::lapack {

struct Svd {
  static constexpr const char* name = "lapack.svd";
  static constexpr const char* description = "SVD least squares, minimum norm: ?gelsd with rcond = -1 (eps)";
  static constexpr KindSet kinds{ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares,
                                 ProblemKind::underdetermined};
  static constexpr bool f32 = true, f64 = true;
  static constexpr std::array<const char*, 2> symbols{"sgelsd_", "dgelsd_"};

  template <class T>
  static SolveOutcome<T> run(const Api& f, const SolveInput<T>& in) {
    if (std::string e = shape::basic_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
    const int m = shape::as_int(in.A.n_rows);
    const int n = shape::as_int(in.A.n_cols);
    const int ldb = ld(std::max(m, n));
    arma::Mat<T> a = in.A;
    // gelsd reads b from the first m rows and writes x to the first n rows of a max(m, n) array.
    arma::Col<T> bx(static_cast<arma::uword>(ldb), arma::fill::zeros);
    bx.head(in.b.n_elem) = in.b;
    arma::Col<T> s(static_cast<arma::uword>(std::max(1, std::min(m, n))));
    int rank = 0;

    Stopwatch sw;
    const int info = gelsd<T>(m, n, 1, a.memptr(), ld(m), bx.memptr(), ldb, s.memptr(), T(-1), &rank, f);
    const double factor_s = sw.lap();
    const std::string gelsd_name = routine<T>("gelsd");
    if (info > 0)
      return shape::failed_after<T>(shape::info_text(gelsd_name, info) + ": the SVD did not converge (" +
                                        std::to_string(info) + " off-diagonal elements did not converge to zero)",
                                    factor_s);
    if (info < 0) return shape::failed_after<T>(shape::info_text(gelsd_name, info), factor_s);

    // gelsd does everything in one call; its time is all in factor_s.
    SolveOutcome<T> out = shape::solved<T>(bx.head(static_cast<arma::uword>(n)), factor_s, 0.0);
    if (rank < std::min(m, n))
      out.facts.note = gelsd_name + " effective rank " + std::to_string(rank) +
                       " < min(m,n) = " + std::to_string(std::min(m, n)) +
                       " (singular values <= eps * s_max treated as zero)";
    return out;
  }
};

}  // namespace condbench::lapack

CONDBENCH_REGISTER_LAPACK_SOLVER(condbench::lapack::Svd);
