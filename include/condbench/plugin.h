/* condbench/plugin.h: the C interface of condbench solver plugins, ABI 1.
 *
 * A plugin is a shared library (built with condbench_add_plugin from the installed CMake
 * package) that exports one function, condbench_plugin_entry. condbench calls it once after
 * loading the file and gets a table of solvers; each becomes an ordinary condbench solver
 * (`condbench list solvers`, study files, results, report, compare, regress).
 *
 * Only C types cross this interface: no C++ objects, no exceptions (a C++ plugin catches
 * everything inside its solve functions and reports it as CONDBENCH_STATUS_FAILED).
 * docs/plugins.md describes every member and rule; the comments here are the summary.
 *
 * Versioning: CONDBENCH_PLUGIN_ABI is the major version. condbench loads a plugin only when
 * condbench_plugin.abi equals its own. Within one major version members are only ever
 * appended to the structs, and every struct starts with `size` (sizeof as its writer was
 * compiled): condbench reads a plugin's members only within the plugin's `size`, and a plugin
 * reads members of the structs condbench hands it only within condbench's `size`. */
#ifndef CONDBENCH_PLUGIN_H
#define CONDBENCH_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CONDBENCH_PLUGIN_ABI 1u
#define CONDBENCH_PLUGIN_ENTRY_NAME "condbench_plugin_entry"

/* The one symbol a plugin exports (condbench_add_plugin builds with hidden visibility). */
#define CONDBENCH_PLUGIN_EXPORT __attribute__((visibility("default")))

/* Problem kinds: bits of condbench_solver.kinds; condbench_problem_*.kind holds one of them. */
#define CONDBENCH_KIND_GENERAL 0x1u         /* square, no structure promised */
#define CONDBENCH_KIND_SPD 0x2u             /* square, symmetric positive definite */
#define CONDBENCH_KIND_LEAST_SQUARES 0x4u   /* m > n: minimize ||b - A x||_2 */
#define CONDBENCH_KIND_UNDERDETERMINED 0x8u /* m < n: the minimum-norm solution */

/* Working precisions: bits of condbench_solver.precisions. */
#define CONDBENCH_PRECISION_F32 0x1u
#define CONDBENCH_PRECISION_F64 0x2u

/* condbench_result.status */
#define CONDBENCH_STATUS_OK 0      /* x holds the solution */
#define CONDBENCH_STATUS_FAILED 1  /* the method broke down or refused; reason says why */
#define CONDBENCH_STATUS_SKIPPED 2 /* not applicable to this problem; reason says why */

/* condbench_fact.type */
#define CONDBENCH_FACT_INT 0    /* int_value */
#define CONDBENCH_FACT_DOUBLE 1 /* double_value (NaN and infinities become "nan", "inf", "-inf") */
#define CONDBENCH_FACT_STRING 2 /* string_value */
#define CONDBENCH_FACT_BOOL 3   /* int_value, 0 or 1 */

#define CONDBENCH_MAX_FACTS 16
#define CONDBENCH_TEXT_CAPACITY 1024

/* One problem in single precision: solve A x = b (or the least-squares / minimum-norm
 * problem named by kind). A and b are condbench's copies made for this call: the plugin may
 * overwrite them (factor in place). x has n entries, all NaN on entry; every entry the
 * plugin leaves NaN makes the row fail as "non-finite result". */
typedef struct condbench_problem_f32 {
  size_t size;   /* sizeof(condbench_problem_f32) as condbench was compiled */
  uint32_t kind; /* one CONDBENCH_KIND_* value */
  int64_t m;     /* rows of A, and entries of b */
  int64_t n;     /* columns of A, and entries of x */
  int64_t lda;   /* leading dimension of A, >= max(1, m): A(i, j) is A[i + j * lda] */
  float* A;      /* column-major, lda * n entries */
  float* b;      /* m entries */
  float* x;      /* n entries: the plugin's answer */
} condbench_problem_f32;

/* The same in double precision. */
typedef struct condbench_problem_f64 {
  size_t size;
  uint32_t kind;
  int64_t m;
  int64_t n;
  int64_t lda;
  double* A;
  double* b;
  double* x;
} condbench_problem_f64;

/* A solver-specific fact with a name and a value, written to the `facts` column of
 * results.csv as JSON: {"steps": 3, "stop": "converged"}. */
