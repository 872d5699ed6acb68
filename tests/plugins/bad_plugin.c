/* A test plugin whose solvers return bad data, one kind each (user_data says which): the
 * wrapper must turn every one into a failed row that says what was wrong, never a crash.
 * cbbad.skip is the one that behaves: a skip with a reason. */
#include <condbench/plugin.h>

#include <math.h>
#include <string.h>

enum misdeed {
  STATUS_OUT_OF_RANGE,
  FAILED_WITHOUT_REASON,
  NAN_IN_X,
  X_PARTLY_WRITTEN,
  TOO_MANY_FACTS,
  BAD_FACT_KEY,
  NULL_FACT_STRING,
  UNTERMINATED_TEXT,
  TIMING_LONGER_THAN_CALL,
  NAN_TIMING,
  ONE_PHASE_TIMED,
  BAD_ITERATIONS,
  SKIP_WITH_REASON,
  MISDEED_COUNT
};

static void misbehave(void* user_data, condbench_problem_f64* p, condbench_result* r) {
  const enum misdeed what = *(const enum misdeed*)user_data;
  for (int64_t i = 0; i < p->n; ++i) p->x[i] = 1.0;  /* a finite x unless the misdeed is about x */
  switch (what) {
    case STATUS_OUT_OF_RANGE: r->status = 7; break;
    case FAILED_WITHOUT_REASON: r->status = CONDBENCH_STATUS_FAILED; break;
    case NAN_IN_X: p->x[0] = NAN; break;
    case X_PARTLY_WRITTEN: p->x[p->n - 1] = NAN; break; /* as if it stopped one entry short */
    case TOO_MANY_FACTS: r->fact_count = CONDBENCH_MAX_FACTS + 1; break;
    case BAD_FACT_KEY:
      r->facts[0].key = "Steps";
      r->facts[0].type = CONDBENCH_FACT_INT;
      r->fact_count = 1;
      break;
    case NULL_FACT_STRING:
      r->facts[0].key = "stop";
      r->facts[0].type = CONDBENCH_FACT_STRING;
      r->fact_count = 1;
      break;
    case UNTERMINATED_TEXT:
      memset(r->text, 'x', sizeof r->text);
      r->status = CONDBENCH_STATUS_FAILED;
      r->reason = r->text;
      break;
    case TIMING_LONGER_THAN_CALL:
      r->factor_seconds = 3600;
      r->solve_seconds = 0;
      break;
    case NAN_TIMING:
      r->factor_seconds = NAN;
      r->solve_seconds = 0;
      break;
    case ONE_PHASE_TIMED: r->factor_seconds = 0; break;
    case BAD_ITERATIONS: r->iterations = -5; break;
    case SKIP_WITH_REASON:
      r->status = CONDBENCH_STATUS_SKIPPED;
      r->reason = "not for this problem";
      break;
    case MISDEED_COUNT: break;
  }
}

static const enum misdeed deeds[MISDEED_COUNT] = {
    STATUS_OUT_OF_RANGE, FAILED_WITHOUT_REASON, NAN_IN_X,  X_PARTLY_WRITTEN,     TOO_MANY_FACTS,
    BAD_FACT_KEY,        NULL_FACT_STRING,      UNTERMINATED_TEXT, TIMING_LONGER_THAN_CALL, NAN_TIMING,
    ONE_PHASE_TIMED,     BAD_ITERATIONS,        SKIP_WITH_REASON};
static const char* const names[MISDEED_COUNT] = {
    "cbbad.status_out_of_range", "cbbad.failed_without_reason", "cbbad.nan_in_x",   "cbbad.x_partly_written",
    "cbbad.too_many_facts",      "cbbad.bad_fact_key",          "cbbad.null_fact_string", "cbbad.unterminated_text",
    "cbbad.timing_longer_than_call", "cbbad.nan_timing",        "cbbad.one_phase_timed", "cbbad.bad_iterations",
    "cbbad.skip"};

static condbench_solver table[MISDEED_COUNT];
static const condbench_solver* pointers[MISDEED_COUNT];
static condbench_plugin plugin;

const condbench_plugin* condbench_plugin_entry(uint32_t host_abi) {
  (void)host_abi;
  for (int i = 0; i < MISDEED_COUNT; ++i) {
    table[i] = (condbench_solver){sizeof(condbench_solver), names[i], "test plugin: returns bad data",
                                  CONDBENCH_KIND_GENERAL, CONDBENCH_PRECISION_F64, NULL, (void*)&deeds[i], NULL,
                                  misbehave};
    pointers[i] = &table[i];
  }
  plugin = (condbench_plugin){sizeof(condbench_plugin), CONDBENCH_PLUGIN_ABI, "cbbad", "0.0.1", NULL, MISDEED_COUNT,
                              pointers};
  return &plugin;
}
