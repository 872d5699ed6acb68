// The body of eigen.bdc_svd's solve, instantiated once per scalar type (bdc_svd_f32.cpp, bdc_svd_f64.cpp).
#pragma once

#include "solvers/eigen/bdc_svd.hpp"

namespace condbench::eigen {

template <class T>
SolveOutcome<T> BdcSvd::solve(const SolveInput<T>& in) {
  const Eigen::Map<const Matrix<T>> a = matrix(in.A);
  const Eigen::Map<const Vector<T>> b = vector(in.b);
  Stopwatch sw;
  Eigen::BDCSVD<Matrix<T>> svd;
  svd.setSwitchSize(switch_size);  // the default, set so that the fact below cannot drift from it
  svd.compute(a, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const double factor_s = sw.lap();
  if (svd.info() != Eigen::Success)
    return failed<T>(std::string("Eigen BDCSVD info() = ") + info_name(svd.info()), factor_s);
  Vector<T> x = svd.solve(b);
  SolveOutcome<T> out = solved<T>(std::move(x), factor_s, sw.lap());
  record_rank(out.facts, static_cast<long>(svd.rank()), static_cast<double>(svd.threshold()),
              static_cast<long>(std::min(in.A.n_rows, in.A.n_cols)));
  const bool jacobi = a.cols() < switch_size;
  out.facts.extra["jacobi"] = jacobi;
  if (jacobi) {
    out.facts.fallback = true;
    out.facts.note += std::string(out.facts.note.empty() ? "" : "; ") + "BDCSVD ran JacobiSVD (" +
                      std::to_string(a.cols()) + " columns < " + std::to_string(switch_size) + ")";
  }
  return out;
}

}  // namespace condbench::eigen
