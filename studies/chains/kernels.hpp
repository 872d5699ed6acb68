// Dense kernels written once for any scalar type (scalar.hpp): the reference runs them
// in double-double and Boost.Multiprecision, a low-precision working type would run
// them as they are. float and double use LAPACK instead (methods.cpp), so the reference
// never shares code with the methods it checks.
//
// Column-major storage; inner loops walk columns so they stay contiguous.
#pragma once

#include "studies/chains/scalar.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace condbench::chains {

template <class T>
struct Dense {
  int rows = 0, cols = 0;
  std::vector<T> a;

  Dense() = default;
  Dense(int r, int c) : rows(r), cols(c), a(static_cast<std::size_t>(r) * static_cast<std::size_t>(c), T(0)) {}
  static Dense identity(int n) {
    Dense I(n, n);
    for (int i = 0; i < n; ++i) I(i, i) = T(1);
    return I;
  }
  T& operator()(int i, int j) { return a[static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * rows]; }
  const T& operator()(int i, int j) const {
    return a[static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * rows];
  }
  T* col(int j) { return a.data() + static_cast<std::size_t>(j) * rows; }
  const T* col(int j) const { return a.data() + static_cast<std::size_t>(j) * rows; }
  T* data() { return a.data(); }
  const T* data() const { return a.data(); }
};

// A in another type, entry by entry through double (exact when widening).
template <class To, class From>
Dense<To> convert_dense(const Dense<From>& A) {
  Dense<To> B(A.rows, A.cols);
  for (std::size_t k = 0; k < A.a.size(); ++k) B.a[k] = To(to_double(A.a[k]));
  return B;
}

template <class T>
Dense<T> transpose(const Dense<T>& A) {
  Dense<T> B(A.cols, A.rows);
  for (int j = 0; j < A.cols; ++j)
    for (int i = 0; i < A.rows; ++i) B(j, i) = A(i, j);
  return B;
}

// Dot product with four partial sums: the dependency chain of an extended-precision
// add is long, and the partial sums let consecutive terms proceed independently.
// (double-double has its own overload in dd.hpp.)
template <class T>
T dot(const T* x, const T* y, int n) {
  T s0(0), s1(0), s2(0), s3(0);
  int i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += x[i] * y[i];
    s1 += x[i + 1] * y[i + 1];
    s2 += x[i + 2] * y[i + 2];
    s3 += x[i + 3] * y[i + 3];
  }
  for (; i < n; ++i) s0 += x[i] * y[i];
  return (s0 + s1) + (s2 + s3);
}

// The largest |entry| (0 for an empty or zero matrix).
template <class T>
T max_abs(const std::vector<T>& v) {
  using std::abs;
  T m(0);
  for (const T& x : v) {
    T ax = abs(x);
    if (ax > m) m = ax;
  }
  return m;
}

// C = A B.
template <class T>
Dense<T> multiply(const Dense<T>& A, const Dense<T>& B) {
  Dense<T> C(A.rows, B.cols);
  for (int j = 0; j < B.cols; ++j) {
    T* c = C.col(j);
    for (int k = 0; k < A.cols; ++k) {
      const T b = B(k, j);
      if (b == T(0)) continue;
      const T* a = A.col(k);
      for (int i = 0; i < A.rows; ++i) c[i] += a[i] * b;
    }
  }
  return C;
}

