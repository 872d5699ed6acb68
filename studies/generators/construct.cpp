#include "studies/generators/construct.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace condbench {

SingleThreadedBlas::SingleThreadedBlas() : saved_(openblas_get_num_threads()) { openblas_set_num_threads(1); }
SingleThreadedBlas::~SingleThreadedBlas() { openblas_set_num_threads(saved_); }

arma::mat haar_orthonormal_columns(Rng& rng, arma::uword rows, arma::uword cols) {
  if (cols > rows) throw std::invalid_argument("haar_orthonormal_columns: cols > rows");
  arma::mat G(rows, cols);
  rng.fill_normal(G.memptr(), G.n_elem);
  arma::mat Q, R;
  if (!arma::qr_econ(Q, R, G)) throw std::runtime_error("haar_orthonormal_columns: QR failed");
  for (arma::uword j = 0; j < cols; ++j)
    if (R(j, j) < 0) Q.col(j) *= -1.0;
  return Q;
}

namespace {

// Error-free transformations; -ffp-contract=off keeps the compiler from fusing them.
inline void two_sum(double a, double b, double& s, double& e) {
  s = a + b;
  const double z = s - a;
  e = (a - (s - z)) + (b - z);
}

}  // namespace

arma::vec accurate_matvec(const arma::mat& A, const arma::vec& x, const arma::vec* add) {
  if (A.n_cols != x.n_elem) throw std::invalid_argument("accurate_matvec: size mismatch");
  const arma::uword m = A.n_rows;
  arma::vec hi(m, arma::fill::zeros), lo(m, arma::fill::zeros);
  // Column by column, so the inner loop walks A contiguously.
  for (arma::uword j = 0; j < A.n_cols; ++j) {
    const double xj = x[j];
    const double* a = A.colptr(j);
    for (arma::uword i = 0; i < m; ++i) {
      const double p = a[i] * xj;
      const double pe = std::fma(a[i], xj, -p);
      double s, se;
      two_sum(hi[i], p, s, se);
      hi[i] = s;
      lo[i] += pe + se;
    }
  }
  if (add) {
    for (arma::uword i = 0; i < m; ++i) {
      double s, se;
      two_sum(hi[i], (*add)[i], s, se);
      hi[i] = s;
      lo[i] += se;
    }
  }
  return hi + lo;
}

arma::vec project_out(const arma::mat& Q, arma::vec g) {
  if (Q.n_rows != g.n_elem) throw std::invalid_argument("project_out: size mismatch");
  for (int pass = 0; pass < 2; ++pass) {
    arma::vec c(Q.n_cols);
    for (arma::uword j = 0; j < Q.n_cols; ++j) {
      const double* q = Q.colptr(j);
      double s = 0;
      for (arma::uword i = 0; i < Q.n_rows; ++i) s += q[i] * g[i];
      c[j] = s;
    }
    for (arma::uword j = 0; j < Q.n_cols; ++j) {
      const double* q = Q.colptr(j);
      for (arma::uword i = 0; i < Q.n_rows; ++i) g[i] -= q[i] * c[j];
    }
  }
  return g;
}

double norm2(const arma::vec& x) {
  double big = 0;
  for (double v : x) big = std::max(big, std::abs(v));
  if (big == 0 || !std::isfinite(big)) return big;
  double s = 0;
  for (double v : x) s += (v / big) * (v / big);
  return big * std::sqrt(s);
}

}  // namespace condbench
