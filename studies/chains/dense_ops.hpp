// The matrix operations of the working-precision methods: LAPACK and BLAS (OpenBLAS)
// for float and double, the generic kernels of kernels.hpp for any other type (a
// low-precision format), chosen at compile time.
#pragma once

#include "studies/chains/kernels.hpp"

#include <cblas.h>
#include <fmt/format.h>

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

extern "C" {
void sgeqrf_(const int* m, const int* n, float* a, const int* lda, float* tau, float* work, const int* lwork,
             int* info);
void dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work, const int* lwork,
             int* info);
void sormqr_(const char* side, const char* trans, const int* m, const int* n, const int* k, const float* a,
             const int* lda, const float* tau, float* c, const int* ldc, float* work, const int* lwork, int* info,
             std::size_t, std::size_t);
void dormqr_(const char* side, const char* trans, const int* m, const int* n, const int* k, const double* a,
             const int* lda, const double* tau, double* c, const int* ldc, double* work, const int* lwork, int* info,
             std::size_t, std::size_t);
void sgesvd_(const char* jobu, const char* jobvt, const int* m, const int* n, float* a, const int* lda, float* s,
             float* u, const int* ldu, float* vt, const int* ldvt, float* work, const int* lwork, int* info,
             std::size_t, std::size_t);
void dgesvd_(const char* jobu, const char* jobvt, const int* m, const int* n, double* a, const int* lda, double* s,
             double* u, const int* ldu, double* vt, const int* ldvt, double* work, const int* lwork, int* info,
             std::size_t, std::size_t);
void sgejsv_(const char* joba, const char* jobu, const char* jobv, const char* jobr, const char* jobt, const char* jobp,
             const int* m, const int* n, float* a, const int* lda, float* sva, float* u, const int* ldu, float* v,
             const int* ldv, float* work, const int* lwork, int* iwork, int* info, std::size_t, std::size_t,
             std::size_t, std::size_t, std::size_t, std::size_t);
void dgejsv_(const char* joba, const char* jobu, const char* jobv, const char* jobr, const char* jobt, const char* jobp,
             const int* m, const int* n, double* a, const int* lda, double* sva, double* u, const int* ldu, double* v,
             const int* ldv, double* work, const int* lwork, int* iwork, int* info, std::size_t, std::size_t,
             std::size_t, std::size_t, std::size_t, std::size_t);
}

namespace condbench::chains::ops {

// Unit roundoff of T (2^-24 for float, 2^-53 for double).
template <class T>
double unit_roundoff() {
  return to_double(std::numeric_limits<T>::epsilon()) / 2;
}

// C = A B.
template <class T>
Dense<T> gemm(const Dense<T>& A, const Dense<T>& B) {
  if constexpr (has_lapack<T>) {
    Dense<T> C(A.rows, B.cols);
    if constexpr (std::is_same_v<T, float>)
      cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, A.rows, B.cols, A.cols, 1.0f, A.data(), A.rows, B.data(),
                  B.rows, 0.0f, C.data(), C.rows);
    else
      cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, A.rows, B.cols, A.cols, 1.0, A.data(), A.rows, B.data(),
                  B.rows, 0.0, C.data(), C.rows);
    return C;
  } else {
    return multiply(A, B);
  }
}

// X <- R X, R upper triangular (its upper triangle is read), X square.
template <class T>
void trmm_upper(const Dense<T>& R, Dense<T>& X) {
  if constexpr (std::is_same_v<T, float>)
    cblas_strmm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, X.rows, X.cols, 1.0f, R.data(),
                R.rows, X.data(), X.rows);
  else if constexpr (std::is_same_v<T, double>)
    cblas_dtrmm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit, X.rows, X.cols, 1.0, R.data(), R.rows,
                X.data(), X.rows);
  else
    upper_times_upper(R, X);
}

// Householder QR in place (LAPACK ?geqrf layout). Returns LAPACK's info (0: fine).
template <class T>
int geqrf(Dense<T>& A, std::vector<T>& tau) {
  if constexpr (has_lapack<T>) {
    const int m = A.rows, n = A.cols;
    tau.assign(std::min(m, n), T(0));
    int info = 0, lwork = -1;
    T wq = 0;
    auto call = [&](T* work) {
      if constexpr (std::is_same_v<T, float>)
        sgeqrf_(&m, &n, A.data(), &m, tau.data(), work, &lwork, &info);
      else
        dgeqrf_(&m, &n, A.data(), &m, tau.data(), work, &lwork, &info);
    };
    call(&wq);
    lwork = std::max(1, static_cast<int>(wq));
    std::vector<T> work(lwork);
    call(work.data());
    return info;
  } else {
    householder_qr(A, tau);
    return 0;
  }
}

// C <- C Q, Q from geqrf's output (V, tau).
template <class T>
int apply_q_right(Dense<T>& C, const Dense<T>& V, const std::vector<T>& tau) {
  if constexpr (has_lapack<T>) {
    const int m = C.rows, n = C.cols, k = static_cast<int>(tau.size()), ldv = V.rows;
    int info = 0, lwork = -1;
    T wq = 0;
    auto call = [&](T* work) {
      if constexpr (std::is_same_v<T, float>)
        sormqr_("R", "N", &m, &n, &k, V.data(), &ldv, tau.data(), C.data(), &m, work, &lwork, &info, 1, 1);
      else
        dormqr_("R", "N", &m, &n, &k, V.data(), &ldv, tau.data(), C.data(), &m, work, &lwork, &info, 1, 1);
    };
    call(&wq);
    lwork = std::max(1, static_cast<int>(wq));
    std::vector<T> work(lwork);
    call(work.data());
    return info;
  } else {
    chains::apply_q_right(C, V, tau);
    return 0;
  }
}