typedef struct condbench_fact {
  const char* key;          /* lower_snake_case: [a-z][a-z0-9_]*, at most 64 characters */
  int32_t type;             /* CONDBENCH_FACT_* */
  int64_t int_value;        /* INT, BOOL */
  double double_value;      /* DOUBLE */
  const char* string_value; /* STRING */
} condbench_fact;

/* What one solve reports besides x. condbench fills it with the presets below before each
 * call; the plugin changes what it has to say. Every string the plugin points to must stay
 * valid until its solve function returns and after it (condbench copies them right after the
 * call): string literals, or text written into `text`. */
typedef struct condbench_result {
  size_t size;         /* sizeof(condbench_result) as condbench was compiled */
  int32_t status;      /* preset CONDBENCH_STATUS_OK */
  const char* reason;  /* required when status is FAILED or SKIPPED; preset NULL */
  const char* note;    /* free text on what else happened (a LAPACK ITER code, ...); preset NULL */
  int32_t iterations;  /* refinement/iteration count; preset -1: not iterative */
  int32_t fallback;    /* nonzero: the solver switched to another method; preset 0 */
  /* The plugin's own wall-clock timing in seconds (factorization, then the solve phase),
   * preset -1. Left negative, condbench times the whole call and records it as factor
   * time (solve time 0, fact "timed_by": "condbench"). Set both or neither. */
  double factor_seconds;
  double solve_seconds;
  uint32_t fact_count; /* facts[0 .. fact_count) are set; preset 0 */
  condbench_fact facts[CONDBENCH_MAX_FACTS];
  char text[CONDBENCH_TEXT_CAPACITY]; /* the plugin's scratch for strings; preset "" */
} condbench_result;

typedef void (*condbench_solve_f32_fn)(void* user_data, condbench_problem_f32* problem, condbench_result* result);
typedef void (*condbench_solve_f64_fn)(void* user_data, condbench_problem_f64* problem, condbench_result* result);

/* One solver of the plugin. */
typedef struct condbench_solver {
  size_t size;              /* sizeof(condbench_solver) as the plugin was compiled */
  const char* name;         /* "backend.method": [a-z0-9_] words joined by '.', unique in the process */
  const char* description;  /* one line: the method and the routines it calls */
  uint32_t kinds;           /* CONDBENCH_KIND_* bits it accepts (nonzero) */
  uint32_t precisions;      /* CONDBENCH_PRECISION_* bits it accepts (nonzero) */
  const char* flop_method;  /* NULL, or the flop model's class for GFLOP/s: "lu", "cholesky",
                               "qr", "normal_cholesky", "normal_lu", "inverse", "gram_schmidt" */
  void* user_data;          /* handed back to the solve functions */
  condbench_solve_f32_fn solve_f32; /* required when precisions has CONDBENCH_PRECISION_F32 */
  condbench_solve_f64_fn solve_f64; /* required when precisions has CONDBENCH_PRECISION_F64 */
} condbench_solver;

/* What condbench_plugin_entry returns: static data that lives as long as the library. */
typedef struct condbench_plugin {
  size_t size;         /* sizeof(condbench_plugin) as the plugin was compiled */
  uint32_t abi;        /* CONDBENCH_PLUGIN_ABI the plugin was compiled against */
  const char* name;    /* short name of the plugin ("mylib") */
  const char* version; /* the plugin's own version ("1.4.2", a git describe), recorded in run.json */
  const char* error;   /* NULL; or why the plugin cannot serve this condbench (loading fails with it) */
  size_t solver_count; /* >= 1 */
  const condbench_solver* const* solvers; /* solver_count pointers */
} condbench_plugin;

/* Called once, right after the library is loaded, with condbench's CONDBENCH_PLUGIN_ABI.
 * Returns a pointer to static data (never NULL). Solve functions may be called from several
 * threads at once and in forked child processes: keep per-call state in `result`. */
CONDBENCH_PLUGIN_EXPORT const condbench_plugin* condbench_plugin_entry(uint32_t host_abi);

typedef const condbench_plugin* (*condbench_plugin_entry_fn)(uint32_t host_abi);

#ifdef __cplusplus
}
#endif

#endif /* CONDBENCH_PLUGIN_H */