// Step k of a Householder QR in place: the reflector H_k = I - tau_k v v^T that zeroes
// column k below the diagonal (v stored there, v(k) = 1 implied, as LAPACK's dgeqrf),
// applied to the columns right of k. The column norm is scaled by the column's largest
// entry, so squares neither overflow nor underflow.
template <class T>
void householder_step(Dense<T>& A, int k, std::vector<T>& tau) {
  using std::abs;
  using std::sqrt;
  T* x = A.col(k) + k;
  const int len = A.rows - k;
  tau[k] = T(0);
  T big(0);
  for (int i = 1; i < len; ++i) big = std::max(big, T(abs(x[i])));
  if (big == T(0)) return;  // nothing below the diagonal: H_k = I
  const T alpha = x[0];
  const T big_all = std::max(big, T(abs(alpha)));
  T s(0);
  for (int i = 0; i < len; ++i) {
    const T y = x[i] / big_all;
    s += y * y;
  }
  const T norm = big_all * sqrt(s);
  const T beta = alpha >= T(0) ? T(-norm) : norm;
  tau[k] = (beta - alpha) / beta;
  const T scale = T(1) / (alpha - beta);
  for (int i = 1; i < len; ++i) x[i] *= scale;
  x[0] = beta;
  for (int j = k + 1; j < A.cols; ++j) {
    T* c = A.col(j) + k;
    T w = c[0] + dot(x + 1, c + 1, len - 1);
    w *= tau[k];
    c[0] -= w;
    for (int i = 1; i < len; ++i) c[i] -= w * x[i];
  }
}

// Householder QR in place (A = Q R, rows >= cols): R in the upper triangle, the
// reflectors below it, Q = H_0 H_1 ... H_{n-1}, as LAPACK's dgeqrf.
template <class T>
void householder_qr(Dense<T>& A, std::vector<T>& tau) {
  const int steps = std::min(A.rows, A.cols);
  tau.assign(steps, T(0));
  for (int k = 0; k < steps; ++k) householder_step(A, k, tau);
}

// Householder QR with column pivoting, A P = Q R: at each step the remaining column of
// largest norm first (LAPACK's dgeqp3 rule; norms recomputed, not downdated).
template <class T>
void householder_qr_pivoted(Dense<T>& A, std::vector<T>& tau) {
  const int m = A.rows, steps = std::min(A.rows, A.cols);
  tau.assign(steps, T(0));
  for (int k = 0; k < steps; ++k) {
    int best = k;
    T best_norm(-1);
    for (int j = k; j < A.cols; ++j) {
      const T s = dot(A.col(j) + k, A.col(j) + k, m - k);
      if (s > best_norm) best_norm = s, best = j;
    }
    if (best != k) std::swap_ranges(A.col(k), A.col(k) + m, A.col(best));
    householder_step(A, k, tau);
  }
}

// C <- C Q with Q = H_0 H_1 ... H_{n-1} from householder_qr (V its output).
template <class T>
void apply_q_right(Dense<T>& C, const Dense<T>& V, const std::vector<T>& tau) {
  const int m = C.rows;
  std::vector<T> w(m);
  for (int k = 0; k < static_cast<int>(tau.size()); ++k) {
    if (tau[k] == T(0)) continue;
    const T* v = V.col(k);
    // w = C v (v(k) = 1, v(i) below the diagonal)
    std::copy(C.col(k), C.col(k) + m, w.begin());
    for (int i = k + 1; i < V.rows; ++i) {
      const T vi = v[i];
      const T* c = C.col(i);
      for (int r = 0; r < m; ++r) w[r] += c[r] * vi;
    }
    for (int r = 0; r < m; ++r) w[r] *= tau[k];
    T* ck = C.col(k);
    for (int r = 0; r < m; ++r) ck[r] -= w[r];
    for (int i = k + 1; i < V.rows; ++i) {
      const T vi = v[i];
      T* c = C.col(i);
      for (int r = 0; r < m; ++r) c[r] -= w[r] * vi;
    }
  }
}

// X <- R X with R and X upper triangular (R read from the upper triangle only).
template <class T>
void upper_times_upper(const Dense<T>& R, Dense<T>& X) {
  const int n = X.cols;
  std::vector<T> t(n);
  for (int j = 0; j < n; ++j) {
    std::fill(t.begin(), t.begin() + j + 1, T(0));
    for (int k = 0; k <= j; ++k) {
      const T x = X(k, j);
      if (x == T(0)) continue;
      const T* r = R.col(k);
      for (int i = 0; i <= k; ++i) t[i] += r[i] * x;
    }
    std::copy(t.begin(), t.begin() + j + 1, X.col(j));
  }
}

template <class T>
struct JacobiResult {
  std::vector<T> sigma;  // descending
  int sweeps = 0;
  bool converged = false;
};

