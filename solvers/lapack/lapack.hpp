// Typed access to the Fortran LAPACK/BLAS routines the CPU solvers call: by name (the linked OpenBLAS), or
// through a table of the same routines found with dlsym in a BLAS/LAPACK stack's namespace (stack.hpp). Every
// wrapper takes the table last, defaulting to the linked library, so one algorithm serves both.
//
// The prototypes repeat Armadillo's own declarations exactly (same pointer constness, size_t hidden string
// lengths, noexcept) because two extern "C" declarations of one symbol in the same translation unit must
// agree, and every solver TU also includes <armadillo>. Integers are int: OpenBLAS here is LP64.
// The hidden string-length arguments are passed explicitly: gfortran-compiled LAPACK may read them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

extern "C" {
void sgetrf_(const int* m, const int* n, float* a, const int* lda, int* ipiv, int* info) noexcept;
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info) noexcept;
void sgetrs_(const char* trans, const int* n, const int* nrhs, const float* a, const int* lda, const int* ipiv,
             float* b, const int* ldb, int* info, std::size_t trans_len) noexcept;
void dgetrs_(const char* trans, const int* n, const int* nrhs, const double* a, const int* lda, const int* ipiv,
             double* b, const int* ldb, int* info, std::size_t trans_len) noexcept;
void sgetri_(const int* n, float* a, const int* lda, const int* ipiv, float* work, const int* lwork,
             int* info) noexcept;
void dgetri_(const int* n, double* a, const int* lda, const int* ipiv, double* work, const int* lwork,
             int* info) noexcept;
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, std::size_t uplo_len) noexcept;
void dpotrf_(const char* uplo, const int* n, double* a, const int* lda, int* info, std::size_t uplo_len) noexcept;
void spotrs_(const char* uplo, const int* n, const int* nrhs, const float* a, const int* lda, float* b, const int* ldb,
             int* info, std::size_t uplo_len) noexcept;
void dpotrs_(const char* uplo, const int* n, const int* nrhs, const double* a, const int* lda, double* b,
             const int* ldb, int* info, std::size_t uplo_len) noexcept;
void sgeqrf_(const int* m, const int* n, float* a, const int* lda, float* tau, float* work, const int* lwork,
             int* info) noexcept;
void dgeqrf_(const int* m, const int* n, double* a, const int* lda, double* tau, double* work, const int* lwork,
             int* info) noexcept;
void sormqr_(const char* side, const char* trans, const int* m, const int* n, const int* k, const float* a,
             const int* lda, const float* tau, float* c, const int* ldc, float* work, const int* lwork, int* info,
             std::size_t side_len, std::size_t trans_len) noexcept;
void dormqr_(const char* side, const char* trans, const int* m, const int* n, const int* k, const double* a,
             const int* lda, const double* tau, double* c, const int* ldc, double* work, const int* lwork, int* info,
             std::size_t side_len, std::size_t trans_len) noexcept;
void sgelsd_(const int* m, const int* n, const int* nrhs, float* a, const int* lda, float* b, const int* ldb, float* s,
             const float* rcond, int* rank, float* work, const int* lwork, int* iwork, int* info) noexcept;
void dgelsd_(const int* m, const int* n, const int* nrhs, double* a, const int* lda, double* b, const int* ldb,
             double* s, const double* rcond, int* rank, double* work, const int* lwork, int* iwork, int* info) noexcept;
void dsgesv_(const int* n, const int* nrhs, double* a, const int* lda, int* ipiv, const double* b, const int* ldb,
             double* x, const int* ldx, double* work, float* swork, int* iter, int* info) noexcept;

void strsm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m, const int* n,
            const float* alpha, const float* a, const int* lda, float* b, const int* ldb, std::size_t side_len,
            std::size_t uplo_len, std::size_t transa_len, std::size_t diag_len) noexcept;
void dtrsm_(const char* side, const char* uplo, const char* transa, const char* diag, const int* m, const int* n,
            const double* alpha, const double* a, const int* lda, double* b, const int* ldb, std::size_t side_len,
            std::size_t uplo_len, std::size_t transa_len, std::size_t diag_len) noexcept;
