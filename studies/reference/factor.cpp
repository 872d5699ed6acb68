#include "studies/reference/factor.hpp"

#include "studies/reference/dd_blas.hpp"
#include "studies/reference/lapack.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace condbench::ref {

LuFactors::LuFactors(const arma::mat& A, arma::mat&& storage) : lu_(std::move(storage)), piv_(A.n_rows) {
  lu_ = A;  // into the given memory when its size matches (Armadillo keeps it)
  const int n = static_cast<int>(A.n_rows);
  int info = 0;
  dgetrf_(&n, &n, lu_.memptr(), &n, piv_.data(), &info);
  singular_ = info != 0;
  if (singular_) {
    // Zero pivots become u * max |U_ij| (the largest by idamax, column by column).
    const int one = 1;
    double umax = 0;
    for (int j = 0; j < n; ++j) {
      const int len = j + 1;
      const double* col = lu_.colptr(static_cast<arma::uword>(j));
      umax = std::max(umax, std::fabs(col[idamax_(&len, col, &one) - 1]));
    }
    const double tiny = umax > 0 ? 0x1p-53 * umax : 1;
    for (arma::uword i = 0; i < lu_.n_rows; ++i)
      if (lu_(i, i) == 0) lu_(i, i) = tiny;
  }
}

void LuFactors::solve(double* x, int nrhs, bool trans) const {
  const int n = static_cast<int>(lu_.n_rows);
  if (nrhs != 1) {
    int info = 0;
    dgetrs_(trans ? "T" : "N", &n, &nrhs, lu_.memptr(), &n, piv_.data(), x, &n, &info, 1);
    return;
  }
  constexpr int kb = 128;
  const double* a = lu_.memptr();
  auto at = [&](int i, int j) { return a + i + static_cast<std::size_t>(j) * n; };
  const int one = 1;
  const double minus = -1, plus = 1;
  auto swap = [&](int i) { std::swap(x[i], x[piv_[i] - 1]); };
  if (!trans) {  // x <- U^{-1} L^{-1} P x
    for (int i = 0; i < n; ++i) swap(i);
    for (int k = 0; k < n; k += kb) {
      const int b = std::min(kb, n - k), rest = n - k - b;
      dtrsv_("L", "N", "U", &b, at(k, k), &n, x + k, &one, 1, 1, 1);
      if (rest > 0) dgemv_("N", &rest, &b, &minus, at(k + b, k), &n, x + k, &one, &plus, x + k + b, &one, 1);
    }
    for (int k = ((n - 1) / kb) * kb; k >= 0; k -= kb) {
      const int b = std::min(kb, n - k);
      dtrsv_("U", "N", "N", &b, at(k, k), &n, x + k, &one, 1, 1, 1);
      if (k > 0) dgemv_("N", &k, &b, &minus, at(0, k), &n, x + k, &one, &plus, x, &one, 1);
    }
    return;
  }
  // x <- P^T L^{-T} U^{-T} x
  for (int k = 0; k < n; k += kb) {
    const int b = std::min(kb, n - k);
    if (k > 0) dgemv_("T", &k, &b, &minus, at(0, k), &n, x, &one, &plus, x + k, &one, 1);
    dtrsv_("U", "T", "N", &b, at(k, k), &n, x + k, &one, 1, 1, 1);
  }
  for (int k = ((n - 1) / kb) * kb; k >= 0; k -= kb) {
    const int b = std::min(kb, n - k), rest = n - k - b;
    if (rest > 0) dgemv_("T", &rest, &b, &minus, at(k + b, k), &n, x + k + b, &one, &plus, x + k, &one, 1);
    dtrsv_("L", "T", "U", &b, at(k, k), &n, x + k, &one, 1, 1, 1);
  }
  for (int i = n; i-- > 0;) swap(i);
}

void LuFactors::solve_dd(double* hi, double* lo, bool trans) const {
  const std::size_t n = lu_.n_rows;
  const Triangle L{lu_.memptr(), n, n, true, true}, U{lu_.memptr(), n, n, false, false};
  auto swap_rows = [&](std::size_t i) {
    const std::size_t p = static_cast<std::size_t>(piv_[i] - 1);
    if (p != i) {
      std::swap(hi[i], hi[p]);
      std::swap(lo[i], lo[p]);
    }
  };
  if (!trans) {  // A^{-1} = U^{-1} L^{-1} P
    for (std::size_t i = 0; i < n; ++i) swap_rows(i);
    trsv_dd(L, false, hi, lo);
    trsv_dd(U, false, hi, lo);
  } else {  // A^{-T} = P^T L^{-T} U^{-T}
    trsv_dd(U, true, hi, lo);
    trsv_dd(L, true, hi, lo);
    for (std::size_t i = n; i-- > 0;) swap_rows(i);
  }
}

