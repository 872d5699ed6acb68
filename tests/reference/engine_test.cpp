// One factorization for kappa and the reference (engine.hpp), GMRES-IR at a size where it is
// the method chosen, refined transposed solves, and the timing-only sigma_max.
#include "studies/reference/engine.hpp"
#include "studies/reference/refine.hpp"
#include "tests/reference/helpers.hpp"

#include <gtest/gtest.h>

namespace condbench {
namespace {

using testing::mp_reference;
using testing::randsvd;
using testing::rel_error;

constexpr double kTarget64 = 1e-6 * 0x1p-53;

// kappa then the reference from one engine give what the two public functions give alone.
TEST(ReferenceEngine, SharedFactorizationGivesTheSameNumbers) {
  const arma::mat A = randsvd(60, 60, 1e9, 21);
  arma::arma_rng::set_seed(2);
  const arma::vec b(60, arma::fill::randn);
  ref::ReferenceEngine engine(A, ProblemKind::general);
  const ref::KappaResult k = engine.kappa();
  const ref::ReferenceSolution r = engine.reference(b, kTarget64);
  const ref::KappaResult k_alone = ref::measure_kappa(A, ProblemKind::general);
  const ref::ReferenceSolution r_alone = ref::reference_solution(A, b, ProblemKind::general, kTarget64, k.kappa);
  EXPECT_EQ(k.kappa, k_alone.kappa);
  EXPECT_TRUE(k.certified) << k.method;
  ASSERT_TRUE(r.converged) << r.note;
  ASSERT_EQ(r.x.size(), r_alone.x.size());
  for (std::size_t i = 0; i < r.x.size(); ++i) EXPECT_LE(abs(r.x[i] - r_alone.x[i]).convert_to<double>(), 1e-40);
  EXPECT_GE(r.seconds, engine.factor_seconds()) << "the reference owns the factorization's time";
}

// kappa u ~ 0.1 at n = 150: GMRES-IR is what runs, and it is exact against 400 bits.
TEST(ReferenceEngine, GmresIrPastTheLuIrRangeMatchesMultiprecision) {
  const arma::uword n = 150;
  const arma::mat A = randsvd(n, n, 1e15, 31);
  arma::arma_rng::set_seed(6);
  const arma::vec b(n, arma::fill::randn);
  ref::ReferenceEngine engine(A, ProblemKind::general);
  const ref::KappaResult k = engine.kappa();
  const ref::ReferenceSolution r = engine.reference(b, kTarget64);
  EXPECT_TRUE(k.certified) << k.method;
  ASSERT_TRUE(r.converged) << r.note;
  EXPECT_EQ(r.method.rfind("GMRES-IR", 0), 0u) << r.method;
  const double err = rel_error(r.x, mp_reference(A, b));
  EXPECT_LE(err, r.ref_error);
  EXPECT_LE(r.ref_error, kTarget64);
}

// A^T x = b through the same LU (kappa's Lanczos needs it), against 400 bits.
TEST(Refiner, TransposedSolveMatchesMultiprecision) {
  const arma::uword n = 50;
  const arma::mat A = randsvd(n, n, 1e13, 41);
  arma::arma_rng::set_seed(8);
  const arma::vec b(n, arma::fill::randn);
  const ref::LuFactors lu(A);
  ref::Refiner refiner(A, ref::Refiner::Shape::square, false, ref::RefineOptions{}, &lu, nullptr);
  const ref::RefineResult r = refiner.solve(b, arma::vec(), kTarget64, true);
  ASSERT_TRUE(r.converged) << r.note;
  const arma::mat At = A.t();
  EXPECT_LE(rel_error(r.x, mp_reference(At, b)), r.ref_error);
}

// Timing-only: kappa not measured (NaN, said so), sigma_max a lower bound within 5%.
TEST(ReferenceEngine, SigmaMaxOnlyForTimingOnlyRows) {
  const arma::mat A = randsvd(80, 80, 1e6, 51) * 3.0;
  ref::ReferenceEngine engine(A, ProblemKind::general);
  const ref::KappaResult k = engine.sigma_max_only();
  EXPECT_TRUE(std::isnan(k.kappa));
  EXPECT_FALSE(k.certified);
  EXPECT_EQ(k.method.rfind("not measured: reference = false", 0), 0u) << k.method;
  const double smax = arma::max(arma::svd(A));
  EXPECT_LE(k.sigma_max, smax * (1 + 1e-14));
  EXPECT_GE(k.sigma_max, smax / 1.05);
  EXPECT_EQ(engine.factor_seconds(), 0) << "no factorization for timing-only rows";
}

// Entries far from 1 (squares beyond double's range: 2^+-565 here) are computed on an
// exactly rescaled matrix: kappa, x and the scaled-back sigma and residual equal the
// unscaled problem's. Non-finite matrices are refused.
TEST(ReferenceEngine, ExtremeScalesGiveTheUnscaledNumbers) {
  for (const arma::uword m : {40, 52}) {  // square, and least squares (m > n)
    const arma::mat A = randsvd(m, 40, 1e4, 61);
    const arma::vec b = arma::linspace(1, 2, m);
    ref::ReferenceEngine plain(A, ProblemKind::general);
    const ref::KappaResult k0 = plain.kappa();
    const ref::ReferenceSolution r0 = plain.reference(b, kTarget64);
    ASSERT_TRUE(k0.certified && r0.converged);
    for (const int k : {-565, 565}) {
      const double s = std::ldexp(1.0, k);
      const arma::mat S = A * s;
      ref::ReferenceEngine engine(S, ProblemKind::general);
      const ref::KappaResult& ks = engine.kappa();
      EXPECT_TRUE(ks.certified) << k << ": " << ks.method;
      EXPECT_NE(ks.method.find("exact scaling"), std::string::npos) << ks.method;
      EXPECT_NEAR(ks.kappa / k0.kappa, 1, 1e-12) << k;
      EXPECT_NEAR(ks.sigma_max / (s * k0.sigma_max), 1, 1e-12) << k;
      const ref::ReferenceSolution rs = engine.reference(b * s, kTarget64);
      ASSERT_TRUE(rs.converged) << k << ": " << rs.note;
      ref::Real dx2 = 0, x2 = 0;
      for (std::size_t i = 0; i < rs.x.size(); ++i) {
        dx2 += (rs.x[i] - r0.x[i]) * (rs.x[i] - r0.x[i]);
        x2 += r0.x[i] * r0.x[i];
      }
      EXPECT_LE(sqrt(dx2 / x2).convert_to<double>(), 2 * kTarget64) << k;
      ASSERT_EQ(rs.r.size(), r0.r.size());
      for (std::size_t i = 0; i < rs.r.size(); ++i)
        EXPECT_NEAR((rs.r[i] / s).convert_to<double>(), r0.r[i].convert_to<double>(),
                    1e-12 * std::fabs(r0.r[i].convert_to<double>()) + 1e-30)
            << k;
    }
  }
  const arma::mat A = randsvd(40, 40, 1e4, 62);
  for (const double bad : {arma::datum::nan, arma::datum::inf}) {
    arma::mat B = A;
    B(3, 5) = bad;
    ref::ReferenceEngine engine(B, ProblemKind::general);
    EXPECT_EQ(engine.kappa().method.rfind("not measured: empty or non-finite matrix", 0), 0u);
    EXPECT_FALSE(engine.reference(arma::ones(40), 1e-22).converged);
  }
}

}  // namespace
}  // namespace condbench