void ssyrk_(const char* uplo, const char* transA, const int* n, const int* k, const float* alpha, const float* A,
            const int* ldA, const float* beta, float* C, const int* ldC, std::size_t uplo_len,
            std::size_t transA_len) noexcept;
void dsyrk_(const char* uplo, const char* transA, const int* n, const int* k, const double* alpha, const double* A,
            const int* ldA, const double* beta, double* C, const int* ldC, std::size_t uplo_len,
            std::size_t transA_len) noexcept;
void sgemv_(const char* transA, const int* m, const int* n, const float* alpha, const float* A, const int* ldA,
            const float* x, const int* incx, const float* beta, float* y, const int* incy,
            std::size_t transA_len) noexcept;
void dgemv_(const char* transA, const int* m, const int* n, const double* alpha, const double* A, const int* ldA,
            const double* x, const int* incx, const double* beta, double* y, const int* incy,
            std::size_t transA_len) noexcept;
}

// The routines of the table, as X(name) for name##_.
// clang-format off
#define CONDBENCH_LAPACK_ROUTINES(X)                                                                      \
  X(sgetrf) X(dgetrf) X(sgetrs) X(dgetrs) X(sgetri) X(dgetri) X(spotrf) X(dpotrf) X(spotrs) X(dpotrs)     \
  X(sgeqrf) X(dgeqrf) X(sormqr) X(dormqr) X(sgelsd) X(dgelsd) X(dsgesv) X(strsm) X(dtrsm) X(ssyrk)        \
  X(dsyrk) X(sgemv) X(dgemv)
// clang-format on

namespace condbench::lapack {

// Plain C function pointers, so that nothing of C++ crosses into another link-map namespace. A null entry is a
// routine the library does not have.
struct Api {
#define CONDBENCH_API_FIELD(r) decltype(&r##_) r = nullptr;
  CONDBENCH_LAPACK_ROUTINES(CONDBENCH_API_FIELD)
#undef CONDBENCH_API_FIELD
};

// The routines condbench is linked with (OpenBLAS, see CMakeLists.txt).
inline constexpr Api linked_api = {
#define CONDBENCH_API_LINKED(r) .r = &r##_,
    CONDBENCH_LAPACK_ROUTINES(CONDBENCH_API_LINKED)
#undef CONDBENCH_API_LINKED
};

// "getrf" -> "sgetrf" / "dgetrf", for failure reasons that name the routine actually called.
template <class T>
std::string routine(const char* base) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
  return std::string(std::is_same_v<T, float> ? "s" : "d") + base;
}

// A leading dimension may not be 0 even for empty matrices.
inline int ld(int rows) { return std::max(1, rows); }

// Each wrapper returns LAPACK's INFO; `f` is where the routine comes from.

inline int getrf(int m, int n, float* a, int lda, int* ipiv, const Api& f = linked_api) {
  int info = 0;
  f.sgetrf(&m, &n, a, &lda, ipiv, &info);
  return info;
}
inline int getrf(int m, int n, double* a, int lda, int* ipiv, const Api& f = linked_api) {
  int info = 0;
  f.dgetrf(&m, &n, a, &lda, ipiv, &info);
  return info;
}

inline int getrs(char trans, int n, int nrhs, const float* a, int lda, const int* ipiv, float* b, int ldb,
                 const Api& f = linked_api) {
  int info = 0;
  f.sgetrs(&trans, &n, &nrhs, a, &lda, ipiv, b, &ldb, &info, 1);
  return info;
}
inline int getrs(char trans, int n, int nrhs, const double* a, int lda, const int* ipiv, double* b, int ldb,
                 const Api& f = linked_api) {
  int info = 0;
  f.dgetrs(&trans, &n, &nrhs, a, &lda, ipiv, b, &ldb, &info, 1);
  return info;
}

inline int potrf(char uplo, int n, float* a, int lda, const Api& f = linked_api) {
  int info = 0;
  f.spotrf(&uplo, &n, a, &lda, &info, 1);
  return info;
}
inline int potrf(char uplo, int n, double* a, int lda, const Api& f = linked_api) {
  int info = 0;
  f.dpotrf(&uplo, &n, a, &lda, &info, 1);
  return info;
}

