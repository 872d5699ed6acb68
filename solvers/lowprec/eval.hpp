// The precisions a refinement solver evaluates its residuals (u_r) and preconditioned products (u_p) in:
// f32, f64, dd (double-double, double_double.hpp) and quad (IEEE binary128, GCC's __float128 / libquadmath,
// software arithmetic). Conversions between them and the working precision T (float, double).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

#include "solvers/lowprec/double_double.hpp"

namespace condbench::lowprec {

enum class Eval : std::uint8_t { f32, f64, dd, quad };

inline const char* to_string(Eval e) {
  switch (e) {
    case Eval::f32:
      return "f32";
    case Eval::f64:
      return "f64";
    case Eval::dd:
      return "dd";
    case Eval::quad:
      return "quad";
  }
  return "?";
}

inline std::optional<Eval> parse_eval(std::string_view s) {
  if (s == "f32") return Eval::f32;
  if (s == "f64") return Eval::f64;
  if (s == "dd") return Eval::dd;
  if (s == "quad") return Eval::quad;
  return std::nullopt;
}

// Unit roundoff: 2^-24, 2^-53, 2^-106 (double-double, NUMERICS.md; its operations err by a few of these),
// 2^-113.
constexpr double unit_roundoff(Eval e) {
  switch (e) {
    case Eval::f32:
      return 0x1p-24;
    case Eval::f64:
      return 0x1p-53;
    case Eval::dd:
      return 0x1p-106;
    case Eval::quad:
      return 0x1p-113;
  }
  return 1;
}

using Quad = __float128;

// x (a float or double, or a value of a low format held in one) in the evaluation type P: exact.
template <class P, class T>
P widen(T x) {
  if constexpr (std::is_same_v<P, DD>)
    return DD(static_cast<double>(x));
  else
    return static_cast<P>(x);
}

// x rounded once, correctly, to T (float or double). libgcc's binary128 conversions round correctly;
// DD's conversions are in double_double.hpp.
template <class T, class P>
T narrow(P x) {
  return static_cast<T>(x);
}

template <class P>
P abs_of(P x) {
  return x < P(0) ? -x : x;
}
template <>
inline DD abs_of(DD x) {
  return abs(x);
}

// Calls f with a value of the evaluation type of e (float, double, DD or Quad).
template <class Fn>
decltype(auto) with_eval(Eval e, Fn&& f) {
  switch (e) {
    case Eval::f32:
      return f(float{});
    case Eval::f64:
      return f(double{});
    case Eval::dd:
      return f(DD{});
    case Eval::quad:
      break;
  }
  return f(Quad{});
}

}  // namespace condbench::lowprec
