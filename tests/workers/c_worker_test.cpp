// The protocol end to end against tests/workers/c_worker.c, a worker written in C from
// docs/workers.md alone: bit-exact data both ways in f32 and f64, one process for many
// solves, and every fault as a row (timeouts, crashes, wrong lengths and types, NaN, garbage).
#include "tests/workers/support.hpp"

#include <cblas.h>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

namespace condbench::testing {
namespace {

using worker::WorkerClient;

WorkerClient& c_worker() { return shared_client(c_worker_spec()); }

template <class T>
SolveOutcome<T> call(WorkerClient& c, const std::string& solver, const arma::Mat<T>& A, const arma::Col<T>& b,
                     ProblemKind kind = ProblemKind::general) {
  return c.solve(index_of(c, solver), SolveInput<T>{A, b, kind});
}

template <class T>
SolveOutcome<T> call(const std::string& solver, arma::uword n = 6) {
  arma::Mat<T> A(n, n, arma::fill::eye);
  arma::Col<T> b(n, arma::fill::ones);
  return call<T>(c_worker(), solver, A, b);
}

double worker_pid() {
  auto out = call<double>("c.pid");
  EXPECT_EQ(out.status, Status::ok) << out.reason;
  return out.x.empty() ? -1 : out.x[0];
}

template <class T>
void expect_echo_bit_exact() {
  const arma::uword n = 257;  // odd, and larger than one pipe write of small messages
  arma::Mat<T> A(n, n);
  A.imbue([] { return T(0.5); });
  arma::Col<T> b = awkward_values<T>(n, 42);
  auto out = call<T>(c_worker(), "c.echo", A, b);
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_TRUE(same_bits(out.x, b));
}

TEST(CWorker, EchoIsBitExactInFloat32AndFloat64) {
  expect_echo_bit_exact<float>();
  expect_echo_bit_exact<double>();
}

TEST(CWorker, KnownBitsComeBackExactly) {
  auto d = call<double>("c.bits", 40);
  ASSERT_EQ(d.status, Status::ok) << d.reason;
  for (arma::uword i = 0; i < d.x.n_elem; ++i) {
    std::uint64_t got;
    std::memcpy(&got, &d.x[i], 8);
    EXPECT_EQ(got, known_bits64(i)) << i;
  }
  auto f = call<float>("c.bits", 40);
  ASSERT_EQ(f.status, Status::ok) << f.reason;
  for (arma::uword i = 0; i < f.x.n_elem; ++i) {
    std::uint32_t got;
    std::memcpy(&got, &f.x[i], 4);
    EXPECT_EQ(got, known_bits32(static_cast<std::uint32_t>(i))) << i;
  }
}

template <class T>
void expect_checksum(arma::uword m, arma::uword n, ProblemKind kind) {
  arma::Mat<T> A(m, n);
  arma::Col<T> vals = awkward_values<T>(m * n, 7);
  std::memcpy(A.memptr(), vals.memptr(), m * n * sizeof(T));
  arma::Col<T> b = awkward_values<T>(m, 8);
  auto out = call<T>(c_worker(), "c.checksum", A, b, kind);
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  // Column-major A, then b, as the SOLVE message lays them out.
  std::uint64_t h = fnv1a(fnv1a(0xcbf29ce484222325ULL, A.memptr(), m * n * sizeof(T)), b.memptr(), m * sizeof(T));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out.x[i], static_cast<T>((h >> (48 - 16 * i)) & 0xFFFF)) << i;
}

TEST(CWorker, MatrixAndRightHandSideArriveBitExact) {
  expect_checksum<double>(9, 5, ProblemKind::least_squares);
  expect_checksum<float>(9, 5, ProblemKind::least_squares);
  expect_checksum<double>(4, 7, ProblemKind::underdetermined);
  expect_checksum<float>(64, 64, ProblemKind::general);
}

TEST(CWorker, OneProcessServesEverySolveAndHearsThreadsAndKind) {
  double pid = worker_pid();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(worker_pid(), pid);
  EXPECT_EQ(call<double>("c.threads").x[0], openblas_get_num_threads());
  arma::mat A(5, 3, arma::fill::ones);
  arma::vec b(5, arma::fill::ones);
  EXPECT_EQ(call<double>(c_worker(), "c.kind", A, b, ProblemKind::least_squares).x[0], 2.0);
}

TEST(CWorker, TimesAreTheWorkersAndTheRoundTripIsTransfer) {
  auto out = call<double>("c.echo", 100);
  ASSERT_EQ(out.status, Status::ok);
  EXPECT_EQ(out.timing.factor_s, 1e-6);  // what c_worker reports, bit for bit
  EXPECT_EQ(out.timing.solve_s, 2e-6);
  EXPECT_GT(out.timing.transfer_s, 0);   // the rest of the round trip
  EXPECT_FALSE(out.timing.transfer_in_time);
  EXPECT_EQ(out.timing.total_s(), 1e-6 + 2e-6);  // time_s is the worker's call, comparable with native solvers
}

TEST(CWorker, AFailureCarriesItsReasonAndFacts) {
  auto out = call<double>("c.fail");
  EXPECT_EQ(out.status, Status::failed);
  EXPECT_EQ(out.reason, "deliberate failure");
  EXPECT_EQ(out.facts.iterations, 7);
  EXPECT_TRUE(out.facts.fallback);
  EXPECT_EQ(out.facts.note, "a note");
  EXPECT_EQ(out.facts.extra.dump(), R"({"steps":3,"stop":"diverged","ok":false})");
}

TEST(CWorker, MalformedAnswersAreFailedRowsAndTheWorkerStays) {
  double pid = worker_pid();
  auto len = call<double>("c.wrong_length");
  EXPECT_EQ(len.status, Status::failed);
  EXPECT_EQ(len.reason, "malformed answer from worker 'c_worker': x has 7 elements, expected 6");
  auto type32 = call<float>("c.wrong_type");
  EXPECT_EQ(type32.reason,
            "malformed answer from worker 'c_worker': x is float64, the problem float32 (answers come in the working "
            "precision)");
  EXPECT_NE(call<double>("c.wrong_type").reason.find("x is float32, the problem float64"), std::string::npos);
  EXPECT_EQ(call<double>("c.bad_time").reason,
            "malformed answer from worker 'c_worker': factor_s = -1 (seconds, >= 0)");
  EXPECT_EQ(call<double>("c.nan").reason, "non-finite result (NaN or Inf in x)");
  EXPECT_EQ(call<float>("c.nan").reason, "non-finite result (NaN or Inf in x)");
  EXPECT_EQ(worker_pid(), pid);
  EXPECT_EQ(c_worker().restarts(), 0);
}

TEST(CWorker, ACrashIsAFailedRowWithTheSignalAndStderrThenANewWorker) {
  WorkerClient c(c_worker_spec());
  arma::mat A(4, 4, arma::fill::eye);
  arma::vec b(4, arma::fill::ones);
  double pid = call<double>(c, "c.pid", A, b).x[0];
  auto out = call<double>(c, "c.abort", A, b);
  EXPECT_EQ(out.status, Status::failed);
  EXPECT_NE(out.reason.find("worker 'c_worker' died during the solve: killed by signal 6 (SIGABRT"),
            std::string::npos)
      << out.reason;
  EXPECT_NE(out.reason.find("stderr: c_worker: aborting on purpose"), std::string::npos) << out.reason;
  auto next = call<double>(c, "c.pid", A, b);
  ASSERT_EQ(next.status, Status::ok) << next.reason;
  EXPECT_NE(next.x[0], pid);
  EXPECT_EQ(c.restarts(), 1);

  auto exit3 = call<double>(c, "c.exit3", A, b);
  EXPECT_NE(exit3.reason.find("died during the solve: exited with code 3; stderr: c_worker: exiting with code 3 "
                              "on purpose"),
            std::string::npos)
      << exit3.reason;
  EXPECT_EQ(call<double>(c, "c.echo", A, b).status, Status::ok);
}

TEST(CWorker, ATimeoutKillsTheWorkerAndTheNextSolveGetsANewOne) {
  WorkerClient c(c_worker_spec({}, 0.5));
  arma::mat A(4, 4, arma::fill::eye);
  arma::vec b(4, arma::fill::ones);
  pid_t old = static_cast<pid_t>(call<double>(c, "c.pid", A, b).x[0]);
  auto out = call<double>(c, "c.hang", A, b);
  EXPECT_EQ(out.status, Status::failed);
  EXPECT_EQ(out.reason, "timeout after 0.5 s (worker 'c_worker' killed; a new one starts for the next solve)");
  EXPECT_GE(out.timing.transfer_s, 0.5);
  EXPECT_EQ(kill(old, 0), -1);  // gone (and reaped: not even a zombie)
  auto next = call<double>(c, "c.pid", A, b);
  ASSERT_EQ(next.status, Status::ok) << next.reason;
  EXPECT_NE(static_cast<pid_t>(next.x[0]), old);
}

TEST(CWorker, GarbageOnStdoutAndErrorMessagesRestartTheWorker) {
  WorkerClient c(c_worker_spec());
  arma::mat A(4, 4, arma::fill::eye);
  arma::vec b(4, arma::fill::ones);
  auto junk = call<double>(c, "c.garbage", A, b);
  EXPECT_EQ(junk.status, Status::failed);
  EXPECT_NE(junk.reason.find("malformed answer from worker 'c_worker': expected a message starting with \"CBWK\", "
                             "got \"hello world, not"),
            std::string::npos)
      << junk.reason;
  EXPECT_NE(junk.reason.find("(worker restarted for the next solve)"), std::string::npos);
  EXPECT_EQ(call<double>(c, "c.echo", A, b).status, Status::ok);
  auto err = call<double>(c, "c.error", A, b);
  EXPECT_NE(err.reason.find("worker 'c_worker' gave up: c.error cannot do anything"), std::string::npos)
      << err.reason;
  EXPECT_EQ(call<double>(c, "c.echo", A, b).status, Status::ok);
  EXPECT_EQ(c.restarts(), 2);
}

std::string start_error(const worker::WorkerSpec& spec) {
  try {
    WorkerClient c(spec);
  } catch (const worker::WorkerStartError& e) {
    return e.what();
  }
  return "started";
}

TEST(CWorker, AWorkerThatCannotStartSaysWhyWithItsStderr) {
  std::string refuse = start_error(c_worker_spec({"--refuse"}));
  EXPECT_NE(refuse.find("it ended before answering the hello (exited with code 1)"), std::string::npos) << refuse;
  EXPECT_NE(refuse.find("c_worker: refusing to start (--refuse)"), std::string::npos) << refuse;

  worker::WorkerSpec missing = c_worker_spec();
  missing.command = {"/nonexistent/worker"};
  EXPECT_EQ(start_error(missing), "cannot run '/nonexistent/worker': No such file or directory");

  std::string v2 = start_error(c_worker_spec({"--protocol", "2"}));
  EXPECT_NE(v2.find("worker speaks protocol 2, condbench speaks 1"), std::string::npos) << v2;
  std::string text = start_error(c_worker_spec({"--garbage-hello"}));
  EXPECT_NE(text.find("bad answer to the hello: expected a message starting with \"CBWK\", got \"Welcome to"),
            std::string::npos)
      << text;
  std::string hang = start_error(c_worker_spec({"--hang-hello"}, 0.3));
  EXPECT_NE(hang.find("no answer to the hello within 0.3 s (killed)"), std::string::npos) << hang;
}

// An executor that forks (parallel cases, isolation) must not share the parent's pipes: the
// child starts its own worker, and ending the child never touches the parent's.
TEST(CWorker, AForkedChildStartsItsOwnWorkerAndLeavesTheParentsAlone) {
  double parent_worker = worker_pid();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    double mine = worker_pid();
    double again = worker_pid();
    double msg[2] = {mine, again};
    if (write(fds[1], msg, sizeof msg) != sizeof msg) _exit(3);
    std::exit(0);  // static destructors run: they must end the child's worker, not the parent's
  }
  close(fds[1]);
  double got[2] = {0, 0};
  ASSERT_EQ(read(fds[0], got, sizeof got), static_cast<ssize_t>(sizeof got));
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_GT(got[0], 0);
  EXPECT_NE(got[0], parent_worker);  // the child's own worker ...
  EXPECT_EQ(got[1], got[0]);         // ... started once in the child
  EXPECT_EQ(worker_pid(), parent_worker);
  EXPECT_EQ(kill(static_cast<pid_t>(got[0]), 0), -1);  // the child's worker ended with the child
}

}  // namespace
}  // namespace condbench::testing