inline int potrs(char uplo, int n, int nrhs, const float* a, int lda, float* b, int ldb, const Api& f = linked_api) {
  int info = 0;
  f.spotrs(&uplo, &n, &nrhs, a, &lda, b, &ldb, &info, 1);
  return info;
}
inline int potrs(char uplo, int n, int nrhs, const double* a, int lda, double* b, int ldb, const Api& f = linked_api) {
  int info = 0;
  f.dpotrs(&uplo, &n, &nrhs, a, &lda, b, &ldb, &info, 1);
  return info;
}

// Raw calls for the routines with a workspace; the typed wrappers below do the query.
inline void getri_raw(int n, float* a, int lda, const int* ipiv, float* w, int lw, int* info,
                      const Api& f = linked_api) {
  f.sgetri(&n, a, &lda, ipiv, w, &lw, info);
}
inline void getri_raw(int n, double* a, int lda, const int* ipiv, double* w, int lw, int* info,
                      const Api& f = linked_api) {
  f.dgetri(&n, a, &lda, ipiv, w, &lw, info);
}
inline void geqrf_raw(int m, int n, float* a, int lda, float* tau, float* w, int lw, int* info,
                      const Api& f = linked_api) {
  f.sgeqrf(&m, &n, a, &lda, tau, w, &lw, info);
}
inline void geqrf_raw(int m, int n, double* a, int lda, double* tau, double* w, int lw, int* info,
                      const Api& f = linked_api) {
  f.dgeqrf(&m, &n, a, &lda, tau, w, &lw, info);
}
inline void ormqr_raw(char side, char trans, int m, int n, int k, const float* a, int lda, const float* tau, float* c,
                      int ldc, float* w, int lw, int* info, const Api& f = linked_api) {
  f.sormqr(&side, &trans, &m, &n, &k, a, &lda, tau, c, &ldc, w, &lw, info, 1, 1);
}
inline void ormqr_raw(char side, char trans, int m, int n, int k, const double* a, int lda, const double* tau,
                      double* c, int ldc, double* w, int lw, int* info, const Api& f = linked_api) {
  f.dormqr(&side, &trans, &m, &n, &k, a, &lda, tau, c, &ldc, w, &lw, info, 1, 1);
}
inline void gelsd_raw(int m, int n, int nrhs, float* a, int lda, float* b, int ldb, float* s, float rcond, int* rank,
                      float* w, int lw, int* iw, int* info, const Api& f = linked_api) {
  f.sgelsd(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, rank, w, &lw, iw, info);
}
inline void gelsd_raw(int m, int n, int nrhs, double* a, int lda, double* b, int ldb, double* s, double rcond,
                      int* rank, double* w, int lw, int* iw, int* info, const Api& f = linked_api) {
  f.dgelsd(&m, &n, &nrhs, a, &lda, b, &ldb, s, &rcond, rank, w, &lw, iw, info);
}

// LAPACK returns the optimal LWORK as a floating-point number in WORK(1).
template <class T>
int work_size(T query, int minimum) {
  return std::max(minimum, static_cast<int>(query));
}

template <class T>
int getri(int n, T* a, int lda, const int* ipiv, const Api& f = linked_api) {
  T q = 0;
  int info = 0;
  getri_raw(n, a, lda, ipiv, &q, -1, &info, f);
  if (info != 0) return info;
  std::vector<T> w(static_cast<std::size_t>(work_size(q, std::max(1, n))));
  getri_raw(n, a, lda, ipiv, w.data(), static_cast<int>(w.size()), &info, f);
  return info;
}

template <class T>
int geqrf(int m, int n, T* a, int lda, T* tau, const Api& f = linked_api) {
  T q = 0;
  int info = 0;
  geqrf_raw(m, n, a, lda, tau, &q, -1, &info, f);
  if (info != 0) return info;
  std::vector<T> w(static_cast<std::size_t>(work_size(q, std::max(1, n))));
  geqrf_raw(m, n, a, lda, tau, w.data(), static_cast<int>(w.size()), &info, f);
  return info;
}

