// The floating-point formats of the low-precision arithmetic model and correct rounding to them.
//
// A format is (t, emax) as Higham & Pranesh's `chop` defines it (SISC 41(4), 2019): t significand bits
// including the implicit one, exponents emin = 1 - emax ... emax, unit roundoff u = 2^-t.
//
//   format  t   emax   u          largest    smallest normal  subnormals by default
//   fp16    11  15     4.88e-4    65504      6.10e-5          kept    (IEEE binary16)
//   bf16    8   127    3.91e-3    3.39e38    1.18e-38         flushed (as chop does by default)
//   tf32    11  127    4.88e-4    3.40e38    1.18e-38         flushed (NVIDIA's TF32 has none)
//   fp32    24  127    5.96e-8    3.40e38    1.18e-38         kept
//   fp64    53  1023   1.11e-16   1.80e308   2.23e-308        kept
//
// Rounding is to nearest, ties to even; a value of magnitude >= 2^emax (2 - 2^-t) (the midpoint between the
// largest number and 2^(emax+1); 65520 for fp16) becomes +-Inf; NaN stays NaN; +-0 keep their sign.
// Flushing subnormals (chop's `subnormal = 0`): a result whose magnitude, before rounding, is below the smallest
// normal number becomes a zero of the same sign (chop writes +0; hardware flush-to-zero keeps the sign, and so
// do we). With subnormals kept, rounding follows IEEE 754 in the subnormal range too (a magnitude between half
// the smallest subnormal and the smallest subnormal rounds to it; the 2019 chop sends everything below the
// smallest subnormal to zero).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace condbench::lowprec {

enum class Format : std::uint8_t { fp16, bf16, tf32, fp32, fp64 };
enum class Subnormals : std::uint8_t { keep, flush };

// 2^k as a constant expression.
constexpr double pow2(int k) {
  double v = 1;
  for (; k > 0; --k) v *= 2;
  for (; k < 0; ++k) v /= 2;
  return v;
}

struct FormatInfo {
  const char* name;  // "fp16"
  int t;             // significand bits, implicit bit included
  int emax;
  Subnormals subnormals;  // the default (chop's)

  constexpr int emin() const { return 1 - emax; }
  constexpr double u() const { return pow2(-t); }                           // unit roundoff
  constexpr double xmax() const { return pow2(emax) * (2 - pow2(1 - t)); }  // largest finite number
  constexpr double xmin() const { return pow2(emin()); }                    // smallest normal number
  constexpr double xmin_subnormal() const { return pow2(emin() + 1 - t); }
  // Magnitudes at or above this round to Inf. Above double's range for fp64 (every finite double is below it).
  constexpr double overflow_threshold() const {
    return emax >= 1023 ? std::numeric_limits<double>::infinity() : pow2(emax) * (2 - pow2(-t));
  }
};

constexpr FormatInfo format_info(Format f) {
  switch (f) {
    case Format::fp16:
      return {"fp16", 11, 15, Subnormals::keep};
    case Format::bf16:
      return {"bf16", 8, 127, Subnormals::flush};
    case Format::tf32:
      return {"tf32", 11, 127, Subnormals::flush};
    case Format::fp32:
      return {"fp32", 24, 127, Subnormals::keep};
    case Format::fp64:
      return {"fp64", 53, 1023, Subnormals::keep};
  }
  return {"?", 0, 0, Subnormals::keep};
}

inline const char* to_string(Format f) { return format_info(f).name; }

// "fp16", "half"; "bf16", "bfloat16"; "tf32"; "fp32", "f32", "single"; "fp64", "f64", "double".
inline std::optional<Format> parse_format(std::string_view s) {
  if (s == "fp16" || s == "half") return Format::fp16;
  if (s == "bf16" || s == "bfloat16") return Format::bf16;
  if (s == "tf32") return Format::tf32;
  if (s == "fp32" || s == "f32" || s == "single") return Format::fp32;
  if (s == "fp64" || s == "f64" || s == "double") return Format::fp64;
  return std::nullopt;
}

// x rounded once, correctly, to the format: the reference rounding every faster path of low.hpp is tested
// against. Exact scaling by powers of two and one nearbyint (round to nearest even in the default rounding
// mode, which the whole program keeps).
inline double round_to(Format f, double x, Subnormals sub) {
  const FormatInfo fi = format_info(f);
  if (!std::isfinite(x) || x == 0) return x;  // NaN, +-Inf and +-0 pass through
  const double ax = std::fabs(x);
  if (ax >= fi.overflow_threshold()) return std::copysign(std::numeric_limits<double>::infinity(), x);
  const int e = std::ilogb(ax);  // ax = m 2^e, 1 <= m < 2, exact also for subnormal doubles
  if (e < fi.emin() && sub == Subnormals::flush) return std::copysign(0.0, x);
  if (f == Format::fp64) return x;
  // The quantum (spacing) at x: 2^(e - t + 1) in the normal range, 2^(emin - t + 1) below it.
  const int q = (e < fi.emin() ? fi.emin() : e) - (fi.t - 1);
  return std::copysign(std::ldexp(std::nearbyint(std::ldexp(ax, -q)), q), x);
}

inline double round_to(Format f, double x) { return round_to(f, x, format_info(f).subnormals); }

}  // namespace condbench::lowprec
