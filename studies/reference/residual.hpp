// Extra-precise residuals r = sum(init) - M x (XBLAS / LAWN 165 style).
//
// x is held as the unevaluated sum of up to three non-overlapping double vectors
// (~159 bits). Every product a_ij * xk_j is split exactly with TwoProd and fed into
// a four-level cascade of TwoSum accumulators per row; only the lowest level rounds.
// The loops run down columns (column-major storage) so GCC vectorizes them, and
// large products use two threads over row blocks.
#pragma once

#include <armadillo>

#include <vector>

namespace condbench::ref {

// x = c[0] + c[1] + ... + c[k-1], each of length n_cols (k in 1..3).
struct MultiVec {
  const double* c[3] = {nullptr, nullptr, nullptr};
  int k = 0;
};

// One term added to the residual before the product: sign * v (sign is +1 or -1,
// so the negation is exact).
struct Term {
  const double* v;
  double sign;
};

struct ResidualResult {
  std::vector<__float128> r;  // the residual, each entry rounded once to float128
  double err_bound = 0;       // rigorous-style bound on ||r_computed - r_exact||_2
};

// r = sum_l sign_l v_l - M x. norm_f_M: ||M||_F (caller computes it once).
ResidualResult residual(const arma::mat& M, double norm_f_M, const MultiVec& x, const std::vector<Term>& init);

// Splits a float128 into hi + mid + lo doubles (exact for normal values).
inline void split3(__float128 v, double& hi, double& mid, double& lo) {
  hi = static_cast<double>(v);
  v -= hi;
  mid = static_cast<double>(v);
  v -= mid;
  lo = static_cast<double>(v);
}

}  // namespace condbench::ref
