// eigen.bdc_svd: Eigen::BDCSVD (bidiagonalization + divide and conquer, thin U and V), then solve(): the
// minimum-norm least-squares solution (rank and threshold in the facts). Eigen itself switches to JacobiSVD
// when A has fewer than 16 columns: such rows say so (fallback, facts.jacobi = true).
//
// BDCSVD for float and double in one translation unit takes 2.4 GB and 70 s to compile: each scalar type has
// its own unit (bdc_svd_f32.cpp, bdc_svd_f64.cpp), this header only declares the solve.
#pragma once

#include "solvers/eigen/eigen_solver.hpp"

namespace condbench::eigen {

struct BdcSvd {
  static constexpr const char* name = "eigen.bdc_svd";
  static constexpr const char* description =
      "Eigen 3.4 BDCSVD (divide and conquer; JacobiSVD below 16 columns, thin U, V) + solve(): min-norm least "
      "squares";
  static constexpr KindSet kinds{ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares,
                                 ProblemKind::underdetermined};
  static constexpr Shape shape = Shape::any;
  static constexpr const char* flop_method = "";
  static constexpr Eigen::Index switch_size = 16;  // BDCSVD's default m_algoswap

  template <class T>
  static SolveOutcome<T> solve(const SolveInput<T>& in);  // bdc_svd_solve.hpp
};

extern template SolveOutcome<float> BdcSvd::solve<float>(const SolveInput<float>&);
extern template SolveOutcome<double> BdcSvd::solve<double>(const SolveInput<double>&);

}  // namespace condbench::eigen
