// The GPU module's rules that need no GPU: warm-up size classes, what an IRS outcome
// means and how it is reported, and the SVD cut-off, checked against LAPACK itself.
#include "solvers/cusolver/gpu/rules.hpp"
#include "solvers/lapack/lapack.hpp"

#include <gtest/gtest.h>

#include <armadillo>
#include <cmath>

extern "C" double dlamch_(const char* cmach, std::size_t len);
extern "C" float slamch_(const char* cmach, std::size_t len);

namespace condbench::cusolver {
namespace {

TEST(CusolverRules, SizeClassIsThePowerOfTwoAtOrBelow) {
  EXPECT_EQ(size_class(0), 0);
  EXPECT_EQ(size_class(1), 0);
  EXPECT_EQ(size_class(2), 1);
  EXPECT_EQ(size_class(3), 1);
  EXPECT_EQ(size_class(511), 8);
  EXPECT_EQ(size_class(512), 9);
  EXPECT_EQ(size_class(1000), 9);
  EXPECT_EQ(size_class(1023), 9);
  EXPECT_EQ(size_class(1024), 10);
  EXPECT_EQ(size_class(32768), 15);
}

TEST(CusolverRules, WarmupOncePerSolverPrecisionAndSizeClass) {
  WarmupLedger w;
  EXPECT_TRUE(w.first_use("cusolver.lu", Precision::f64, 1000, 1000));
  EXPECT_FALSE(w.first_use("cusolver.lu", Precision::f64, 1000, 1000));
  EXPECT_FALSE(w.first_use("cusolver.lu", Precision::f64, 600, 600)) << "same class [512, 1023]";
  EXPECT_TRUE(w.first_use("cusolver.lu", Precision::f32, 1000, 1000)) << "another precision";
  EXPECT_TRUE(w.first_use("cusolver.lu", Precision::f64, 1024, 1024)) << "the next class";
  EXPECT_TRUE(w.first_use("cusolver.irs_fp16", Precision::f64, 1000, 1000)) << "another solver";
  EXPECT_TRUE(w.first_use("cusolver.qr", Precision::f64, 2000, 1000));
  EXPECT_TRUE(w.first_use("cusolver.qr", Precision::f64, 1000, 1000)) << "m's class counts too";
}

TEST(CusolverRules, NitersMeaning) {
  EXPECT_EQ(niters_meaning(3, 50), "converged after 3 iterations");
  EXPECT_NE(niters_meaning(-1, 50).find("not worth it"), std::string::npos);
  EXPECT_NE(niters_meaning(-2, 50).find("overflow converting A"), std::string::npos);
  EXPECT_NE(niters_meaning(-3, 50).find("factorization failed"), std::string::npos);
  EXPECT_NE(niters_meaning(-5, 50).find("overflow during"), std::string::npos);
  EXPECT_EQ(niters_meaning(-50, 50), "iteration limit (50) reached");
  EXPECT_EQ(niters_meaning(-20, 20), "iteration limit (20) reached") << "the limit is the call's, not 50";
  EXPECT_EQ(niters_meaning(-50, 20), "undocumented code");
  EXPECT_NE(niters_meaning(-5, 5).find("overflow"), std::string::npos) << "a fixed code wins over the limit";
}

IrsCall call(std::optional<int> niters, std::optional<int> d_info, bool fallback, std::string status = "") {
  IrsCall c;
  c.status = std::move(status);
  c.niters = niters;
  c.outer_niters = niters && *niters > 0 ? *niters : 0;
  c.max_iters = 50;
  c.d_info = d_info;
  c.fallback_enabled = fallback;
  c.n = 10;
  c.x_written = 10;
  return c;
}

TEST(CusolverRules, ConvergedRefinementReportsItsIterations) {
  const IrsReport r = describe_irs(call(4, 0, true));
  EXPECT_EQ(r.failure, "");
  EXPECT_EQ(r.facts.iterations, 4);
  EXPECT_FALSE(r.facts.fallback);
  EXPECT_EQ(r.facts.extra["niters"], 4);
  EXPECT_EQ(r.facts.extra["outer_niters"], 4);
  EXPECT_EQ(r.facts.extra["max_iters"], 50);
  EXPECT_EQ(r.facts.extra["d_info"], 0);
}

TEST(CusolverRules, FallbackIsRecordedWithItsReason) {
  const IrsReport r = describe_irs(call(-3, 0, true));
  EXPECT_EQ(r.failure, "");
  EXPECT_TRUE(r.facts.fallback);
  EXPECT_EQ(r.facts.iterations, -1);
  EXPECT_EQ(r.facts.extra["fallback_reason"], "lower-precision factorization failed");
  EXPECT_NE(r.facts.note.find("fell back to a full-precision LU"), std::string::npos) << r.facts.note;
}

TEST(CusolverRules, WithoutFallbackTheStopIsRecordedAndXIsTheLastIterate) {
  const IrsReport r = describe_irs(call(-50, 0, false));
  EXPECT_EQ(r.failure, "");
  EXPECT_FALSE(r.facts.fallback);
  EXPECT_EQ(r.facts.extra["stop"], "iteration limit (50) reached");
  EXPECT_NE(r.facts.note.find("last iterate"), std::string::npos) << r.facts.note;
}

TEST(CusolverRules, AnErrorStatusStillReportsNitersDevInfoAndX) {
  IrsCall c = call(-2, 0, false, "CUSOLVER_STATUS_IRS_OUT_OF_RANGE (22)");
  c.x_written = 0;
  const IrsReport r = describe_irs(c);
  EXPECT_EQ(r.failure,
            "cusolverDnIRSXgesv: CUSOLVER_STATUS_IRS_OUT_OF_RANGE (22); niters=-2 (overflow converting A to the "
            "lower precision), d_info=0, x written 0 of 10");
  EXPECT_EQ(r.facts.extra["irs_status"], "CUSOLVER_STATUS_IRS_OUT_OF_RANGE (22)");
  EXPECT_EQ(r.facts.extra["x_written"], 0);
  EXPECT_EQ(r.facts.extra["niters"], -2);
}

TEST(CusolverRules, ValuesTheCallDidNotSetAreShownAsUnset) {
  const IrsReport r = describe_irs(call(std::nullopt, std::nullopt, true, "CUSOLVER_STATUS_INVALID_VALUE (3)"));
  EXPECT_NE(r.failure.find("niters=unset (not set by the call), d_info=unset"), std::string::npos) << r.failure;
  EXPECT_TRUE(r.facts.extra["niters"].is_null());
  EXPECT_TRUE(r.facts.extra["d_info"].is_null());
  EXPECT_FALSE(r.facts.fallback);
}

TEST(CusolverRules, ExactlySingularUIsAFailure) {
  EXPECT_EQ(describe_irs(call(-3, 7, true)).failure, "cusolverDnIRSXgesv devInfo=7: U(7,7) is exactly zero");
  EXPECT_EQ(describe_irs(call(0, -4, true)).failure, "cusolverDnIRSXgesv devInfo=-4: invalid argument");
}

// ---- SVD cut-off -----------------------------------------------------------------------

TEST(CusolverRules, SvdCutoffIsLapacksEpsilon) {
  // ?gelsd with rcond < 0 uses ?LAMCH('E') (the unit roundoff), not machine epsilon.
  EXPECT_EQ(svd_cutoff(1.0), dlamch_("E", 1));
  EXPECT_EQ(svd_cutoff(1.0f), slamch_("E", 1));
  EXPECT_EQ(svd_cutoff(1.0), 0x1p-53);
  EXPECT_EQ(svd_cutoff(1.0f), 0x1p-24f);
  EXPECT_EQ(svd_cutoff(8.0), 0x1p-50);
}

// gelsd's effective rank of diag(1, s2): on a diagonal matrix the bidiagonal reduction
// and the scaling are exact, so this is LAPACK's rule itself, on the boundary.
template <class T>
int gelsd_rank(T s2) {
  arma::Mat<T> a(2, 2, arma::fill::zeros);
  a(0, 0) = 1;
  a(1, 1) = s2;
  arma::Col<T> b = {1, 1};
  arma::Col<T> s(2);
  int rank = -1;
  EXPECT_EQ(lapack::gelsd<T>(2, 2, 1, a.memptr(), 2, b.memptr(), 2, s.memptr(), T(-1), &rank), 0);
  return rank;
}

template <class T>
void expect_same_rank_as_gelsd() {
  const T u = std::numeric_limits<T>::epsilon() / 2;
  for (T s2 : {u, std::nextafter(u, T(1)), std::nextafter(u, T(0)), T(2) * u, T(0.5) * u, T(1.5) * u}) {
    const int rank = svd_keeps(s2, T(1)) ? 2 : 1;
    EXPECT_EQ(gelsd_rank<T>(s2), rank) << "s2 = " << s2 << " (u = " << u << ")";
  }
  EXPECT_EQ(gelsd_rank<T>(u), 1) << "s_i = u * s_max is dropped (<=)";
  EXPECT_EQ(gelsd_rank<T>(T(1.5) * u), 2) << "kept by gelsd: the old cut-off 2u would drop it";
}

TEST(CusolverRules, SvdKeepsExactlyWhatGelsdKeepsF64) { expect_same_rank_as_gelsd<double>(); }
TEST(CusolverRules, SvdKeepsExactlyWhatGelsdKeepsF32) { expect_same_rank_as_gelsd<float>(); }

}  // namespace
}  // namespace condbench::cusolver
