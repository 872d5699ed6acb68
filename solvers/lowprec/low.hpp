// Low<F>: a scalar of format F (format.hpp) whose every operation is rounded to F -- the one low-precision
// arithmetic model of condbench ("model A" of /work/shared/MIXED_PRECISION.md, what `chop` simulates).
//
//   using half = lowprec::Low<lowprec::Format::fp16>;
//   half a(0.1), b(3.0);          // explicit: rounded once, correctly, from double (or float)
//   half c = a * b + half(1.0);   // two operations, two roundings: no fused multiply-add, no wider accumulation
//   double d = double(c);         // explicit and exact
//
// Interface (everything a solver or a chain study templated on the scalar needs, nothing more):
//   construction from double / float / int (rounded to F), explicit conversion to double / float;
//   + - * / (also compound), unary -, sqrt, abs, == != < <= > >=, isfinite, isnan;
//   static unit_roundoff(), max(), min_normal(); info (FormatInfo); raw() (the stored value).
// Operands must have the same type: mixing formats or mixing with double is a compile error, so a wider
// accumulation can only be written on purpose (and then said in the solver's name).
//
// How each format computes (x86-64, GCC 12, C++; pinned by tests/solvers/lowprec_rounding_test.cpp):
// - fp16 with subnormals (the default): GCC's _Float16, which in C++ rounds every operation back to binary16
//   (there is no excess precision in C++ with GCC 12; C would need -fexcess-precision=16).
// - bf16 and tf32, and fp16 without subnormals: the operation in float, then the float result rounded to t bits
//   (bits, round to nearest even; Inf and NaN kept; flushed below the smallest normal number if asked). Computing
//   +, -, *, / and sqrt in float and rounding to t bits gives the correctly rounded t-bit result whenever
//   24 >= 2t + 2, i.e. t <= 11 (Figueroa, "When is double rounding innocuous?", SIGNUM Newsl. 30(3), 1995;
//   Roux, "Innocuous double rounding of basic arithmetic operations", J. Formalized Reasoning 7(1), 2014). This
//   holds for the results in the normal range; bf16 and tf32 flush by default, and a kept bf16 subnormal product
//   of two 8-bit significands cannot land within float's rounding error of a bf16 midpoint either. It does NOT
//   hold for a fused multiply-add or a dot product accumulated in float: that is model B (fp16 storage, fp32
//   accumulation), a different arithmetic, which is never what Low<F> does.
// - fp32 and fp64: float and double. The build has -ffp-contract=off and no -ffast-math, so the compiler fuses
//   and reassociates nothing.
// Storage: fp16 as _Float16, bf16 / tf32 / fp32 as float (holding a value of the format), fp64 as double.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "solvers/lowprec/format.hpp"

