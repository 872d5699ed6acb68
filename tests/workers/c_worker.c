/* A condbench worker in C, written from docs/workers.md alone: the protocol tests' worker.
 *
 * Its solvers do what the tests need: echo b, return known bits, checksum A and b, report
 * its pid, fail, answer with the wrong length or type, NaN, a negative time, crash, exit,
 * hang, write garbage, send an ERROR. Options (before the hello): --refuse (exit 1 at once),
 * --protocol N (claim version N), --garbage-hello, --hang-hello.
 * Only libc; the host is little-endian, so integers and floats are copied as they are. */
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { HELLO = 1, SOLVE = 2, BYE = 3, HELLO_REPLY = 101, RESULT = 102, ERROR = 199 };

static const char* const names[] = {"c.echo",       "c.bits",       "c.checksum", "c.pid",   "c.fail",
                                    "c.wrong_length", "c.wrong_type", "c.nan",      "c.abort", "c.exit3",
                                    "c.hang",       "c.garbage",    "c.bad_time", "c.error", "c.unavailable",
                                    "c.threads",    "c.kind"};
enum { ECHO, BITS, CHECKSUM, PID, FAIL, WRONG_LENGTH, WRONG_TYPE, NAN_X, ABORT, EXIT3, HANG, GARBAGE, BAD_TIME,
       ERR, UNAVAILABLE, THREADS, KIND, COUNT };

static void read_exact(void* p, size_t n) {
  char* at = p;
  while (n > 0) {
    ssize_t k = read(0, at, n);
    if (k <= 0) exit(0); /* end of file: condbench is done */
    at += k;
    n -= (size_t)k;
  }
}

static void write_all(const void* p, size_t n) {
  const char* at = p;
  while (n > 0) {
    ssize_t k = write(1, at, n);
    if (k <= 0) exit(1);
    at += k;
    n -= (size_t)k;
  }
}

static void frame(uint32_t type, uint64_t length) {
  unsigned char h[16];
  memcpy(h, "CBWK", 4);
  memcpy(h + 4, &type, 4);
  memcpy(h + 8, &length, 8);
  write_all(h, 16);
}

static _Noreturn void send_error(const char* text) {
  frame(ERROR, strlen(text));
  write_all(text, strlen(text));
  exit(1);
}