struct SingularValues {
  std::vector<double> sigma;  // descending
  int info = 0;               // LAPACK's (0: fine); for the generic kernel, 1 when Jacobi did not converge
  std::string routine;
};

template <class T>
SingularValues gesvd_values(Dense<T> A);
template <class T>
SingularValues gejsv_values(Dense<T> G);

// bf16 and fp16: the matrix the method computed in its working precision, its SVD in float,
// as a user must do it (neither LAPACK nor torch.linalg.svd takes half precisions). The
// routine says so.
template <class T>
SingularValues in_float(const Dense<T>& A, bool accurate) {
  // Exact: every bf16 and fp16 value is a float.
  SingularValues out = accurate ? gejsv_values(convert_dense<float>(A)) : gesvd_values(convert_dense<float>(A));
  out.routine += fmt::format(" (in float, on the {} matrix: no {} SVD exists)", lowprec::to_string(T::format),
                             lowprec::to_string(T::format));
  return out;
}

// Singular values of A the usual way: LAPACK ?gesvd (values only), as numpy's
// linalg.cond/svd; for bf16 and fp16 sgesvd on the stored values; the generic kernel's
// one-sided Jacobi for the reference types.
template <class T>
SingularValues gesvd_values(Dense<T> A) {
  SingularValues out;
  const int m = A.rows, n = A.cols, one = 1;
  if constexpr (is_low<T>) {
    return in_float(A, false);
  } else if constexpr (has_lapack<T>) {
    std::vector<T> s(std::min(m, n));
    T dummy = 0, wq = 0;
    int lwork = -1;
    auto call = [&](T* work) {
      if constexpr (std::is_same_v<T, float>)
        sgesvd_("N", "N", &m, &n, A.data(), &m, s.data(), &dummy, &one, &dummy, &one, work, &lwork, &out.info, 1, 1);
      else
        dgesvd_("N", "N", &m, &n, A.data(), &m, s.data(), &dummy, &one, &dummy, &one, work, &lwork, &out.info, 1, 1);
    };
    call(&wq);
    lwork = std::max(1, static_cast<int>(wq));
    std::vector<T> work(lwork);
    call(work.data());
    for (const T& x : s) out.sigma.push_back(to_double(x));
    out.routine = std::is_same_v<T, float> ? "sgesvd" : "dgesvd";
  } else {
    auto r = graded_singular_values(std::move(A), T(std::max(m, n) * unit_roundoff<T>()));
    for (const T& x : r.sigma) out.sigma.push_back(to_double(x));
    out.info = r.converged ? 0 : 1;
    out.routine = "QR with column pivoting, one-sided Jacobi (generic kernel)";
  }
  return out;
}

// Singular values of G (m >= n) with high relative accuracy for G = B D (B well
// conditioned, D diagonal): LAPACK ?gejsv with JOBA = 'C' (Drmac & Veselic), singular
// values only, no perturbation of tiny entries (JOBP = 'N'), full range (JOBR = 'N');
// the result is SVA * WORK(2) / WORK(1) (?gejsv scales to avoid overflow).
template <class T>
SingularValues gejsv_values(Dense<T> G) {
  SingularValues out;
  const int m = G.rows, n = G.cols, one = 1;
  if constexpr (is_low<T>) {
    return in_float(G, true);
  } else if constexpr (has_lapack<T>) {
    std::vector<T> sva(n);
    const int lwork = std::max({2 * m + n, 4 * n + 1, 7});
    std::vector<T> work(lwork);
    std::vector<int> iwork(std::max(3, m + 3 * n));
    T dummy = 0;
    if constexpr (std::is_same_v<T, float>)
      sgejsv_("C", "N", "N", "N", "N", "N", &m, &n, G.data(), &m, sva.data(), &dummy, &one, &dummy, &one, work.data(),
              &lwork, iwork.data(), &out.info, 1, 1, 1, 1, 1, 1);
    else
      dgejsv_("C", "N", "N", "N", "N", "N", &m, &n, G.data(), &m, sva.data(), &dummy, &one, &dummy, &one, work.data(),
              &lwork, iwork.data(), &out.info, 1, 1, 1, 1, 1, 1);
    // In double: work[1] / work[0] may be a power of two outside T's range.
    const double scale = to_double(work[1]) / to_double(work[0]);
    for (const T& x : sva) out.sigma.push_back(to_double(x) * scale);
    std::sort(out.sigma.begin(), out.sigma.end(), [](double a, double b) { return a > b; });
    out.routine = std::is_same_v<T, float> ? "sgejsv" : "dgejsv";
  } else {
    auto r = graded_singular_values(std::move(G), T(std::max(m, n) * unit_roundoff<T>()));
    for (const T& x : r.sigma) out.sigma.push_back(to_double(x));
    out.info = r.converged ? 0 : 1;
    out.routine = "QR with column pivoting, one-sided Jacobi (generic kernel)";
  }
  return out;
}

}  // namespace condbench::chains::ops
