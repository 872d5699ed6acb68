/* A test plugin in plain C (the interface is C): LU with partial pivoting by LAPACK's
 * ?getrf + ?getrs, as lapack.lu does, through <condbench/plugin.h>.
 *   cbtest.lu        leaves the timing to condbench (the whole call is timed)
 *   cbtest.lu_timed  times its factorization and its solve itself
 * Both report the number of row interchanges as a fact. Loaded by path in the tests, and
 * by bench/plugin_overhead to measure what the plugin interface adds to lapack.lu's time. */
#include <condbench/plugin.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* LAPACK (OpenBLAS), Fortran calling convention with the hidden length of the character argument. */
void sgetrf_(const int* m, const int* n, float* a, const int* lda, int* ipiv, int* info);
void sgetrs_(const char* trans, const int* n, const int* nrhs, const float* a, const int* lda, const int* ipiv,
             float* b, const int* ldb, int* info, size_t trans_len);
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void dgetrs_(const char* trans, const int* n, const int* nrhs, const double* a, const int* lda, const int* ipiv,
             double* b, const int* ldb, int* info, size_t trans_len);

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Square, fits LAPACK's int, and the pivots allocated; else the result says why not. */
static int* start(int64_t m, int64_t n, condbench_result* r) {
  if (m != n || n > INT_MAX) {
    r->status = CONDBENCH_STATUS_FAILED;
    r->reason = "needs a square matrix of at most INT_MAX rows";
    return NULL;
  }
  int* ipiv = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
  if (!ipiv) {
    r->status = CONDBENCH_STATUS_FAILED;
    r->reason = "out of memory";
  }
  return ipiv;
}

static void finish(condbench_result* r, const char* routine, int info, const int* ipiv, int n, int timed, double t0,
                   double t1, double t2) {
  if (info != 0) {
    snprintf(r->text, sizeof r->text, "LAPACK %s info=%d%s", routine, info, info > 0 ? ": U is exactly singular" : "");
    r->status = CONDBENCH_STATUS_FAILED;
    r->reason = r->text;
  }
  int64_t swaps = 0;
  for (int i = 0; i < n; ++i) swaps += ipiv[i] != i + 1;
  r->facts[0].key = "row_swaps";
  r->facts[0].type = CONDBENCH_FACT_INT;
  r->facts[0].int_value = swaps;
  r->fact_count = 1;
  if (timed) {
    r->factor_seconds = t1 - t0;
    r->solve_seconds = t2 - t1;
  }
}

static void lu_f32(void* timed, condbench_problem_f32* p, condbench_result* r) {
  int* ipiv = start(p->m, p->n, r);
  if (!ipiv) return;
  const int n = (int)p->n, lda = (int)p->lda, one = 1;
  int info = 0;
  memcpy(p->x, p->b, sizeof(float) * (size_t)n);
  const double t0 = now_seconds();
  sgetrf_(&n, &n, p->A, &lda, ipiv, &info);
  const double t1 = now_seconds();
  const char* routine = "sgetrf";
  if (info == 0) {
    sgetrs_("N", &n, &one, p->A, &lda, ipiv, p->x, &n, &info, 1);
    routine = "sgetrs";
  }
  finish(r, routine, info, ipiv, n, timed != NULL, t0, t1, now_seconds());
  free(ipiv);
}

static void lu_f64(void* timed, condbench_problem_f64* p, condbench_result* r) {
  int* ipiv = start(p->m, p->n, r);
  if (!ipiv) return;
  const int n = (int)p->n, lda = (int)p->lda, one = 1;
  int info = 0;
  memcpy(p->x, p->b, sizeof(double) * (size_t)n);
  const double t0 = now_seconds();
  dgetrf_(&n, &n, p->A, &lda, ipiv, &info);
  const double t1 = now_seconds();
  const char* routine = "dgetrf";
  if (info == 0) {
    dgetrs_("N", &n, &one, p->A, &lda, ipiv, p->x, &n, &info, 1);
    routine = "dgetrs";
  }
  finish(r, routine, info, ipiv, n, timed != NULL, t0, t1, now_seconds());
  free(ipiv);
}

static int timed_flag = 1;

static const condbench_solver lu = {
    sizeof(condbench_solver), "cbtest.lu", "test plugin: LU with partial pivoting, ?getrf + ?getrs (timed by condbench)",
    CONDBENCH_KIND_GENERAL | CONDBENCH_KIND_SPD, CONDBENCH_PRECISION_F32 | CONDBENCH_PRECISION_F64, "lu", NULL,
    lu_f32, lu_f64};
static const condbench_solver lu_timed = {
    sizeof(condbench_solver), "cbtest.lu_timed", "test plugin: LU with partial pivoting, ?getrf + ?getrs (own timing)",
    CONDBENCH_KIND_GENERAL | CONDBENCH_KIND_SPD, CONDBENCH_PRECISION_F32 | CONDBENCH_PRECISION_F64, "lu",
    &timed_flag, lu_f32, lu_f64};
static const condbench_solver* const solvers[] = {&lu, &lu_timed};
static const condbench_plugin plugin = {sizeof(condbench_plugin), CONDBENCH_PLUGIN_ABI, "cbtest", "1.0.0-test", NULL,
                                        2, solvers};

const condbench_plugin* condbench_plugin_entry(uint32_t host_abi) {
  (void)host_abi;
  return &plugin;
}
