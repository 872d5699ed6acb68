#include "studies/reference/dense128.hpp"

#include <quadmath.h>

#include <utility>

namespace condbench::ref {

Lu128::Lu128(const arma::mat& A) : n_(A.n_rows), a_(A.begin(), A.end()), piv_(A.n_rows) {
  for (std::size_t k = 0; k < n_; ++k) {
    std::size_t p = k;
    for (std::size_t i = k + 1; i < n_; ++i)
      if (fabsq(at(i, k)) > fabsq(at(p, k))) p = i;
    piv_[k] = p;
    if (p != k)
      for (std::size_t j = 0; j < n_; ++j) std::swap(at(k, j), at(p, j));
    if (at(k, k) == 0) {
      singular_ = true;
      continue;
    }
    const f128 inv = 1 / at(k, k);
    for (std::size_t i = k + 1; i < n_; ++i) at(i, k) *= inv;
    for (std::size_t j = k + 1; j < n_; ++j) {
      const f128 ukj = at(k, j);
      if (ukj == 0) continue;
      f128* col = &a_[j * n_];
      const f128* l = &a_[k * n_];
      for (std::size_t i = k + 1; i < n_; ++i) col[i] -= l[i] * ukj;
    }
  }
}

void Lu128::solve(std::vector<f128>& x, bool trans) const {
  if (!trans) {
    for (std::size_t k = 0; k < n_; ++k) std::swap(x[k], x[piv_[k]]);
    for (std::size_t j = 0; j < n_; ++j)
      for (std::size_t i = j + 1; i < n_; ++i) x[i] -= at(i, j) * x[j];
    for (std::size_t j = n_; j-- > 0;) {
      x[j] /= at(j, j);
      for (std::size_t i = 0; i < j; ++i) x[i] -= at(i, j) * x[j];
    }
    return;
  }
  // A^T = U^T L^T P: solve U^T, then L^T, then undo the row swaps in reverse.
  for (std::size_t j = 0; j < n_; ++j) {
    f128 s = x[j];
    for (std::size_t i = 0; i < j; ++i) s -= at(i, j) * x[i];
    x[j] = s / at(j, j);
  }
  for (std::size_t j = n_; j-- > 0;) {
    f128 s = x[j];
    for (std::size_t i = j + 1; i < n_; ++i) s -= at(i, j) * x[i];
    x[j] = s;
  }
  for (std::size_t k = n_; k-- > 0;) std::swap(x[k], x[piv_[k]]);
}

Qr128::Qr128(const arma::mat& B) : p_(B.n_rows), q_(B.n_cols), a_(B.begin(), B.end()), tau_(B.n_cols) {
  for (std::size_t k = 0; k < q_; ++k) {
    f128* col = &a_[k * p_];
    f128 norm2 = 0;
    for (std::size_t i = k; i < p_; ++i) norm2 += col[i] * col[i];
    const f128 norm = sqrtq(norm2);
    if (norm == 0) {
      singular_ = true;
      tau_[k] = 0;
      continue;
    }
    const f128 alpha = col[k] > 0 ? -norm : norm;
    const f128 v0 = col[k] - alpha;
    // v = x - alpha e1 scaled so v(k) = 1; tau = 2 / (v^T v) = -v0 / alpha.
    for (std::size_t i = k + 1; i < p_; ++i) col[i] /= v0;
    tau_[k] = -v0 / alpha;
    col[k] = alpha;
    for (std::size_t j = k + 1; j < q_; ++j) {
      f128* cj = &a_[j * p_];
      f128 w = cj[k];
      for (std::size_t i = k + 1; i < p_; ++i) w += col[i] * cj[i];
      w *= tau_[k];
      cj[k] -= w;
      for (std::size_t i = k + 1; i < p_; ++i) cj[i] -= w * col[i];
    }
  }
}

void Qr128::apply_qt(f128* f) const {
  for (std::size_t k = 0; k < q_; ++k) {
    const f128* col = &a_[k * p_];
    f128 w = f[k];
    for (std::size_t i = k + 1; i < p_; ++i) w += col[i] * f[i];
    w *= tau_[k];
    f[k] -= w;
    for (std::size_t i = k + 1; i < p_; ++i) f[i] -= w * col[i];
  }
}

void Qr128::apply_q(f128* f) const {
  for (std::size_t k = q_; k-- > 0;) {
    const f128* col = &a_[k * p_];
    f128 w = f[k];
    for (std::size_t i = k + 1; i < p_; ++i) w += col[i] * f[i];
    w *= tau_[k];
    f[k] -= w;
    for (std::size_t i = k + 1; i < p_; ++i) f[i] -= w * col[i];
  }
}

void Qr128::solve_r(f128* y) const {
  for (std::size_t j = q_; j-- > 0;) {
    y[j] /= at(j, j);
    for (std::size_t i = 0; i < j; ++i) y[i] -= at(i, j) * y[j];
  }
}

void Qr128::solve_rt(f128* y) const {
  for (std::size_t j = 0; j < q_; ++j) {
    f128 s = y[j];
    for (std::size_t i = 0; i < j; ++i) s -= at(i, j) * y[i];
    y[j] = s / at(j, j);
  }
}

}  // namespace condbench::ref
