// BLAS/LAPACK stacks in their own namespaces: each Debian 12 stack serves its own dgetrf_ (the recorded library
// says which) and passes LAPACK's residual tests; stacks give bitwise different answers (the isolation is real);
// missing libraries and bad definitions say why. Every stack is a namespace for the rest of the process, and a
// process has room for about ten (static TLS): this file opens eight; the ILP64 refusal and a BLAS without LAPACK
// are checked in their own processes (tests/cli/stacks_cli_test.cpp).
#include <cblas.h>
#include <dlfcn.h>
#include <pthread.h>

#include <cstring>
#include <filesystem>

#include "solvers/lapack/stack.hpp"
#include "tests/solvers/solver_test_support.hpp"

namespace condbench::testing {
namespace {

const std::string kLib = "/usr/lib/x86_64-linux-gnu/";

struct DebianStack {
  std::string name;
  std::string dgetrf_from;  // the library that must serve dgetrf_
  std::string dgemm_from;   // and dgemm_
  std::string package;      // installed by scripts/setup.sh
};

const std::vector<DebianStack>& debian_stacks() {
  static const std::vector<DebianStack> v = {
      {"netlib", kLib + "lapack/liblapack.so.3", kLib + "blas/libblas.so.3", "liblapack3"},
      {"openblas-pthread", kLib + "openblas-pthread/liblapack.so.3", kLib + "openblas-pthread/libblas.so.3",
       "libopenblas0-pthread"},
      {"openblas-openmp", kLib + "openblas-openmp/liblapack.so.3", kLib + "openblas-openmp/libblas.so.3",
       "libopenblas0-openmp"},
      {"blis", kLib + "lapack/liblapack.so.3", kLib + "blis-pthread/libblas.so.3", "libblis4-pthread"},
      {"atlas", kLib + "atlas/liblapack.so.3", kLib + "atlas/libblas.so.3", "libatlas3-base"},
      {"flame", kLib + "libflame.so.1", kLib + "blis-pthread/libblas.so.3", "libflame1"},
  };
  return v;
}

lapack::Stack& debian(const std::string& name) {
  return lapack::StackRegistry::instance().define(lapack::make_stack_spec(name, "", "", 1, "stacks_test"));
}

const Solver& on_stack(const std::string& method, const std::string& stack) {
  debian(stack);
  const Solver* s = SolverRegistry::instance().resolve(method + "@" + stack);
  if (!s) throw std::runtime_error("no solver " + method + "@" + stack);
  return *s;
}

class DebianStackTest : public ::testing::TestWithParam<DebianStack> {};

TEST_P(DebianStackTest, ServesItsOwnRoutinesAndRecordsThem) {
  const DebianStack& d = GetParam();
  lapack::Stack& st = debian(d.name);
  ASSERT_EQ(st.unavailable(), "") << "scripts/setup.sh installs " << d.package;
  const nlohmann::ordered_json j = st.describe();
  EXPECT_EQ(j.value("dgetrf_from", ""), d.dgetrf_from);
  EXPECT_EQ(j.value("dgemm_from", ""), d.dgemm_from);
  EXPECT_EQ(j.value("threads", -1), 1);
  EXPECT_NE(j.value("stack_version", "").find("LAPACK 3."), std::string::npos) << j.dump();
  EXPECT_NE(j.value("stack_version", "").find(d.package), std::string::npos) << j.dump();
  EXPECT_GT(j.value("namespace", 0L), 0L);  // not the main program's

  // The same facts on every row it solves.
  const StoredProblem<double> p = well_conditioned<double>(ProblemKind::general, 42);
  const SolveOutcome<double> out = on_stack("lapack.lu", d.name).solve(SolveInput<double>{p.A, p.b, p.kind});
  ASSERT_EQ(out.status, Status::ok) << out.reason;
  EXPECT_EQ(out.facts.extra.value("stack", ""), d.name);
  EXPECT_EQ(out.facts.extra.value("dgetrf_from", ""), d.dgetrf_from);
  EXPECT_EQ(out.facts.extra.value("dgemm_from", ""), d.dgemm_from);
  EXPECT_EQ(on_stack("lapack.lu", d.name).info().origin.rfind("stack " + d.name + ": ", 0), 0u);
}

// LAPACK's residual tests, as tests/solvers/accuracy_test.cpp runs them for the linked library.
TEST_P(DebianStackTest, PassesLapackResidualTestsOnEveryKindAndPrecision) {
  const DebianStack& d = GetParam();
  ASSERT_EQ(debian(d.name).unavailable(), "");
  const std::vector<std::pair<std::string, std::vector<ProblemKind>>> methods = {
      {"lapack.lu", {ProblemKind::general, ProblemKind::spd}},
      {"lapack.cholesky", {ProblemKind::spd}},
      {"lapack.qr", {ProblemKind::general, ProblemKind::least_squares}},
      {"lapack.svd", {ProblemKind::general, ProblemKind::least_squares, ProblemKind::underdetermined}},
      {"lapack.inverse", {ProblemKind::general}},
      {"lapack.dsgesv", {ProblemKind::general}},
  };
  for (const auto& [method, kinds] : methods) {
    const Solver& s = on_stack(method, d.name);
    for (ProblemKind k : kinds) {
      for (Precision prec : {Precision::f32, Precision::f64}) {
        if (!s.why_not(k, prec).empty()) continue;  // dsgesv: f64 only
        SCOPED_TRACE(s.info().name + " " + to_string(k) + " " + to_string(prec));
        auto check = [&](auto tag) {
          using T = decltype(tag);
          const StoredProblem<T> p = well_conditioned<T>(k, 42);
          const SolveOutcome<T> out = s.solve(SolveInput<T>{p.A, p.b, k});
          ASSERT_EQ(out.status, Status::ok) << out.reason;
          if (k == ProblemKind::least_squares)
            EXPECT_LT(normal_residual_ratio(p.A, p.b, out.x, p.zero_residual), 30.0L);
          else
            EXPECT_LT(residual_ratio(p.A, p.b, out.x), 30.0L);
        };
        if (prec == Precision::f32)
          check(float{});
        else
          check(double{});
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Debian12, DebianStackTest, ::testing::ValuesIn(debian_stacks()),
                         [](const auto& info) {
                           std::string s = info.param.name;
                           for (char& c : s)
                             if (c == '-') c = '_';
                           return s;
                         });

template <class T>
bool bitwise_equal(const arma::Col<T>& a, const arma::Col<T>& b) {
  return a.n_elem == b.n_elem && std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(T)) == 0;
}

arma::vec solve(const Solver& s, const StoredProblem<double>& p) {
  const SolveOutcome<double> out = s.solve(SolveInput<double>{p.A, p.b, p.kind});
  EXPECT_EQ(out.status, Status::ok) << s.info().name << ": " << out.reason;
  return out.x;
}

// The same netlib liblapack.so.3 loaded twice, once over netlib BLAS and once over BLIS: only namespaces that
// really keep each stack's BLAS apart give two answers. OpenBLAS against netlib is a different LAPACK as well.
TEST(StackIsolation, StacksGiveBitwiseDifferentAnswers) {
  const StoredProblem<double> p = well_conditioned<double>(ProblemKind::general, 42);
  const arma::vec netlib = solve(on_stack("lapack.lu", "netlib"), p);
  const arma::vec blis = solve(on_stack("lapack.lu", "blis"), p);
  const arma::vec openblas = solve(on_stack("lapack.lu", "openblas-pthread"), p);
  EXPECT_FALSE(bitwise_equal(netlib, blis));
  EXPECT_FALSE(bitwise_equal(netlib, openblas));
  // Each answer is reproducible: the difference is the library, not noise.
  EXPECT_TRUE(bitwise_equal(netlib, solve(on_stack("lapack.lu", "netlib"), p)));
  EXPECT_TRUE(bitwise_equal(blis, solve(on_stack("lapack.lu", "blis"), p)));
}

// Through a stack namespace holding the very OpenBLAS condbench links, with one thread on both sides, the answer
// is the built-in lapack.lu's to the bit: the table of function pointers changes nothing but the route.
TEST(StackIsolation, TheLinkedOpenBlasInANamespaceAnswersAsTheBuiltInPath) {
  Dl_info info{};
  ASSERT_NE(dladdr(reinterpret_cast<const void*>(&dgetrf_), &info), 0);
  const std::string linked = info.dli_fname;
  lapack::Stack& st = lapack::StackRegistry::instance().define(
      lapack::make_stack_spec("linked-copy", linked, "", 1, "stacks_test"));
  ASSERT_EQ(st.unavailable(), "");
  EXPECT_EQ(st.describe().value("dgetrf_from", ""), linked);
  const int threads = openblas_get_num_threads();
  openblas_set_num_threads(1);
  const StoredProblem<double> p = well_conditioned<double>(ProblemKind::general, 42);
  const arma::vec built_in = solve(solver("lapack.lu"), p);
  const arma::vec through = solve(*SolverRegistry::instance().resolve("lapack.lu@linked-copy"), p);
  openblas_set_num_threads(threads);
  EXPECT_TRUE(bitwise_equal(built_in, through));
}

// A namespace's libgomp stores per-thread data under its own key numbers, which are also the caller's (one key
// table per namespace, one data array per thread). With OpenMP stacks running parallel regions, the keys the
// caller holds keep their values: calls into a stack run on the stack's own thread.
TEST(StackIsolation, CallsIntoAStackLeaveTheCallersThreadSpecificDataAlone) {
  // The caller's view of the low key numbers (GoogleTest's own keys among them), and keys of its own there.
  std::vector<pthread_key_t> mine(16);
  for (std::size_t i = 0; i < mine.size(); ++i) {
    ASSERT_EQ(pthread_key_create(&mine[i], nullptr), 0);
    pthread_setspecific(mine[i], reinterpret_cast<void*>(0x1000 + i));
  }
  std::vector<void*> before(64);
  for (pthread_key_t k = 0; k < before.size(); ++k) before[k] = pthread_getspecific(k);

  // A fresh namespace (a name not used elsewhere in this process), two threads: parallel regions in libgomp.
  lapack::StackRegistry::instance().define(lapack::make_stack_spec("tsd-openmp", "openblas-openmp", "", 2, "stacks_test"));
  const arma::mat a = with_singular_values(300, 300, well_conditioned_spectrum(300), 3);
  const arma::vec b = a * random_vector(300, 4);
  for (const char* name : {"lapack.lu@tsd-openmp", "lapack.qr@tsd-openmp"}) {
    const Solver* s = SolverRegistry::instance().resolve(name);
    ASSERT_NE(s, nullptr);
    ASSERT_EQ(s->unavailable_reason(), "");
    EXPECT_EQ(s->solve(SolveInput<double>{a, b, ProblemKind::general}).status, Status::ok) << name;
  }
  for (pthread_key_t k = 0; k < before.size(); ++k) EXPECT_EQ(pthread_getspecific(k), before[k]) << "key " << k;
  for (pthread_key_t k : mine) pthread_key_delete(k);
}

TEST(StackAvailability, AMissingLibraryMakesTheStackUnavailableWithTheReason) {
  lapack::Stack& st = lapack::StackRegistry::instance().define(
      lapack::make_stack_spec("nowhere", "/nonexistent/libblas.so.3", "netlib", 1, "stacks_test"));
  EXPECT_EQ(st.unavailable(), "/nonexistent/libblas.so.3: no such file");
  const Solver* lu = SolverRegistry::instance().resolve("lapack.lu@nowhere");
  ASSERT_NE(lu, nullptr);
  EXPECT_EQ(lu->why_not(ProblemKind::general, Precision::f64),
            "lapack.lu@nowhere: stack 'nowhere' is unavailable: /nonexistent/libblas.so.3: no such file");
  // A caller that skips why_not still gets a failure, never a call through a null pointer.
  const StoredProblem<double> p = well_conditioned<double>(ProblemKind::general, 1);
  const SolveOutcome<double> out = lu->solve(SolveInput<double>{p.A, p.b, p.kind});
  EXPECT_EQ(out.status, Status::failed);
  EXPECT_NE(out.reason.find("no such file"), std::string::npos);
}

TEST(StackSpecs, DebianShorthandsResolveToTheirFiles) {
  const lapack::StackSpec blis = lapack::make_stack_spec("blis", "", "", 2, "here");
  EXPECT_EQ(blis.blas, kLib + "blis-pthread/libblas.so.3");
  EXPECT_EQ(blis.lapack, kLib + "lapack/liblapack.so.3");  // BLIS has no LAPACK: netlib's
  EXPECT_EQ(blis.threads, 2);
  const lapack::StackSpec flame = lapack::make_stack_spec("flame", "", "", 1, "here");
  EXPECT_EQ(flame.blas, kLib + "blis-pthread/libblas.so.3");  // libflame loads only after a BLAS
  EXPECT_EQ(flame.lapack, kLib + "libflame.so.1");
  const lapack::StackSpec mixed = lapack::make_stack_spec("mine", "openblas-openmp", "netlib", 1, "here");
  EXPECT_EQ(mixed.blas, kLib + "openblas-openmp/libblas.so.3");
  EXPECT_EQ(mixed.lapack, kLib + "lapack/liblapack.so.3");
  EXPECT_EQ(lapack::make_stack_spec("mine", "atlas", "", 1, "here").lapack, kLib + "atlas/liblapack.so.3");
  EXPECT_EQ(lapack::make_stack_spec("mine", "/opt/x/libopenblas.so", "", 1, "here").lapack, "");
}

TEST(StackSpecs, BadEntriesNameTheKeyAtFault) {
  auto key_of = [](auto make) -> std::string {
    try {
      make();
    } catch (const lapack::StackSpecError& e) {
      return e.key + ": " + e.what();
    }
    return "no error";
  };
  EXPECT_EQ(key_of([] { lapack::make_stack_spec("mine", "", "", 1, ""); }).rfind("blas: stack 'mine' needs 'blas'", 0),
            0u);
  EXPECT_EQ(key_of([] { lapack::make_stack_spec("x", "openbals", "", 1, ""); }).rfind("blas: unknown blas 'openbals'", 0),
            0u);
  EXPECT_NE(key_of([] { lapack::make_stack_spec("x", "netlib", "blis", 1, ""); }).find("BLIS has no LAPACK"),
            std::string::npos);
  EXPECT_EQ(key_of([] { lapack::make_stack_spec("a b", "netlib", "", 1, ""); }).rfind("name: ", 0), 0u);
  EXPECT_EQ(key_of([] { lapack::make_stack_spec("linked", "netlib", "", 1, ""); }).rfind("name: ", 0), 0u);
  EXPECT_EQ(key_of([] { lapack::make_stack_spec("x", "netlib", "", -1, ""); }).rfind("threads: ", 0), 0u);
}

TEST(StackRegistryTest, ANameKeepsItsDefinition) {
  auto& reg = lapack::StackRegistry::instance();
  lapack::Stack& a = reg.define(lapack::make_stack_spec("twice", "netlib", "", 1, "first"));
  EXPECT_EQ(&reg.define(lapack::make_stack_spec("twice", "netlib", "", 1, "second")), &a);
  EXPECT_THROW(reg.define(lapack::make_stack_spec("twice", "atlas", "", 1, "third")), std::invalid_argument);
}

TEST(StackFamily, NamesTheMethodOrStackThatIsWrong) {
  debian("netlib");
  EXPECT_THROW(SolverRegistry::instance().resolve("lapack.nope@netlib"), std::invalid_argument);
  EXPECT_THROW(SolverRegistry::instance().resolve("lapack.lu@undefined-stack"), std::invalid_argument);
  EXPECT_EQ(SolverRegistry::instance().resolve("lapack.nope"), nullptr);  // no '@': not the family's
  const Solver* s = SolverRegistry::instance().resolve("lapack.qr@netlib");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->info().flop_method, "qr");  // GFLOP/s as for lapack.qr
}

}  // namespace
}  // namespace condbench::testing
