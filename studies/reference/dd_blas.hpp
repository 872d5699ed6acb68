// Double-double (x = hi + lo, ~106 bits) kernels on float64 data, with the error-free
// transformations of eft.hpp: triangular solves and Householder reflections. They apply
// the float64 factors (LU, QR) as one fixed operator to ~u^2, which GMRES-IR needs for
// its preconditioned products (Carson & Higham 2018: U^{-1} L^{-1} A v "in precision u^2").
// No Debian package offers this (XBLAS's extra-precise BLAS is not packaged).
#pragma once

#include <cstddef>

namespace condbench::ref {

// y(i) -= t(i) * (xh + xl), i in [0, len), y = yh + yl. Vectorized over i.
void axpy_dd(const double* t, std::size_t len, double xh, double xl, double* yh, double* yl);

// sum_i t(i) * (xh(i) + xl(i)) as hi + lo.
void dot_dd(const double* t, const double* xh, const double* xl, std::size_t len, double& hi, double& lo);

// y = M x in double-double (y = yh + yl; M column-major m x n, leading dimension m), row
// blocks kept in cache and split between two threads for large M. GMRES-IR's products:
// they need ~u^2, not the ~u^3 of the refinement's residuals (residual.hpp).
void gemv_dd(const double* M, std::size_t m, std::size_t n, const double* x, double* yh, double* yl);

struct Triangle {
  const double* a;  // column-major, leading dimension ld
  std::size_t ld, n;
  bool lower;       // lower (else upper) triangle of a is the matrix T
  bool unit;        // unit diagonal (not read)
};

// Solves T x = y (trans: T^T x = y) in place: on entry hi + lo = y, on exit hi + lo = x.
void trsv_dd(const Triangle& t, bool trans, double* hi, double* lo);

// f <- H_k f, H_k = I - tau v v^T with v = [0 (k), 1, a(k+1 : p-1, k)] as LAPACK's dgeqrf
// stores it (a column-major, leading dimension ld, p rows); f = fh + fl.
void reflect_dd(const double* a, std::size_t ld, std::size_t p, std::size_t k, double tau, double* fh, double* fl);

}  // namespace condbench::ref
