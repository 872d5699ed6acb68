// Small helpers shared by the refinement solvers (refine.cpp, ls_refine.cpp).
#pragma once

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

#include "solvers/lowprec/format.hpp"

namespace condbench::lowprec {

// The spelling of the solver names: f32 and f64 rather than fp32 and fp64, like the row precisions.
inline const char* spelling(Format f) {
  switch (f) {
    case Format::fp32:
      return "f32";
    case Format::fp64:
      return "f64";
    default:
      return to_string(f);
  }
}

// 2^-(e+1) for 2^e <= m < 2^(e+1): multiplying by it brings m into [0.5, 1) exactly; 1 for 0 and non-finite m.
inline double pow2_below(double m) {
  if (!(m > 0) || !std::isfinite(m)) return 1;
  return std::ldexp(1.0, -std::ilogb(m) - 1);
}

// Infinity norm in double; a NaN entry makes it NaN, so that it is seen.
template <class T>
double norm_inf(const std::vector<T>& v) {
  double m = 0;
  for (T e : v) {
    const double a = std::fabs(static_cast<double>(e));
    if (!(a <= m)) m = a;
  }
  return m;
}

template <class T>
bool all_finite(const std::vector<T>& v) {
  for (T e : v)
    if (!std::isfinite(e)) return false;
  return true;
}

// num / den with 0/0 = 0 and x/0 = Inf.
inline double ratio(double num, double den) {
  return num == 0 ? 0 : den == 0 ? std::numeric_limits<double>::infinity() : num / den;
}

inline nlohmann::ordered_json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

}  // namespace condbench::lowprec
