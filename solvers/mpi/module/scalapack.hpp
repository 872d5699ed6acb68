// The BLACS and ScaLAPACK routines the grid solves call (Debian ships no C header).
// BLACS's C interface (Cblacs_*) and p?gemr2d are C; the rest is Fortran: arguments by
// reference, and the hidden length of each CHARACTER argument passed explicitly, as
// gfortran-compiled code may read it. Integers are int (LP64).
#pragma once

#include <cstddef>

extern "C" {
void Cblacs_pinfo(int* mypnum, int* nprocs);
void Cblacs_get(int icontxt, int what, int* val);
void Cblacs_gridinit(int* icontxt, const char* layout, int nprow, int npcol);
void Cblacs_gridinfo(int icontxt, int* nprow, int* npcol, int* myrow, int* mycol);
void Cblacs_gridexit(int icontxt);
void Cblacs_exit(int notdone);

int numroc_(const int* n, const int* nb, const int* iproc, const int* isrcproc, const int* nprocs);

void psgemr2d_(const int* m, const int* n, const float* a, const int* ia, const int* ja, const int* desca, float* b,
               const int* ib, const int* jb, const int* descb, const int* ictxt);
void pdgemr2d_(const int* m, const int* n, const double* a, const int* ia, const int* ja, const int* desca, double* b,
               const int* ib, const int* jb, const int* descb, const int* ictxt);

void psgetrf_(const int* m, const int* n, float* a, const int* ia, const int* ja, const int* desca, int* ipiv,
              int* info);
void pdgetrf_(const int* m, const int* n, double* a, const int* ia, const int* ja, const int* desca, int* ipiv,
              int* info);
void psgetrs_(const char* trans, const int* n, const int* nrhs, const float* a, const int* ia, const int* ja,
              const int* desca, const int* ipiv, float* b, const int* ib, const int* jb, const int* descb, int* info,
              std::size_t trans_len);
void pdgetrs_(const char* trans, const int* n, const int* nrhs, const double* a, const int* ia, const int* ja,
              const int* desca, const int* ipiv, double* b, const int* ib, const int* jb, const int* descb, int* info,
              std::size_t trans_len);

void pspotrf_(const char* uplo, const int* n, float* a, const int* ia, const int* ja, const int* desca, int* info,
              std::size_t uplo_len);
void pdpotrf_(const char* uplo, const int* n, double* a, const int* ia, const int* ja, const int* desca, int* info,
              std::size_t uplo_len);
void pspotrs_(const char* uplo, const int* n, const int* nrhs, const float* a, const int* ia, const int* ja,
              const int* desca, float* b, const int* ib, const int* jb, const int* descb, int* info,
              std::size_t uplo_len);
void pdpotrs_(const char* uplo, const int* n, const int* nrhs, const double* a, const int* ia, const int* ja,
              const int* desca, double* b, const int* ib, const int* jb, const int* descb, int* info,
              std::size_t uplo_len);

void psgels_(const char* trans, const int* m, const int* n, const int* nrhs, float* a, const int* ia, const int* ja,
             const int* desca, float* b, const int* ib, const int* jb, const int* descb, float* work,
             const int* lwork, int* info, std::size_t trans_len);
void pdgels_(const char* trans, const int* m, const int* n, const int* nrhs, double* a, const int* ia, const int* ja,
             const int* desca, double* b, const int* ib, const int* jb, const int* descb, double* work,
             const int* lwork, int* info, std::size_t trans_len);
}

namespace condbench::mpi::scalapack {

// Overloads by precision, so one template serves f32 and f64.
inline void gemr2d(int m, int n, const float* a, const int* da, float* b, const int* db, int ctxt) {
  const int one = 1;
  psgemr2d_(&m, &n, a, &one, &one, da, b, &one, &one, db, &ctxt);
}
inline void gemr2d(int m, int n, const double* a, const int* da, double* b, const int* db, int ctxt) {
  const int one = 1;
  pdgemr2d_(&m, &n, a, &one, &one, da, b, &one, &one, db, &ctxt);
}
inline int getrf(int n, float* a, const int* da, int* ipiv) {
  const int one = 1;
  int info = 0;
  psgetrf_(&n, &n, a, &one, &one, da, ipiv, &info);
  return info;
}
inline int getrf(int n, double* a, const int* da, int* ipiv) {
  const int one = 1;
  int info = 0;
  pdgetrf_(&n, &n, a, &one, &one, da, ipiv, &info);
  return info;
}
inline int getrs(int n, const float* a, const int* da, const int* ipiv, float* b, const int* db) {
  const int one = 1;
  int info = 0;
  psgetrs_("N", &n, &one, a, &one, &one, da, ipiv, b, &one, &one, db, &info, 1);
  return info;
}
inline int getrs(int n, const double* a, const int* da, const int* ipiv, double* b, const int* db) {
  const int one = 1;
  int info = 0;
  pdgetrs_("N", &n, &one, a, &one, &one, da, ipiv, b, &one, &one, db, &info, 1);
  return info;
}
inline int potrf(int n, float* a, const int* da) {
  const int one = 1;
  int info = 0;
  pspotrf_("U", &n, a, &one, &one, da, &info, 1);
  return info;
}
inline int potrf(int n, double* a, const int* da) {
  const int one = 1;
  int info = 0;
  pdpotrf_("U", &n, a, &one, &one, da, &info, 1);
  return info;
}
inline int potrs(int n, const float* a, const int* da, float* b, const int* db) {
  const int one = 1;
  int info = 0;
  pspotrs_("U", &n, &one, a, &one, &one, da, b, &one, &one, db, &info, 1);
  return info;
}
inline int potrs(int n, const double* a, const int* da, double* b, const int* db) {
  const int one = 1;
  int info = 0;
  pdpotrs_("U", &n, &one, a, &one, &one, da, b, &one, &one, db, &info, 1);
  return info;
}
inline void gels(int m, int n, float* a, const int* da, float* b, const int* db, float* work, int lwork, int* info) {
  const int one = 1;
  psgels_("N", &m, &n, &one, a, &one, &one, da, b, &one, &one, db, work, &lwork, info, 1);
}
inline void gels(int m, int n, double* a, const int* da, double* b, const int* db, double* work, int lwork,
                 int* info) {
  const int one = 1;
  pdgels_("N", &m, &n, &one, a, &one, &one, da, b, &one, &one, db, work, &lwork, info, 1);
}

}  // namespace condbench::mpi::scalapack