template <class T>
int ormqr(char side, char trans, int m, int n, int k, const T* a, int lda, const T* tau, T* c, int ldc,
          const Api& f = linked_api) {
  T q = 0;
  int info = 0;
  ormqr_raw(side, trans, m, n, k, a, lda, tau, c, ldc, &q, -1, &info, f);
  if (info != 0) return info;
  std::vector<T> w(static_cast<std::size_t>(work_size(q, std::max(1, side == 'L' ? n : m))));
  ormqr_raw(side, trans, m, n, k, a, lda, tau, c, ldc, w.data(), static_cast<int>(w.size()), &info, f);
  return info;
}

// The documented minimum LIWORK (smlsiz = 25 as returned by ilaenv), in case a LAPACK does not report it in the
// workspace query.
inline int gelsd_min_liwork(int m, int n) {
  const int minmn = std::max(1, std::min(m, n));
  const int nlvl = std::max(0, static_cast<int>(std::log2(minmn / 26.0)) + 1);
  return std::max(1, 3 * minmn * nlvl + 11 * minmn);
}

// b has ldb >= max(m, n) rows; s receives min(m, n) singular values; rank the effective rank.
template <class T>
int gelsd(int m, int n, int nrhs, T* a, int lda, T* b, int ldb, T* s, T rcond, int* rank, const Api& f = linked_api) {
  T q = 0;
  int iq = 0;
  int info = 0;
  gelsd_raw(m, n, nrhs, a, lda, b, ldb, s, rcond, rank, &q, -1, &iq, &info, f);
  if (info != 0) return info;
  std::vector<T> w(static_cast<std::size_t>(work_size(q, 1)));
  std::vector<int> iw(static_cast<std::size_t>(std::max(iq, gelsd_min_liwork(m, n))));
  gelsd_raw(m, n, nrhs, a, lda, b, ldb, s, rcond, rank, w.data(), static_cast<int>(w.size()), iw.data(), &info, f);
  return info;
}

// x receives the solution; a is overwritten only when dsgesv falls back to double LU.
inline int dsgesv(int n, int nrhs, double* a, int lda, int* ipiv, const double* b, int ldb, double* x, int ldx,
                  int* iter, const Api& f = linked_api) {
  std::vector<double> work(static_cast<std::size_t>(std::max(1, n * nrhs)));
  std::vector<float> swork(static_cast<std::size_t>(std::max(1, n * (n + nrhs))));
  int info = 0;
  f.dsgesv(&n, &nrhs, a, &lda, ipiv, b, &ldb, x, &ldx, work.data(), swork.data(), iter, &info);
  return info;
}

inline void trsm(char side, char uplo, char transa, char diag, int m, int n, float alpha, const float* a, int lda,
                 float* b, int ldb, const Api& f = linked_api) {
  f.strsm(&side, &uplo, &transa, &diag, &m, &n, &alpha, a, &lda, b, &ldb, 1, 1, 1, 1);
}
inline void trsm(char side, char uplo, char transa, char diag, int m, int n, double alpha, const double* a, int lda,
                 double* b, int ldb, const Api& f = linked_api) {
  f.dtrsm(&side, &uplo, &transa, &diag, &m, &n, &alpha, a, &lda, b, &ldb, 1, 1, 1, 1);
}

inline void syrk(char uplo, char trans, int n, int k, float alpha, const float* a, int lda, float beta, float* c,
                 int ldc, const Api& f = linked_api) {
  f.ssyrk(&uplo, &trans, &n, &k, &alpha, a, &lda, &beta, c, &ldc, 1, 1);
}
inline void syrk(char uplo, char trans, int n, int k, double alpha, const double* a, int lda, double beta, double* c,
                 int ldc, const Api& f = linked_api) {
  f.dsyrk(&uplo, &trans, &n, &k, &alpha, a, &lda, &beta, c, &ldc, 1, 1);
}

inline void gemv(char trans, int m, int n, float alpha, const float* a, int lda, const float* x, int incx, float beta,
                 float* y, int incy, const Api& f = linked_api) {
  f.sgemv(&trans, &m, &n, &alpha, a, &lda, x, &incx, &beta, y, &incy, 1);
}
inline void gemv(char trans, int m, int n, double alpha, const double* a, int lda, const double* x, int incx,
                 double beta, double* y, int incy, const Api& f = linked_api) {
  f.dgemv(&trans, &m, &n, &alpha, a, &lda, x, &incx, &beta, y, &incy, 1);
}

}  // namespace condbench::lapack
