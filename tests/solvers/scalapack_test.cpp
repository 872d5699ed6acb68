// The scalapack.* solvers outside mpirun: always listed, collective, unavailable with
// the reason; their names carry grid and block size in one spelling. (They solve under
// mpirun in tests/cli/mpi_test.cpp.)
#include "solvers/mpi/world.hpp"
#include "tests/solvers/solver_test_support.hpp"

#include <stdexcept>

namespace condbench::testing {
namespace {

std::string rejection(const std::string& name) {
  try {
    SolverRegistry::instance().resolve(name);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

TEST(Scalapack, ListedCollectiveAndUnavailableOutsideMpirunWithTheReason) {
  ASSERT_FALSE(mpi::active());
  const std::string expected = mpi::module_compiled() ? "needs mpirun: " : "not compiled: ";
  for (const char* name : {"scalapack.lu", "scalapack.cholesky", "scalapack.qr"}) {
    const Solver& s = solver(name);
    EXPECT_TRUE(s.info().collective) << name;
    EXPECT_EQ(s.unavailable_reason().rfind(expected, 0), 0u) << name << ": " << s.unavailable_reason();
    EXPECT_EQ(s.why_not(ProblemKind::spd, Precision::f64), std::string(name) + ": " + s.unavailable_reason());
    // Called anyway, it fails with the same reason instead of solving some other way.
    const arma::mat a(4, 4, arma::fill::eye);
    const arma::vec b(4, arma::fill::ones);
    const SolveOutcome<double> out = solve_with(name, a, b, ProblemKind::spd);
    EXPECT_EQ(out.status, Status::failed);
    EXPECT_EQ(out.reason, s.unavailable_reason());
  }
  EXPECT_EQ(solver("scalapack.lu").info().flop_method, "lu");
  EXPECT_EQ(solver("scalapack.qr").info().flop_method, "qr");
  EXPECT_EQ(solver("scalapack.cholesky").why_not(ProblemKind::general, Precision::f32),
            "scalapack.cholesky does not take general problems");
  EXPECT_EQ(solver("scalapack.lu").why_not(ProblemKind::least_squares, Precision::f32),
            "scalapack.lu does not take least_squares problems");
}

TEST(Scalapack, GridAndBlockSizeAreInTheName) {
  const Solver* s = SolverRegistry::instance().resolve("scalapack.lu:grid=2x1:nb=32");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->info().name, "scalapack.lu:grid=2x1:nb=32");
  EXPECT_TRUE(s->info().collective);
  EXPECT_NE(s->info().description.find("2x1 grid, 32x32 blocks"), std::string::npos) << s->info().description;
  EXPECT_NE(SolverRegistry::instance().resolve("scalapack.qr:nb=8"), nullptr);
  EXPECT_NE(SolverRegistry::instance().resolve("scalapack.cholesky:grid=1x3"), nullptr);
  // Not the family's: the prefix is the method and a colon.
  EXPECT_EQ(SolverRegistry::instance().resolve("scalapack.lux"), nullptr);
}

TEST(Scalapack, MalformedNamesSayWhatIsWrong) {
  EXPECT_NE(rejection("scalapack.lu:nb=32:grid=2x1").find("out of order (write grid= before nb=)"), std::string::npos);
  EXPECT_NE(rejection("scalapack.lu:grid=2x1:grid=1x2").find("given twice"), std::string::npos);
  EXPECT_NE(rejection("scalapack.lu:grid=2").find("grid=2: expected PxQ"), std::string::npos);
  EXPECT_NE(rejection("scalapack.lu:grid=0x2").find("grid P: expected a positive integer, got '0'"),
            std::string::npos);
  EXPECT_NE(rejection("scalapack.qr:nb=-4").find("nb: expected a positive integer"), std::string::npos);
  EXPECT_NE(rejection("scalapack.qr:nb").find("'nb' is not key=value"), std::string::npos);
  EXPECT_NE(rejection("scalapack.cholesky:p=2").find("unknown option 'p'"), std::string::npos);
}

TEST(Scalapack, DefaultGridIsTheMostSquareWithPNotAboveQ) {
  using G = std::pair<int, int>;
  EXPECT_EQ(mpi::default_grid(1), G(1, 1));
  EXPECT_EQ(mpi::default_grid(2), G(1, 2));
  EXPECT_EQ(mpi::default_grid(4), G(2, 2));
  EXPECT_EQ(mpi::default_grid(6), G(2, 3));
  EXPECT_EQ(mpi::default_grid(7), G(1, 7));
  EXPECT_EQ(mpi::default_grid(12), G(3, 4));
  EXPECT_EQ(mpi::default_grid(16), G(4, 4));
}

}  // namespace
}  // namespace condbench::testing