// Singular values of G by one-sided (Hestenes) Jacobi on its columns: rotate pairs of
// columns until every pair is orthogonal to tol * (product of their norms). Accurate to
// high relative accuracy for G = B D with B well conditioned and D a diagonal scaling
// (Demmel & Veselic 1992): for the transpose of a row-graded triangular factor, every
// singular value to about tol * cond(B), however small. The caller keeps |entries| <= 1
// or so (squares are formed). Columns whose squared norm is at most `negligible` are left
// alone: near the bottom of a type's exponent range it no longer has the digits to make
// them orthogonal to tol (double-double keeps its 32 digits down to about 1e-290 only).
template <class T>
JacobiResult<T> jacobi_singular_values(Dense<T> G, const T& tol, const T& negligible = T(0), int max_sweeps = 80) {
  using std::abs;
  using std::sqrt;
  const int m = G.rows, n = G.cols;
  JacobiResult<T> out;
  std::vector<T> norm2(n);
  for (out.sweeps = 1; out.sweeps <= max_sweeps; ++out.sweeps) {
    for (int j = 0; j < n; ++j) norm2[j] = dot(G.col(j), G.col(j), m);
    bool rotated = false;
    for (int p = 0; p < n - 1; ++p) {
      for (int q = p + 1; q < n; ++q) {
        const T a = norm2[p], b = norm2[q];
        if (a <= negligible || b <= negligible) continue;
        T* x = G.col(p);
        T* y = G.col(q);
        const T c = dot(x, y, m);
        if (abs(c) <= tol * sqrt(a) * sqrt(b)) continue;  // not sqrt(a * b): that underflows first
        rotated = true;
        const T zeta = (b - a) / (T(2) * c);
        // tan of the angle, the smaller root of t^2 + 2 zeta t - 1 = 0; for a huge zeta (columns of
        // very different norms) 1/(2 zeta), before zeta^2 overflows.
        const T t = abs(zeta) > T(1e30) ? T(T(0.5) / zeta)
                                        : T((zeta >= T(0) ? T(1) : T(-1)) / (abs(zeta) + sqrt(T(1) + zeta * zeta)));
        const T cs = T(1) / sqrt(T(1) + t * t);
        const T sn = cs * t;
        for (int i = 0; i < m; ++i) {
          const T xi = x[i], yi = y[i];
          x[i] = cs * xi - sn * yi;
          y[i] = sn * xi + cs * yi;
        }
        // Rutishauser's updates, unless they cancel (a column nearly parallel to the other
        // loses most of its norm): then the norm is recomputed, as LAPACK's ?gesvj does.
        norm2[p] = a - t * c;
        norm2[q] = b + t * c;
        if (!(norm2[p] > T(0.5) * a)) norm2[p] = dot(x, x, m);
        if (!(norm2[q] > T(0.5) * b)) norm2[q] = dot(y, y, m);
      }
    }
    if (!rotated) {
      out.converged = true;
      break;
    }
  }
  out.sweeps = std::min(out.sweeps, max_sweeps);
  out.sigma.resize(n);
  for (int j = 0; j < n; ++j) out.sigma[j] = sqrt(dot(G.col(j), G.col(j), m));
  std::sort(out.sigma.begin(), out.sigma.end(), [](const T& x, const T& y) { return x > y; });
  return out;
}

// Singular values of G (rows >= cols) as LAPACK's ?gejsv computes them: QR with column
// pivoting first (G P = Q R), then one-sided Jacobi on R^T, whose columns are graded like
// R's rows, so the sweeps converge in a few passes (Drmac & Veselic 2008); the relative
// accuracy of one-sided Jacobi is kept (the QR is columnwise backward stable).
template <class T>
JacobiResult<T> graded_singular_values(Dense<T> G, const T& tol, const T& negligible = T(0)) {
  std::vector<T> tau;
  householder_qr_pivoted(G, tau);
  const int n = G.cols;
  Dense<T> Rt(n, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i <= j; ++i) Rt(j, i) = G(i, j);
  return jacobi_singular_values(std::move(Rt), tol, negligible);
}

}  // namespace condbench::chains
