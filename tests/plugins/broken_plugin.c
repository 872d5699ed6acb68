/* Plugins that must not load, one defect each, chosen at compile time (tests/plugins/CMakeLists.txt):
 *   CB_ABI_MISMATCH      built for ABI 999
 *   CB_NO_ENTRY          exports something, but no condbench_plugin_entry
 *   CB_REFUSES           its entry point sets `error`
 *   CB_DUPLICATE_BUILTIN a solver named lapack.lu (a built-in solver)
 *   CB_DUPLICATE_PLUGIN  a solver named cbtest.lu (the test LU plugin's)
 *   CB_DUPLICATE_INSIDE  two solvers with one name
 *   CB_NULL_FUNCTION     takes f64 without a solve_f64
 *   CB_BAD_NAME          a solver name that is not backend.method */
#include <condbench/plugin.h>

#include <stddef.h>

static void solve(void* user_data, condbench_problem_f64* p, condbench_result* r) {
  (void)user_data;
  for (int64_t i = 0; i < p->n; ++i) p->x[i] = p->b[i];
  (void)r;
}

#if defined(CB_DUPLICATE_BUILTIN)
#define NAME_A "lapack.lu"
#elif defined(CB_DUPLICATE_PLUGIN)
#define NAME_A "cbtest.lu"
#elif defined(CB_DUPLICATE_INSIDE)
#define NAME_A "cbbroken.b"
#elif defined(CB_BAD_NAME)
#define NAME_A "Broken Solver"
#else
#define NAME_A "cbbroken.a"
#endif

#ifdef CB_NULL_FUNCTION
#define SOLVE NULL
#else
#define SOLVE solve
#endif

#ifdef CB_ABI_MISMATCH
#define ABI 999u
#else
#define ABI CONDBENCH_PLUGIN_ABI
#endif

#ifdef CB_REFUSES
#define ERROR "needs an AVX-512 CPU"
#else
#define ERROR NULL
#endif

static const condbench_solver a = {sizeof(condbench_solver), NAME_A, "broken test plugin", CONDBENCH_KIND_GENERAL,
                                   CONDBENCH_PRECISION_F64, NULL, NULL, NULL, SOLVE};
static const condbench_solver b = {sizeof(condbench_solver), "cbbroken.b", "broken test plugin", CONDBENCH_KIND_GENERAL,
                                   CONDBENCH_PRECISION_F64, NULL, NULL, NULL, solve};
static const condbench_solver* const solvers[] = {&a, &b};
static const condbench_plugin plugin = {sizeof(condbench_plugin), ABI, "cbbroken", "0.0.1", ERROR, 2, solvers};

#ifdef CB_NO_ENTRY
CONDBENCH_PLUGIN_EXPORT const condbench_plugin* not_the_entry_point(void) { return &plugin; }
#else
const condbench_plugin* condbench_plugin_entry(uint32_t host_abi) {
  (void)host_abi;
  return &plugin;
}
#endif
