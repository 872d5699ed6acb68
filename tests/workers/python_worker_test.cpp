// python/condbench_worker.py (tests/workers/py_test_worker.py) and the shipped Python stack
// (workers/python_stack.py): bit-exact data, facts, failures, and every shipped solver passing
// LAPACK's residual test; numpy.solve against lapack.lu on the same OpenBLAS.
#include "solvers/registry.hpp"
#include "solvers/worker/pool.hpp"
#include "studies/runner/context.hpp"
#include "tests/solvers/solver_test_support.hpp"
#include "tests/workers/support.hpp"

#include <cblas.h>
#include <dlfcn.h>

#include <filesystem>

namespace condbench::testing {
namespace {

namespace fs = std::filesystem;
using worker::WorkerClient;

WorkerClient& py_worker() { return shared_client(python_spec(kSource + "/tests/workers/py_test_worker.py")); }
WorkerClient& stack() { return shared_client(python_spec(kSource + "/workers/python_stack.py")); }

template <class T>
SolveOutcome<T> call(WorkerClient& c, const std::string& solver, const arma::Mat<T>& A, const arma::Col<T>& b,
                     ProblemKind kind = ProblemKind::general) {
  return c.solve(index_of(c, solver), SolveInput<T>{A, b, kind});
}

template <class T>
void expect_module_round_trip_bit_exact() {
  const arma::uword n = 33;
  arma::Mat<T> A(n, n);
  arma::Col<T> vals = awkward_values<T>(n * n, 3);
  std::memcpy(A.memptr(), vals.memptr(), n * n * sizeof(T));
  arma::Col<T> b = awkward_values<T>(n, 4);
  auto echo = call<T>(py_worker(), "py.echo", A, b);
  ASSERT_EQ(echo.status, Status::ok) << echo.reason;
  EXPECT_TRUE(same_bits(echo.x, b));
  auto col = call<T>(py_worker(), "py.column", A, b);  // A arrives column-major, as numpy's Fortran order
  ASSERT_EQ(col.status, Status::ok) << col.reason;
  EXPECT_TRUE(same_bits(col.x, arma::Col<T>(A.col(1))));
}

TEST(PythonModule, RoundTripIsBitExactInFloat32AndFloat64) {
  expect_module_round_trip_bit_exact<float>();
  expect_module_round_trip_bit_exact<double>();
}

TEST(PythonModule, FactsWarningsAndKindReachTheRow) {
  arma::mat A(4, 4, arma::fill::eye);
  arma::vec b(4, arma::fill::ones);
  auto f = call<double>(py_worker(), "py.facts", A, b);
  ASSERT_EQ(f.status, Status::ok) << f.reason;
  EXPECT_EQ(f.facts.iterations, 4);
  EXPECT_TRUE(f.facts.fallback);
  EXPECT_EQ(f.facts.note, "a note; UserWarning: careful");
  EXPECT_EQ(f.facts.extra["steps"], 2);
  EXPECT_EQ(f.facts.extra["bad"], "nan");  // JSON has no NaN: it travels as text
  EXPECT_EQ(f.facts.extra["blas_threads"], openblas_get_num_threads());
  arma::mat L(6, 3, arma::fill::ones);
  arma::vec c(6, arma::fill::ones);
  EXPECT_EQ(call<double>(py_worker(), "py.kind", L, c, ProblemKind::least_squares).x[0], 2.0);
}

TEST(PythonModule, ExceptionsAndWrongPrecisionAreFailedRows) {
  arma::fmat A(4, 4, arma::fill::eye);
  arma::fvec b(4, arma::fill::ones);
  EXPECT_EQ(call<float>(py_worker(), "py.raises", A, b).reason, "ValueError: boom");
  EXPECT_EQ(call<float>(py_worker(), "py.failed", A, b).reason, "not today");
  auto up = call<float>(py_worker(), "py.upcast", A, b);
  EXPECT_EQ(up.status, Status::failed);
  EXPECT_EQ(up.reason, "solver returned float64 x for a float32 problem (convert explicitly if that is what the "
                       "method does)");
  arma::mat Ad(4, 4, arma::fill::eye);
  arma::vec bd(4, arma::fill::ones);
  EXPECT_EQ(call<double>(py_worker(), "py.upcast", Ad, bd).status, Status::ok);
}

TEST(PythonModule, PrintingToStdoutDoesNotCorruptTheProtocol) {
  arma::mat A(4, 4, arma::fill::eye);
  arma::vec b = {1, 2, 3, 4};
  for (int i = 0; i < 2; ++i) {
    auto out = call<double>(py_worker(), "py.prints", A, b);
    ASSERT_EQ(out.status, Status::ok) << out.reason;
    EXPECT_TRUE(same_bits(out.x, b));
  }
  EXPECT_EQ(py_worker().restarts(), 0);
}

TEST(PythonModule, SplitSeparatesFactorAndSolveTimes) {
  arma::mat A(4, 4, arma::fill::eye);
  arma::vec b(4, arma::fill::ones);
  auto out = call<double>(py_worker(), "py.split", A, b);
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_GE(out.timing.factor_s, 0.02);  // it slept that long before split()
  EXPECT_GE(out.timing.solve_s, 0.01);
  EXPECT_EQ(out.timing.total_s(), out.timing.factor_s + out.timing.solve_s);
}

TEST(PythonModule, AnUnavailableSolverIsListedWithItsReason) {
  const auto& offered = py_worker().hello().solvers;
  auto it = std::find_if(offered.begin(), offered.end(), [](const auto& s) { return s.name == "py.missing"; });
  ASSERT_NE(it, offered.end());
  EXPECT_EQ(it->unavailable, "needs a library this machine lacks");
}

// LAPACK's residual test (ratio < 30, TESTING/LIN) on a well-conditioned problem (kappa = 10) of
// every kind and precision each shipped solver takes.
template <class T>
void expect_residual_test(const worker::OfferedSolver& s) {
  for (ProblemKind kind : {ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares,
                           ProblemKind::underdetermined}) {
    if (!s.kinds.contains(kind)) continue;
    auto p = well_conditioned<T>(kind, 11);
    auto out = call<T>(stack(), s.name, p.A, p.b, kind);
    SCOPED_TRACE(s.name + " " + to_string(kind) + " " + to_string(precision_of<T>()));
    ASSERT_EQ(out.status, Status::ok) << out.reason;
    ASSERT_EQ(out.x.n_elem, p.A.n_cols);
    if (kind == ProblemKind::least_squares)
      EXPECT_LT(normal_residual_ratio(p.A, p.b, out.x, p.zero_residual), 30);
    else
      EXPECT_LT(residual_ratio(p.A, p.b, out.x), 30);
    EXPECT_GE(out.timing.factor_s + out.timing.solve_s, 0);
  }
}

// One test: starting Python with torch costs seconds, and ctest runs every test in a process of its own.
TEST(PythonStack, OffersTheIssuesSolversAndEachPassesLapacksResidualTest) {
  std::vector<std::string> want = {"numpy.solve", "numpy.inv", "numpy.lstsq", "numpy.pinv", "scipy.solve",
                                   "scipy.solve_pos", "scipy.lu_solve", "scipy.cho_solve", "scipy.lstsq_gelsd",
                                   "scipy.lstsq_gelsy", "scipy.lstsq_gelss", "torch.solve", "torch.cholesky_solve",
                                   "torch.lstsq_gels", "torch.lstsq_gelsy", "torch.lstsq_gelsd", "torch.lstsq_gelss",
                                   "lecture.smart_solve", "lecture.gram_schmidt"};
  std::vector<std::string> got;
  for (const auto& s : stack().hello().solvers) {
    got.push_back(s.name);
    // scripts/setup.sh installs python3-numpy, -scipy and -torch: here every solver can run.
    EXPECT_EQ(s.unavailable, "") << s.name << " (run scripts/setup.sh)";
    if (s.f32) expect_residual_test<float>(s);
    if (s.f64) expect_residual_test<double>(s);
  }
  EXPECT_EQ(got, want);
  const auto& v = stack().hello().versions;
  for (const char* lib : {"python", "numpy", "scipy", "torch"}) EXPECT_TRUE(v.contains(lib)) << lib;
  EXPECT_EQ(v["blas"]["name"], "OpenBLAS");
}

TEST(PythonStack, WithoutTorchItsSolversAreListedAsUnavailable) {
  WorkerClient c(python_spec(kSource + "/workers/python_stack.py",
                             {{"PYTHONPATH", kSource + "/tests/workers/no_torch"}}));
  int torch_solvers = 0;
  for (const auto& s : c.hello().solvers) {
    if (s.name.rfind("torch.", 0) == 0) {
      ++torch_solvers;
      EXPECT_EQ(s.unavailable, "torch not importable here: ImportError: simulated: torch is not installed") << s.name;
    } else {
      EXPECT_EQ(s.unavailable, "") << s.name;
    }
  }
  EXPECT_EQ(torch_solvers, 6);
  auto p = well_conditioned<double>(ProblemKind::general, 1);
  auto out = call<double>(c, "torch.solve", p.A, p.b);
  EXPECT_EQ(out.status, Status::failed);  // the runner skips it before; asked anyway, it says why
  EXPECT_NE(out.reason.find("torch not importable here"), std::string::npos);
}

// The OpenBLAS this process runs lapack.lu with, as a resolved path.
std::string our_openblas() {
  Dl_info info{};
  if (!dladdr(reinterpret_cast<void*>(&openblas_get_config), &info) || !info.dli_fname) return "unknown";
  return fs::canonical(info.dli_fname).string();
}

// numpy.linalg.solve calls ?gesv on a Fortran-order copy: with the same OpenBLAS library, core
// and thread count as lapack.lu (?getrf + ?getrs) the float64 answer is the same bits. numpy
// computes float32 input in float64 (numpy.linalg's _commonType) and rounds x to float32: its
// float32 answer is lapack.lu's float64 answer on the exactly widened matrix, rounded.
TEST(PythonStack, NumpySolveIsLapackLuOnTheSameOpenblas) {
  const auto& blas = stack().hello().versions["blas"];
  ASSERT_TRUE(blas.contains("library")) << "numpy's BLAS is not OpenBLAS here: " << blas.dump();
  std::string theirs = fs::canonical(blas["library"].get<std::string>()).string();
  if (theirs != our_openblas() || blas.value("core", "") != openblas_get_corename())
    GTEST_SKIP() << "numpy runs " << theirs << " (" << blas.value("core", "") << "), condbench " << our_openblas()
                 << " (" << openblas_get_corename() << "): bitwise equality is not to be expected";
  const int threads = openblas_get_num_threads();
  openblas_set_num_threads(1);  // the worker follows: the count goes with every solve
  const Solver& lu = solver("lapack.lu");
  for (arma::uword n : {40u, 300u}) {  // 300: past OpenBLAS's unblocked panel sizes
    arma::mat A = with_singular_values(n, n, arma::logspace<arma::vec>(0, -6, n), 5);
    arma::vec b = random_vector(n, 6);
    auto ours = lu.solve(SolveInput<double>{A, b, ProblemKind::general});
    auto np = call<double>(stack(), "numpy.solve", A, b);
    ASSERT_EQ(np.status, Status::ok) << np.reason;
    EXPECT_TRUE(same_bits(np.x, ours.x)) << "n = " << n << ": max difference " << arma::abs(np.x - ours.x).max();
    EXPECT_EQ(np.facts.extra["blas_threads"], 1);

    arma::fmat Af = arma::conv_to<arma::fmat>::from(A);
    arma::fvec bf = arma::conv_to<arma::fvec>::from(b);
    auto wide = lu.solve(SolveInput<double>{arma::conv_to<arma::mat>::from(Af), arma::conv_to<arma::vec>::from(bf),
                                            ProblemKind::general});
    auto np32 = call<float>(stack(), "numpy.solve", Af, bf);
    ASSERT_EQ(np32.status, Status::ok) << np32.reason;
    EXPECT_TRUE(same_bits(np32.x, arma::fvec(arma::conv_to<arma::fvec>::from(wide.x)))) << "n = " << n;
  }
  openblas_set_num_threads(threads);
}

TEST(WorkerPool, ProxiesAreRegisteredOnceWithTheirOriginAndRunJsonKnowsTheWorker) {
  std::vector<std::string> names = worker::start_worker(c_worker_spec());
  ASSERT_EQ(names.size(), 17u);
  const Solver* s = SolverRegistry::instance().find("c.echo");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->info().origin, std::string("worker ") + CONDBENCH_C_WORKER);
  EXPECT_FALSE(s->info().isolate_by_default);  // the worker already is another process
  EXPECT_EQ(s->info().flop_method, "lu");
  EXPECT_EQ(SolverRegistry::instance().find("c.unavailable")->why_not(ProblemKind::general, Precision::f64),
            "c.unavailable: deliberately unavailable");
  EXPECT_EQ(worker::start_worker(c_worker_spec()), names);  // the same command again: the same worker
  nlohmann::ordered_json ctx = run_context();
  ASSERT_TRUE(ctx.contains("workers"));
  const auto& w = ctx["workers"][0];
  EXPECT_EQ(w["name"], "c_worker");
  EXPECT_EQ(w["protocol"], 1);
  EXPECT_EQ(w["versions"]["c_worker"], "1");
  EXPECT_EQ(w["solvers"]["c.unavailable"], "deliberately unavailable");
  worker::stop_workers();
  EXPECT_EQ(SolverRegistry::instance().find("c.echo"), nullptr);
  EXPECT_FALSE(run_context().contains("workers"));
}

}  // namespace
}  // namespace condbench::testing