double LuFactors::inv_norm1(double anorm1) const {
  if (inv_norm1_ < 0) {
    const int n = static_cast<int>(lu_.n_rows);
    std::vector<double> work(4 * static_cast<std::size_t>(n));
    std::vector<int> iwork(n);
    double rcond = 0;
    int info = 0;
    dgecon_("1", &n, lu_.memptr(), &n, &anorm1, &rcond, work.data(), iwork.data(), &info, 1);
    inv_norm1_ = rcond > 0 ? 1 / (rcond * anorm1) : arma::datum::inf;
  }
  return inv_norm1_;
}

QrFactors::QrFactors(const arma::mat& B, arma::mat&& storage) : qr_(std::move(storage)), tau_(B.n_cols) {
  qr_ = B;
  const int p = static_cast<int>(B.n_rows), q = static_cast<int>(B.n_cols);
  int info = 0, lwork = -1;
  double wq = 0;
  dgeqrf_(&p, &q, qr_.memptr(), &p, tau_.data(), &wq, &lwork, &info);
  lwork = std::max(1, static_cast<int>(wq));
  std::vector<double> work(lwork);
  dgeqrf_(&p, &q, qr_.memptr(), &p, tau_.data(), work.data(), &lwork, &info);
  for (int i = 0; i < q; ++i) singular_ = singular_ || qr_(i, i) == 0;
}

void QrFactors::ormqr(const char* trans, double* f) const {
  const int p = static_cast<int>(qr_.n_rows), q = static_cast<int>(qr_.n_cols), one = 1;
  int info = 0, lwork = -1;
  double wq = 0;
  dormqr_("L", trans, &p, &one, &q, qr_.memptr(), &p, tau_.data(), f, &p, &wq, &lwork, &info, 1, 1);
  lwork = std::max(1, static_cast<int>(wq));
  std::vector<double> work(lwork);
  dormqr_("L", trans, &p, &one, &q, qr_.memptr(), &p, tau_.data(), f, &p, work.data(), &lwork, &info, 1, 1);
}

void QrFactors::apply_qt(double* f) const { ormqr("T", f); }
void QrFactors::apply_q(double* f) const { ormqr("N", f); }

void QrFactors::solve_r(double* y) const {
  const int p = static_cast<int>(qr_.n_rows), q = static_cast<int>(qr_.n_cols), one = 1;
  int info = 0;
  dtrtrs_("U", "N", "N", &q, &one, qr_.memptr(), &p, y, &q, &info, 1, 1, 1);
}

void QrFactors::solve_rt(double* y) const {
  const int p = static_cast<int>(qr_.n_rows), q = static_cast<int>(qr_.n_cols), one = 1;
  int info = 0;
  dtrtrs_("U", "T", "N", &q, &one, qr_.memptr(), &p, y, &q, &info, 1, 1, 1);
}

void QrFactors::apply_qt_dd(double* fh, double* fl) const {
  for (std::size_t k = 0; k < qr_.n_cols; ++k) reflect_dd(qr_.memptr(), qr_.n_rows, qr_.n_rows, k, tau_[k], fh, fl);
}

void QrFactors::apply_q_dd(double* fh, double* fl) const {
  for (std::size_t k = qr_.n_cols; k-- > 0;) reflect_dd(qr_.memptr(), qr_.n_rows, qr_.n_rows, k, tau_[k], fh, fl);
}

void QrFactors::solve_r_dd(double* yh, double* yl) const {
  trsv_dd(Triangle{qr_.memptr(), qr_.n_rows, qr_.n_cols, false, false}, false, yh, yl);
}

void QrFactors::solve_rt_dd(double* yh, double* yl) const {
  trsv_dd(Triangle{qr_.memptr(), qr_.n_rows, qr_.n_cols, false, false}, true, yh, yl);
}

arma::vec QrFactors::times(const arma::vec& x) const {
  const int p = static_cast<int>(qr_.n_rows), q = static_cast<int>(qr_.n_cols), one = 1;
  arma::vec f(qr_.n_rows, arma::fill::zeros);
  f.head(qr_.n_cols) = x;
  dtrmv_("U", "N", "N", &q, qr_.memptr(), &p, f.memptr(), &one, 1, 1, 1);
  apply_q(f.memptr());
  return f;
}

double QrFactors::inv_norm1() const {
  if (inv_norm1_ < 0) {
    inv_norm1_ = arma::datum::inf;
    if (!singular_) {
      const int p = static_cast<int>(qr_.n_rows), q = static_cast<int>(qr_.n_cols);
      std::vector<double> w(3 * static_cast<std::size_t>(q));
      std::vector<int> iw(q);
      double rcond = 0;
      int info = 0;
      dtrcon_("1", "U", "N", &q, qr_.memptr(), &p, &rcond, w.data(), iw.data(), &info, 1, 1, 1);
      double rnorm1 = 0;  // ||R||_1, the largest column sum of the upper triangle
      for (int j = 0; j < q; ++j) {
        double s = 0;
        for (int i = 0; i <= j; ++i) s += std::fabs(qr_(i, j));
        rnorm1 = std::max(rnorm1, s);
      }
      inv_norm1_ = rcond > 0 ? 1 / (rcond * rnorm1) : arma::datum::inf;
    }
  }
  return inv_norm1_;
}

}  // namespace condbench::ref