/* FNV-1a, 64 bits: the tests hash the bytes condbench sent the same way. */
static uint64_t fnv1a(uint64_t h, const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

/* The known bits of x_i: -0, the smallest subnormal, the largest finite, 1 + ulp, then a mix. */
static uint64_t bits64(uint64_t i) {
  static const uint64_t first[4] = {0x8000000000000000ULL, 0x1ULL, 0x7FEFFFFFFFFFFFFFULL, 0x3FF0000000000001ULL};
  return i < 4 ? first[i] : 0x4000000000000000ULL ^ ((i * 0x9E3779B97F4A7C15ULL) >> 12);
}
static uint32_t bits32(uint32_t i) {
  static const uint32_t first[4] = {0x80000000u, 0x1u, 0x7F7FFFFFu, 0x3F800001u};
  return i < 4 ? first[i] : 0x40000000u ^ ((i * 2654435761u) >> 9);
}

static void set(unsigned char* x, uint32_t e, uint64_t i, double v) {
  if (e == 8) memcpy(x + i * 8, &v, 8);
  else {
    float f = (float)v;
    memcpy(x + i * 4, &f, 4);
  }
}

static void hello(int protocol) {
  char json[4096];
  int k = snprintf(json, sizeof json, "{\"protocol\":%d,\"worker\":\"c_worker\",\"versions\":{\"c_worker\":\"1\"},"
                                      "\"solvers\":[", protocol);
  for (int i = 0; i < COUNT; ++i)
    k += snprintf(json + k, sizeof json - (size_t)k,
                  "%s{\"name\":\"%s\",\"kinds\":[\"general\",\"spd\",\"least_squares\",\"underdetermined\"],"
                  "\"precisions\":[\"f32\",\"f64\"],\"description\":\"protocol test: %s\"%s}",
                  i ? "," : "", names[i], names[i] + 2,
                  i == UNAVAILABLE ? ",\"unavailable\":\"deliberately unavailable\""
                  : i == ECHO      ? ",\"flop_method\":\"lu\""
                                   : "");
  k += snprintf(json + k, sizeof json - (size_t)k, "]}");
  frame(HELLO_REPLY, (uint64_t)k);
  write_all(json, (size_t)k);
}

static void result(uint64_t id, uint32_t status, uint32_t e, uint64_t count, double factor_s, double solve_s,
                   const char* facts, const void* x) {
  uint64_t f = strlen(facts);
  unsigned char h[48];
  memcpy(h, &id, 8);
  memcpy(h + 8, &status, 4);
  memcpy(h + 12, &e, 4);
  memcpy(h + 16, &count, 8);
  memcpy(h + 24, &factor_s, 8);
  memcpy(h + 32, &solve_s, 8);
  memcpy(h + 40, &f, 8);
  frame(RESULT, 48 + f + count * e);
  write_all(h, 48);
  write_all(facts, f);
  write_all(x, count * e);
}

static void solve(uint64_t length) {
  unsigned char h[40];
  read_exact(h, 40);
  uint64_t id, m, n;
  uint32_t index, kind, e, threads;
  memcpy(&id, h, 8);
  memcpy(&index, h + 8, 4);
  memcpy(&kind, h + 12, 4);
  memcpy(&e, h + 16, 4);
  memcpy(&threads, h + 20, 4);
  memcpy(&m, h + 24, 8);
  memcpy(&n, h + 32, 8);
  if ((e != 4 && e != 8) || length != 40 + (m * n + m) * e) send_error("malformed SOLVE");
  unsigned char* a = malloc(m * n * e + 1);
  unsigned char* b = malloc(m * e + 1);
  unsigned char* x = calloc(n + 1, e);
  read_exact(a, m * n * e);
  read_exact(b, m * e);
  uint32_t out_e = e;
  uint64_t count = n;
  double factor_s = 1e-6, solve_s = 2e-6; /* less than any round trip takes */
  const char* facts = "";
  switch (index) {
    case ECHO: memcpy(x, b, (m < n ? m : n) * e); break;
    case BITS:
      for (uint64_t i = 0; i < n; ++i) {
        if (e == 8) {
          uint64_t v = bits64(i);
          memcpy(x + i * 8, &v, 8);
        } else {
          uint32_t v = bits32((uint32_t)i);
          memcpy(x + i * 4, &v, 4);
        }
      }
      break;
    case CHECKSUM: {
      uint64_t s = fnv1a(fnv1a(0xcbf29ce484222325ULL, a, m * n * e), b, m * e);
      for (uint64_t i = 0; i < 4 && i < n; ++i) set(x, e, i, (double)((s >> (48 - 16 * i)) & 0xFFFF));
      break;
    }
    case PID: set(x, e, 0, (double)getpid()); break;
    case FAIL:
      facts = "{\"reason\":\"deliberate failure\",\"iterations\":7,\"fallback\":true,\"note\":\"a note\","
              "\"extra\":{\"steps\":3,\"stop\":\"diverged\",\"ok\":false}}";
      result(id, 1, e, 0, factor_s, solve_s, facts, x);
      goto done;
    case WRONG_LENGTH: count = n + 1; break;
    case WRONG_TYPE: out_e = e == 8 ? 4 : 8; break;
    case NAN_X: set(x, e, 0, NAN); break;
    case ABORT:
      fprintf(stderr, "c_worker: aborting on purpose\n");
      abort();
    case EXIT3:
      fprintf(stderr, "c_worker: exiting with code 3 on purpose\n");
      exit(3);
    case HANG:
      for (;;) pause();
    case GARBAGE: write_all("hello world, not a frame\n", 25); goto done;
    case BAD_TIME: factor_s = -1; break;
    case ERR: send_error("c.error cannot do anything");
    case THREADS: set(x, e, 0, (double)threads); break;
    case KIND: set(x, e, 0, (double)kind); break;
    default: send_error("no such solver");
  }
  {
    unsigned char* out = x;
    if (out_e != e) out = calloc(count + 1, out_e);
    result(id, 0, out_e, count, factor_s, solve_s, facts, out);
    if (out != x) free(out);
  }
done:
  free(a);
  free(b);
  free(x);
}

int main(int argc, char** argv) {
  int protocol = 1, garbage_hello = 0, hang_hello = 0;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--refuse")) {
      fprintf(stderr, "c_worker: refusing to start (--refuse)\n");
      return 1;
    }
    if (!strcmp(argv[i], "--protocol") && i + 1 < argc) protocol = atoi(argv[++i]);
    if (!strcmp(argv[i], "--garbage-hello")) garbage_hello = 1;
    if (!strcmp(argv[i], "--hang-hello")) hang_hello = 1;
  }
  for (;;) {
    unsigned char h[16];
    read_exact(h, 16);
    uint32_t type;
    uint64_t length;
    if (memcmp(h, "CBWK", 4) != 0) send_error("bad magic");
    memcpy(&type, h + 4, 4);
    memcpy(&length, h + 8, 8);
    if (type == HELLO) {
      unsigned char body[64];
      if (length < 4 || length > sizeof body) send_error("malformed HELLO");
      read_exact(body, length);
      if (hang_hello)
        for (;;) pause();
      if (garbage_hello) {
        write_all("Welcome to c_worker 1.0!\n", 25);
        continue;
      }
      hello(protocol);
    } else if (type == SOLVE) {
      solve(length);
    } else if (type == BYE) {
      return 0;
    } else {
      send_error("unknown message type");
    }
  }
}