namespace condbench::lowprec {

namespace detail {

// float -> t bits (t < 24), round to nearest even, in the bits: adding 2^(d-1) - 1 plus the lowest kept bit
// and truncating rounds ties to even; a carry out of the significand moves into the exponent, so values at or
// above the overflow threshold become Inf (float's Inf has an all-zero significand and stays Inf). NaN is kept
// (quiet). flush: a float below the smallest normal number (float's and bf16's / tf32's is the same, 2^-126)
// becomes a zero of its sign.
template <int t, bool flush>
inline float round_float_bits(float x) {
  static_assert(t > 1 && t < 24);
  constexpr int d = 24 - t;  // dropped bits
  const std::uint32_t b = std::bit_cast<std::uint32_t>(x);
  const std::uint32_t mag = b & 0x7fffffffu;
  std::uint32_t r = (b + ((1u << (d - 1)) - 1) + ((b >> d) & 1u)) & ~((1u << d) - 1);
  if (mag > 0x7f800000u) r = b | 0x00400000u;           // NaN: quiet, payload kept
  if (flush && mag < 0x00800000u) r = b & 0x80000000u;  // below 2^-126: signed zero
  return std::bit_cast<float>(r);
}

// fp16 without subnormals: a float result below 2^-14 becomes a signed zero, otherwise it is rounded to binary16.
inline _Float16 float_to_fp16_flush(float x) {
  if (std::fabs(x) < 0x1p-14f) return static_cast<_Float16>(std::copysign(0.0f, x));
  return static_cast<_Float16>(x);
}

template <Format F, Subnormals S>
struct Kernel;

template <>
struct Kernel<Format::fp16, Subnormals::keep> {
  using storage = _Float16;
  static storage from_float(float x) { return static_cast<_Float16>(x); }
  static storage add(storage a, storage b) { return a + b; }
  static storage sub(storage a, storage b) { return a - b; }
  static storage mul(storage a, storage b) { return a * b; }
  static storage div(storage a, storage b) { return a / b; }
  static storage sqrt(storage a) { return static_cast<_Float16>(std::sqrt(static_cast<float>(a))); }
};

template <>
struct Kernel<Format::fp16, Subnormals::flush> {
  using storage = _Float16;
  static storage from_float(float x) { return float_to_fp16_flush(x); }
  static storage add(storage a, storage b) { return float_to_fp16_flush(float(a) + float(b)); }
  static storage sub(storage a, storage b) { return float_to_fp16_flush(float(a) - float(b)); }
  static storage mul(storage a, storage b) { return float_to_fp16_flush(float(a) * float(b)); }
  static storage div(storage a, storage b) { return float_to_fp16_flush(float(a) / float(b)); }
  static storage sqrt(storage a) { return float_to_fp16_flush(std::sqrt(float(a))); }
};

// bf16 and tf32 (and fp32 with flushing): float arithmetic, then the bit rounding.
template <int t, bool flush>
struct FloatRounded {
  using storage = float;
  static storage from_float(float x) { return round_float_bits<t, flush>(x); }
  static storage add(storage a, storage b) { return round_float_bits<t, flush>(a + b); }
  static storage sub(storage a, storage b) { return round_float_bits<t, flush>(a - b); }
  static storage mul(storage a, storage b) { return round_float_bits<t, flush>(a * b); }
  static storage div(storage a, storage b) { return round_float_bits<t, flush>(a / b); }
  static storage sqrt(storage a) { return round_float_bits<t, flush>(std::sqrt(a)); }
};
template <Subnormals S>
struct Kernel<Format::bf16, S> : FloatRounded<8, S == Subnormals::flush> {};
template <Subnormals S>
struct Kernel<Format::tf32, S> : FloatRounded<11, S == Subnormals::flush> {};

// Native float / double; with flushing, a result below the smallest normal number becomes a signed zero.
template <class N, bool flush>
struct Native {
  using storage = N;
  static N fl(N x) {
    if constexpr (flush) {
      if (std::fabs(x) < std::numeric_limits<N>::min()) return std::copysign(N(0), x);
    }
    return x;
  }
  static storage from_float(float x) { return fl(static_cast<N>(x)); }
  static storage add(storage a, storage b) { return fl(a + b); }
  static storage sub(storage a, storage b) { return fl(a - b); }
  static storage mul(storage a, storage b) { return fl(a * b); }
  static storage div(storage a, storage b) { return fl(a / b); }
  static storage sqrt(storage a) { return fl(std::sqrt(a)); }
};
template <Subnormals S>
struct Kernel<Format::fp32, S> : Native<float, S == Subnormals::flush> {};
template <Subnormals S>
struct Kernel<Format::fp64, S> : Native<double, S == Subnormals::flush> {};

}  // namespace detail

template <Format F, Subnormals S = format_info(F).subnormals>
class Low {
  using K = detail::Kernel<F, S>;

 public:
  using storage = typename K::storage;
  static constexpr Format format = F;
  static constexpr Subnormals subnormals = S;
  static constexpr FormatInfo info = format_info(F);

