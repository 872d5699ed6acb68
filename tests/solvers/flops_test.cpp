// The flop model against the LAPACK/MAGMA formulas (NUMERICS.md "Flop counts") written out at a few sizes.
#include "solvers/flops.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "solvers/registry.hpp"

namespace condbench {
namespace {

constexpr int kSizes[] = {1, 7, 100, 1000, 2048};

TEST(Flops, LuIsMagmaGetrfPlusTwoTriangularSolves) {
  for (int n : kSizes) {
    const double d = n;
    const double expected = 2 * d * d * d / 3 - d * d / 2 + 5 * d / 6 + 2 * d * d;
    EXPECT_DOUBLE_EQ(flops("lapack.lu", n, n), expected) << n;
    EXPECT_DOUBLE_EQ(flops("cusolver.lu", n, n), expected) << n;
    EXPECT_DOUBLE_EQ(flops("textbook.ge_nopivot", n, n), expected) << n;
  }
  // 2e9/3 - 5e5 + 5000/6 = 666'167'500 for getrf, + 2e6 for getrs.
  EXPECT_DOUBLE_EQ(flops("lapack.lu", 1000, 1000), 668'167'500.0);
}

TEST(Flops, MixedPrecisionCountsTheLuAsTheWork) {
  EXPECT_DOUBLE_EQ(flops("lapack.dsgesv", 512, 512), flops("lapack.lu", 512, 512));
  EXPECT_DOUBLE_EQ(flops("cusolver.irs_fp16", 512, 512), flops("lapack.lu", 512, 512));
}

TEST(Flops, CholeskyIsAThirdOfNCubedPlusTwoSolves) {
  for (int n : kSizes) {
    const double d = n;
    EXPECT_DOUBLE_EQ(flops("lapack.cholesky", n, n), d * d * d / 3 + 2 * d * d) << n;
    EXPECT_DOUBLE_EQ(flops("cusolver.cholesky", n, n), d * d * d / 3 + 2 * d * d) << n;
  }
}

TEST(Flops, HouseholderQrIsGeqrfPlusOrmqrPlusTrsm) {
  for (int n : kSizes) {
    for (int m : {n, 2 * n, 5 * n}) {
      const double M = m, N = n;
      const double expected = (2 * M * N * N - 2 * N * N * N / 3) + (4 * M * N - 2 * N * N) + N * N;
      EXPECT_DOUBLE_EQ(flops("lapack.qr", m, n), expected) << m << "x" << n;
      EXPECT_DOUBLE_EQ(flops("cusolver.qr", m, n), expected) << m << "x" << n;
    }
  }
  EXPECT_TRUE(std::isnan(flops("lapack.qr", 10, 20)));  // not a least-squares shape
}

TEST(Flops, NormalEquationsAreSyrkGemvThenTheSquareSolve) {
  const double m = 2000, n = 1000;
  EXPECT_DOUBLE_EQ(flops("normal.cholesky", 2000, 1000), m * n * n + 2 * m * n + n * n * n / 3 + 2 * n * n);
  EXPECT_DOUBLE_EQ(flops("normal.lu", 2000, 1000), m * n * n + 2 * m * n + flops("lapack.lu", 1000, 1000));
}

TEST(Flops, QrCostsAboutTwiceTheNormalEquationsWhenVeryTall) {
  // The lectures' claim in flops: 2mn^2 against mn^2 for m >> n.
  const double ratio = flops("lapack.qr", 100'000, 100) / flops("normal.cholesky", 100'000, 100);
  EXPECT_NEAR(ratio, 2.0, 0.02);
}

TEST(Flops, ExplicitInverseIsGetrfPlusGetriPlusGemv) {
  for (int n : kSizes) {
    const double d = n;
    const double getrf = 2 * d * d * d / 3 - d * d / 2 + 5 * d / 6;
    EXPECT_DOUBLE_EQ(flops("lapack.inverse", n, n), getrf + 4 * d * d * d / 3 + 2 * d * d) << n;
  }
  // About three LUs.
  EXPECT_NEAR(flops("lapack.inverse", 2048, 2048) / flops("lapack.lu", 2048, 2048), 3.0, 0.01);
}

TEST(Flops, GramSchmidtIsTwoMnSquaredPlusItsSolve) {
  const double m = 600, n = 300;
  EXPECT_DOUBLE_EQ(flops("textbook.cgs_qr", 600, 300), 2 * m * n * n + 2 * m * n + n * n);
  EXPECT_DOUBLE_EQ(flops("textbook.mgs_qr", 600, 300), flops("textbook.cgs_qr", 600, 300));
}

TEST(Flops, NoHonestCountIsNaN) {
  for (const char* name : {"lapack.svd", "cusolver.svd", "armadillo.solve", "no.such_solver"})
    EXPECT_TRUE(std::isnan(flops(name, 200, 100))) << name;
  EXPECT_TRUE(std::isnan(flops("lapack.lu", 0, 0)));
  EXPECT_TRUE(std::isnan(flops("lapack.lu", 20, 10)));
}

TEST(Flops, EveryRegisteredSolverIsEitherCountedOrDeliberatelyNaN) {
  // A new solver must be added to the model (or to the NaN list here) on purpose.
  for (const Solver* s : SolverRegistry::instance().all()) {
    const std::string& name = s->info().name;
    const bool uncounted = name == "lapack.svd" || name == "cusolver.svd" || name == "armadillo.solve" ||
                           name == "eigen.jacobi_svd" || name == "eigen.bdc_svd" || name == "eigen.cod";
    const KindSet k = s->info().kinds;
    const int m = k.contains(ProblemKind::general) || k.contains(ProblemKind::spd) ? 100 : 200;
    // As the runner counts: the solver's own flop class, else the one of its name.
    const std::string& method = s->info().flop_method;
    const double count = method.empty() ? flops(name, m, 100) : method_flops(method, m, 100);
    EXPECT_EQ(std::isnan(count), uncounted) << name;
  }
}

}  // namespace
}  // namespace condbench
