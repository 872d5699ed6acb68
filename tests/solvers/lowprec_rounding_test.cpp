// The low-precision arithmetic model (solvers/lowprec/low.hpp) rounds as its formats say: hand-computed edge
// cases per format (ties to even, the overflow threshold, subnormals kept or flushed, NaN, signed zeros), the
// correct rounding from double (never through float), and every operation of the fast paths (_Float16, float
// plus bit rounding) against the single correct rounding of the exact result.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "solvers/lowprec/double_double.hpp"
#include "solvers/lowprec/low.hpp"

namespace condbench::lowprec {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

// Equal as values, with -0 != +0 and NaN == NaN.
bool same(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return a == b && std::signbit(a) == std::signbit(b);
}
#define EXPECT_SAME(a, b) EXPECT_TRUE(same((a), (b))) << std::hexfloat << (a) << " vs " << (b)

template <class L>
double d(L x) {
  return static_cast<double>(x);
}

using HalfFlush = Low<Format::fp16, Subnormals::flush>;
using BFloat16Keep = Low<Format::bf16, Subnormals::keep>;

TEST(LowPrecisionFormats, ConstantsMatchChop) {
  EXPECT_EQ(format_info(Format::fp16).xmax(), 65504.0);
  EXPECT_EQ(format_info(Format::fp16).overflow_threshold(), 65520.0);
  EXPECT_EQ(format_info(Format::fp16).xmin(), 0x1p-14);
  EXPECT_EQ(format_info(Format::fp16).xmin_subnormal(), 0x1p-24);
  EXPECT_EQ(format_info(Format::bf16).xmax(), 0x1.fep127);
  EXPECT_EQ(format_info(Format::bf16).overflow_threshold(), 0x1.ffp127);
  EXPECT_EQ(format_info(Format::tf32).xmax(), 0x1.ffcp127);
  EXPECT_EQ(format_info(Format::fp32).xmax(), static_cast<double>(std::numeric_limits<float>::max()));
  EXPECT_EQ(Half::unit_roundoff(), 0x1p-11);
  EXPECT_EQ(BFloat16::unit_roundoff(), 0x1p-8);
  EXPECT_EQ(TF32::unit_roundoff(), 0x1p-11);
  EXPECT_EQ(format_info(Format::bf16).subnormals, Subnormals::flush);
  EXPECT_EQ(format_info(Format::fp16).subnormals, Subnormals::keep);
}

TEST(LowPrecisionFp16, TiesRoundToEven) {
  EXPECT_SAME(d(Half(1 + 0x1p-11)), 1.0);                    // halfway between 1 and 1 + 2^-10: even is 1
  EXPECT_SAME(d(Half(1 + 3 * 0x1p-11)), 1 + 0x1p-9);         // halfway between 1 + 2^-10 and 1 + 2^-9: even is up
  EXPECT_SAME(d(Half(1 + 0x1p-11 + 0x1p-30)), 1 + 0x1p-10);  // just above the tie
  EXPECT_SAME(d(Half(1.0) + Half(0x1p-11)), 1.0);
  EXPECT_SAME(d(Half(-1.0) - Half(0x1p-11)), -1.0);
  EXPECT_SAME(d(Half(2049.0)), 2048.0);  // integers above 2048 are even
  EXPECT_SAME(d(Half(2051.0)), 2052.0);
}

TEST(LowPrecisionFp16, RoundsFromDoubleOnceNotThroughFloat) {
  // 1 + 2^-11 + 2^-40 rounds to float as 1 + 2^-11, a fp16 tie that would then go down to 1.
  const double x = 1 + 0x1p-11 + 0x1p-40;
  ASSERT_EQ(static_cast<double>(static_cast<float>(x)), 1 + 0x1p-11);
  EXPECT_SAME(d(Half(x)), 1 + 0x1p-10);
  EXPECT_SAME(round_to(Format::fp16, x), 1 + 0x1p-10);
}

TEST(LowPrecisionFp16, OverflowThresholdIs65520) {
  EXPECT_SAME(d(Half(65504.0)), 65504.0);
  EXPECT_SAME(d(Half(65519.99)), 65504.0);
  EXPECT_SAME(d(Half(65520.0)), kInf);
  EXPECT_SAME(d(Half(-65520.0)), -kInf);
  EXPECT_SAME(d(Half(65504.0) + Half(8.0)), 65504.0);  // 65512 is below the midpoint 65520
  EXPECT_SAME(d(Half(65504.0) + Half(16.0)), kInf);    // 65520: a tie, to the even 2^16 = Inf
  EXPECT_SAME(d(Half(32768.0) * Half(2.0)), kInf);
  EXPECT_SAME(d(Half(-300.0) * Half(300.0)), -kInf);
  EXPECT_SAME(d(Half::max()), 65504.0);
}

TEST(LowPrecisionFp16, KeepsSubnormalsByDefault) {
  EXPECT_SAME(d(Half(0x1p-24)), 0x1p-24);  // the smallest subnormal
  EXPECT_SAME(d(Half(0x1p-14) * Half(0x1p-10)), 0x1p-24);
  EXPECT_SAME(d(Half(0x1p-25)), 0.0);  // half of it: a tie, to the even 0
  EXPECT_SAME(d(Half(-0x1p-25)), -0.0);
  EXPECT_SAME(d(Half(0x1.8p-25)), 0x1p-24);
  EXPECT_SAME(d(Half(0x1.8p-24)), 0x1p-23);  // 1.5 ulp: a tie, to the even 2 ulp
  EXPECT_SAME(d(Half(0x1p-24) / Half(2.0)), 0.0);
  EXPECT_SAME(d(Half(0x1p-14) * Half(0.5)), 0x1p-15);
  EXPECT_SAME(d(Half(0x1.ff4p-15)), 0x1.ffp-15);  // 1022.5 * 2^-24: a tie, to the even 1022
  EXPECT_SAME(d(Half(0x1.ffcp-15)), 0x1p-14);     // 1023.5 * 2^-24: a tie, up into the normal range
}

TEST(LowPrecisionFp16, FlushesSubnormalsWhenAsked) {
  EXPECT_SAME(d(HalfFlush(0x1p-15)), 0.0);
  EXPECT_SAME(d(HalfFlush(-0x1p-15)), -0.0);
  EXPECT_SAME(d(HalfFlush(0x1p-14)), 0x1p-14);
  EXPECT_SAME(d(HalfFlush(0x1p-14) * HalfFlush(0.5)), 0.0);
  EXPECT_SAME(d(HalfFlush(-0x1p-14) * HalfFlush(0.5)), -0.0);
  EXPECT_SAME(d(HalfFlush(1.0) + HalfFlush(0x1p-11)), 1.0);
  EXPECT_SAME(d(HalfFlush(65504.0) + HalfFlush(16.0)), kInf);
}

TEST(LowPrecisionFp16, NaNAndSignedZeros) {
  EXPECT_TRUE(isnan(Half(kNaN)));
  EXPECT_TRUE(isnan(Half(0.0) / Half(0.0)));
  EXPECT_TRUE(isnan(Half(kInf) - Half(kInf)));
  EXPECT_TRUE(isnan(sqrt(Half(-1.0))));
  EXPECT_FALSE(isfinite(Half(65520.0)));
  EXPECT_SAME(d(Half(-0.0)), -0.0);
  EXPECT_SAME(d(Half(1.0) - Half(1.0)), 0.0);
  EXPECT_SAME(d(-Half(0.0)), -0.0);
  EXPECT_SAME(d(Half(-0.0) * Half(1.0)), -0.0);
  EXPECT_SAME(d(abs(Half(-0.0))), 0.0);
  EXPECT_SAME(d(Half(1.0) / Half(-kInf)), -0.0);
  EXPECT_TRUE(Half(0.0) == Half(-0.0));
}

TEST(LowPrecisionFp16, EveryOperationIsRoundedNoFusedMultiplyAdd) {
  // From MIXED_PRECISION.md: x*y + z with x = 1 + 2^-10, y = 1 + 2^-9, z = -1. Exactly (and with an FMA or
  // excess precision) 0x1.804p-9; rounding the product first gives 0x1.8p-9.
  const Half x(1 + 0x1p-10), y(1 + 0x1p-9), z(-1.0);
  EXPECT_SAME(d(x * y + z), 0x1.8p-9);
  EXPECT_SAME(d(sqrt(Half(2.0))), 0x1.6ap+0);
}

TEST(LowPrecisionBf16, TiesOverflowAndRoundingFromDouble) {
  EXPECT_SAME(d(BFloat16(1 + 0x1p-8)), 1.0);
  EXPECT_SAME(d(BFloat16(1 + 3 * 0x1p-8)), 1 + 0x1p-6);
  EXPECT_SAME(d(BFloat16(1.0f) + BFloat16(0x1p-8f)), 1.0);
  // 1 + 2^-8 + 2^-30 is a bf16 tie after rounding to float: from double it must round up.
  EXPECT_SAME(d(BFloat16(1 + 0x1p-8 + 0x1p-30)), 1 + 0x1p-7);
  EXPECT_SAME(d(BFloat16(0x1.fep127)), 0x1.fep127);  // the largest, 3.39e38
  EXPECT_SAME(d(BFloat16(0x1.fefffp127)), 0x1.fep127);
  EXPECT_SAME(d(BFloat16(0x1.ffp127)), kInf);  // the midpoint to 2^128: even, Inf
  EXPECT_SAME(d(BFloat16(0x1.fep127) + BFloat16(0x1p119)), kInf);
  EXPECT_SAME(d(BFloat16(0x1p127) * BFloat16(2.0)), kInf);
  EXPECT_SAME(d(BFloat16(-0x1p127) * BFloat16(2.0)), -kInf);
  EXPECT_SAME(d(BFloat16(65520.0)), 65536.0);  // bf16 has float's range
}

TEST(LowPrecisionBf16, FlushesSubnormalsByDefaultKeepsThemWhenAsked) {
  EXPECT_SAME(d(BFloat16(0x1p-126)), 0x1p-126);
  EXPECT_SAME(d(BFloat16(0x1p-127)), 0.0);
  EXPECT_SAME(d(BFloat16(-0x1p-130)), -0.0);
  EXPECT_SAME(d(BFloat16(0x1p-126) * BFloat16(0.5)), 0.0);
  EXPECT_SAME(d(BFloat16(-0x1p-126) * BFloat16(0.5)), -0.0);
  EXPECT_SAME(d(BFloat16Keep(0x1p-126) * BFloat16Keep(0.5)), 0x1p-127);
  EXPECT_SAME(d(BFloat16Keep(0x1p-133)), 0x1p-133);  // the smallest bf16 subnormal
  EXPECT_SAME(d(BFloat16Keep(0x1p-134)), 0.0);       // half of it: tie to even
  EXPECT_SAME(d(BFloat16Keep(0x1.8p-134)), 0x1p-133);
  EXPECT_SAME(d(BFloat16Keep(0x1p-133) / BFloat16Keep(2.0)), 0.0);
}

TEST(LowPrecisionBf16, NaNStaysNaNWhateverItsPayload) {
  // A NaN whose payload sits only in the low 16 bits would become Inf if the rounding carried blindly.
  const float low_payload = std::bit_cast<float>(0x7f800001u);
  ASSERT_TRUE(std::isnan(low_payload));
  EXPECT_TRUE(isnan(BFloat16(low_payload)));
  EXPECT_TRUE(isnan(BFloat16(kNaN)));
  EXPECT_TRUE(isnan(BFloat16(0.0) / BFloat16(0.0)));
  EXPECT_SAME(d(BFloat16(kInf)), kInf);
  EXPECT_SAME(d(BFloat16(-0.0)), -0.0);
  EXPECT_SAME(d(BFloat16(1.0) - BFloat16(1.0)), 0.0);
}

TEST(LowPrecisionTf32, ElevenBitsWithFloatRange) {
  EXPECT_SAME(d(TF32(1 + 0x1p-11)), 1.0);
  EXPECT_SAME(d(TF32(1 + 3 * 0x1p-11)), 1 + 0x1p-9);
  EXPECT_SAME(d(TF32(65520.0)), 65536.0);  // a tie at fp16's overflow threshold: no overflow here
  EXPECT_SAME(d(TF32(0x1.ffcp127)), 0x1.ffcp127);
  EXPECT_SAME(d(TF32(0x1.ffep127)), kInf);
  EXPECT_SAME(d(TF32(0x1p-127)), 0.0);  // flushed, as tensor cores do
  EXPECT_TRUE(isnan(TF32(kNaN)));
}

TEST(LowPrecisionFp32AndFp64, AreTheNativeTypes) {
  EXPECT_SAME(d(Single(1 + 0x1p-24)), 1.0);
  EXPECT_SAME(d(Single(1 + 0x1p-24 + 0x1p-50)), 1 + 0x1p-23);
  EXPECT_SAME(d(Single(0x1p-149)), 0x1p-149);
  EXPECT_SAME(d(Single(0x1.fffffep127) * Single(2.0)), kInf);
  EXPECT_SAME(d(Double(0.1) + Double(0.2)), 0.1 + 0.2);
  EXPECT_SAME(d(Low<Format::fp32, Subnormals::flush>(0x1p-127)), 0.0);
}

// Every operation of the fast paths equals the exact result rounded once (round_to). The exact results of +, -, *
// of two values of t <= 11 bits in these exponent ranges fit in double; / and sqrt computed in double and rounded
// again are correct because 53 >= 2t + 2 (Figueroa 1995).
template <class L>
void check_against_round_to(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> expo(L::info.emin() - L::info.t - 2, L::info.emax + 1);
  std::uniform_real_distribution<double> mant(1.0, 2.0);
  auto draw = [&] {
    const double m = std::ldexp(mant(rng), expo(rng));
    return L((rng() & 1) ? -m : m);
  };
  int checked = 0;
  for (int i = 0; i < 200000; ++i) {
    const L a = draw(), b = draw();
    const double x = d(a), y = d(b);
    const auto ref = [](double v) { return round_to(L::format, v, L::subnormals); };
    ASSERT_TRUE(same(d(a + b), ref(x + y))) << std::hexfloat << x << " + " << y;
    ASSERT_TRUE(same(d(a - b), ref(x - y))) << std::hexfloat << x << " - " << y;
    ASSERT_TRUE(same(d(a * b), ref(x * y))) << std::hexfloat << x << " * " << y;
    ASSERT_TRUE(same(d(a / b), ref(x / y))) << std::hexfloat << x << " / " << y;
    ASSERT_TRUE(same(d(sqrt(abs(a))), ref(std::sqrt(std::fabs(x))))) << std::hexfloat << "sqrt " << x;
    checked += 5;
  }
  EXPECT_EQ(checked, 1000000);
}

TEST(LowPrecisionKernels, Fp16OperationsAreCorrectlyRounded) { check_against_round_to<Half>(1); }
TEST(LowPrecisionKernels, Fp16FlushOperationsAreCorrectlyRounded) { check_against_round_to<HalfFlush>(2); }
TEST(LowPrecisionKernels, Bf16OperationsAreCorrectlyRounded) { check_against_round_to<BFloat16>(3); }
TEST(LowPrecisionKernels, Bf16KeepOperationsAreCorrectlyRounded) { check_against_round_to<BFloat16Keep>(4); }
TEST(LowPrecisionKernels, Tf32OperationsAreCorrectlyRounded) { check_against_round_to<TF32>(5); }

TEST(DoubleDouble, CarriesAbout106Bits) {
  // (1 + 2^-60)^2 = 1 + 2^-59 + 2^-120: the first two terms survive in dd, not in double.
  const DD a = DD(1.0) + DD(0x1p-60);
  const DD p = a * a;
  EXPECT_EQ(p.hi, 1.0);
  EXPECT_EQ(p.lo, 0x1p-59);
  const DD q = DD(1.0) / DD(3.0);
  const DD back = q * DD(3.0) - DD(1.0);
  EXPECT_LT(std::fabs(static_cast<double>(back)), 0x1p-104);
  // Correct rounding to float: hi a float midpoint, lo says which side.
  const double mid = 1 + 0x1p-24;
  EXPECT_EQ(static_cast<float>(DD(mid, 0x1p-80)), 1 + 0x1p-23f);
  EXPECT_EQ(static_cast<float>(DD(mid, -0x1p-80)), 1.0f);
  EXPECT_EQ(static_cast<float>(DD(mid, 0.0)), 1.0f);
}

}  // namespace
}  // namespace condbench::lowprec