  constexpr Low() = default;  // +0
  // Rounded once, correctly, from double (never through float: that would round twice).
  explicit Low(double x) : v_(static_cast<storage>(round_to(F, x, S))) {}
  explicit Low(float x) : v_(K::from_float(x)) {}
  explicit Low(int x) : Low(static_cast<double>(x)) {}

  explicit operator double() const { return static_cast<double>(v_); }
  // Exact for every format but fp64 (rounded to float then).
  explicit operator float() const { return static_cast<float>(v_); }

  storage raw() const { return v_; }

  static constexpr double unit_roundoff() { return info.u(); }
  static Low max() { return Low(info.xmax()); }
  static Low min_normal() { return Low(info.xmin()); }

  friend Low operator+(Low a, Low b) { return make(K::add(a.v_, b.v_)); }
  friend Low operator-(Low a, Low b) { return make(K::sub(a.v_, b.v_)); }
  friend Low operator*(Low a, Low b) { return make(K::mul(a.v_, b.v_)); }
  friend Low operator/(Low a, Low b) { return make(K::div(a.v_, b.v_)); }
  friend Low operator-(Low a) { return make(-a.v_); }  // exact
  Low& operator+=(Low b) { return *this = *this + b; }
  Low& operator-=(Low b) { return *this = *this - b; }
  Low& operator*=(Low b) { return *this = *this * b; }
  Low& operator/=(Low b) { return *this = *this / b; }

  friend Low sqrt(Low a) { return make(K::sqrt(a.v_)); }
  friend Low abs(Low a) { return std::signbit(static_cast<double>(a.v_)) ? -a : a; }  // exact
  friend bool isfinite(Low a) { return std::isfinite(static_cast<double>(a.v_)); }
  friend bool isnan(Low a) { return a.v_ != a.v_; }

  friend bool operator==(Low a, Low b) { return a.v_ == b.v_; }
  friend bool operator!=(Low a, Low b) { return a.v_ != b.v_; }
  friend bool operator<(Low a, Low b) { return a.v_ < b.v_; }
  friend bool operator<=(Low a, Low b) { return a.v_ <= b.v_; }
  friend bool operator>(Low a, Low b) { return a.v_ > b.v_; }
  friend bool operator>=(Low a, Low b) { return a.v_ >= b.v_; }

 private:
  static Low make(storage v) {
    Low r;
    r.v_ = v;
    return r;
  }

  storage v_{};
};

// The formats under their everyday names.
using Half = Low<Format::fp16>;
using BFloat16 = Low<Format::bf16>;
using TF32 = Low<Format::tf32>;
using Single = Low<Format::fp32>;
using Double = Low<Format::fp64>;

}  // namespace condbench::lowprec

// What generic code asks of a floating-point type (epsilon, the smallest normal number, the largest): without
// it, std::numeric_limits<Low<F>> is the unspecialized template, whose every value is a zero.
template <condbench::lowprec::Format F, condbench::lowprec::Subnormals S>
class std::numeric_limits<condbench::lowprec::Low<F, S>> {
  using L = condbench::lowprec::Low<F, S>;

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = true;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = false;
  static constexpr bool has_infinity = true;
  static constexpr bool has_quiet_NaN = true;
  static constexpr int radix = 2;
  static constexpr int digits = L::info.t;
  static constexpr int min_exponent = L::info.emin() + 1;  // as the standard counts: 2^(min_exponent-1) is normal
  static constexpr int max_exponent = L::info.emax + 1;
  static L epsilon() { return L(2 * L::info.u()); }
  static L min() { return L(L::info.xmin()); }  // the smallest normal number, as for float and double
  static L max() { return L(L::info.xmax()); }
  static L lowest() { return -max(); }
  static L infinity() { return L(std::numeric_limits<double>::infinity()); }
  static L quiet_NaN() { return L(std::numeric_limits<double>::quiet_NaN()); }
  static L denorm_min() {
    return S == condbench::lowprec::Subnormals::keep ? L(L::info.xmin_subnormal()) : min();
  }
};
