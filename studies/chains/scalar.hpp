// The scalar types the chain kernels are written for, and the few operations the
// templated kernels (kernels.hpp) need beyond + - * / and comparisons.
//
// Working precisions: float and double (LAPACK and BLAS do the matrix work), and the
// low-precision types of solvers/lowprec (bf16, fp16: the generic kernels). Reference types: QD's dd_real
// (dd.hpp) and Boost.Multiprecision's cpp_bin_float.
//
// Hook for a low-precision type Low<Format> (fp16, bf16): it needs construction from
// double (rounding to the format), to_double() below (an overload or an explicit
// conversion to double), sqrt and abs found by argument-dependent lookup, and
// std::numeric_limits<Low<Format>>::min() (the smallest normal number). With those, every
// chain method compiles for it through the generic kernels; see working_precision.hpp for
// the one line that enables a precision name.
#pragma once

#include "studies/chains/dd.hpp"

#include "solvers/lowprec/low.hpp"

#include <boost/multiprecision/cpp_bin_float.hpp>

#include <cmath>
#include <type_traits>

namespace condbench::chains {

// LAPACK and BLAS have kernels for these; every other type takes the generic kernels.
template <class T>
inline constexpr bool has_lapack = std::is_same_v<T, float> || std::is_same_v<T, double>;

// The low-precision formats (solvers/lowprec): no library has an SVD for them.
template <class T>
inline constexpr bool is_low = false;
template <lowprec::Format F, lowprec::Subnormals S>
inline constexpr bool is_low<lowprec::Low<F, S>> = true;

inline double to_double(float x) { return x; }
inline double to_double(double x) { return x; }
// dd_real: QD's own ::to_double, found by argument-dependent lookup.
template <class Backend, boost::multiprecision::expression_template_option E>
double to_double(const boost::multiprecision::number<Backend, E>& x) {
  return x.template convert_to<double>();
}
// Any other type (a low-precision format) converts explicitly.
template <class T, class = std::enable_if_t<!std::is_arithmetic_v<T>>>
double to_double(const T& x) {
  return static_cast<double>(x);
}

// x * 2^e, exact unless it leaves the type's range.
template <class T>
T times_pow2(const T& x, int e) {
  return x * T(std::ldexp(1.0, e));
}
inline float times_pow2(float x, int e) { return std::ldexp(x, e); }
inline double times_pow2(double x, int e) { return std::ldexp(x, e); }
inline dd times_pow2(const dd& x, int e) { return ::ldexp(x, e); }
template <class Backend, boost::multiprecision::expression_template_option E>
boost::multiprecision::number<Backend, E> times_pow2(const boost::multiprecision::number<Backend, E>& x, int e) {
  return ldexp(x, e);
}

}  // namespace condbench::chains
