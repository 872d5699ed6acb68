// Typed access to a generator's ParamMap, shared by all generators.
//
// Every failure throws a ParamError naming the key, so a generator reads its
// parameters in one place and validate() and generate() agree by construction:
//
//   ParamReader p(params, {"kappa", "mode"});       // unknown keys -> ParamError
//   double kappa = p.number("kappa");                 // required
//   std::string mode = p.choice("mode", {"a", "b"}, "a");
//   return catch_param_error([&] { ... });            // in validate()
#pragma once

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "studies/generators/generator.hpp"

namespace condbench {

inline std::string param_type_name(const ParamValue& v) {
  if (std::holds_alternative<double>(v)) return "number";
  if (std::holds_alternative<bool>(v)) return "bool";
  return "string";
}

inline std::string join_names(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

class ParamReader {
 public:
  // Throws ParamError on the first key of `params` not in `valid`.
  ParamReader(const ParamMap& params, std::vector<std::string> valid) : params_(params), valid_(std::move(valid)) {
    for (const auto& [key, value] : params_) {
      bool known = false;
      for (const auto& v : valid_) known = known || v == key;
      if (!known) throw ParamError{key, "unknown parameter '" + key + "'; valid: " + join_names(valid_)};
    }
  }

  bool has(const std::string& key) const { return params_.count(key) != 0; }
  const ParamValue* find(const std::string& key) const {
    auto it = params_.find(key);
    return it == params_.end() ? nullptr : &it->second;
  }

  // Required number.
  double number(const std::string& key) const {
    const ParamValue* v = find(key);
    if (!v) throw ParamError{key, "required parameter '" + key + "' is missing (a number)"};
    return as_number(key, *v);
  }
  double number(const std::string& key, double fallback) const { return has(key) ? number(key) : fallback; }

  // Required number that must be >= lo (NaN is rejected too, since it compares false).
  double number_at_least(const std::string& key, double lo) const { return at_least(key, number(key), lo); }
  double number_at_least(const std::string& key, double lo, double fallback) const {
    return at_least(key, number(key, fallback), lo);
  }

  std::string string(const std::string& key, const std::string& fallback) const {
    const ParamValue* v = find(key);
    if (!v) return fallback;
    if (const auto* s = std::get_if<std::string>(v)) return *s;
    throw wrong_type(key, "a string", *v);
  }

  bool boolean(const std::string& key, bool fallback) const {
    const ParamValue* v = find(key);
    if (!v) return fallback;
    if (const auto* b = std::get_if<bool>(v)) return *b;
    throw wrong_type(key, "a bool", *v);
  }

  // A string from a fixed set.
  std::string choice(const std::string& key, const std::vector<std::string>& allowed,
                     const std::string& fallback) const {
    std::string s = string(key, fallback);
    for (const auto& a : allowed)
      if (a == s) return s;
    throw ParamError{key, "'" + s + "' is not a valid " + key + "; valid: " + join_names(allowed)};
  }

  static ParamError wrong_type(const std::string& key, const std::string& expected, const ParamValue& got) {
    return ParamError{
        key, key + " must be " + expected + ", got the " + param_type_name(got) + " '" + format_param(got) + "'"};
  }

 private:
  static double as_number(const std::string& key, const ParamValue& v) {
    if (const auto* d = std::get_if<double>(&v)) return *d;
    throw wrong_type(key, "a number", v);
  }
  static double at_least(const std::string& key, double x, double lo) {
    if (!(x >= lo)) throw ParamError{key, key + " must be >= " + format_param(lo) + ", got " + format_param(x)};
    return x;
  }

  const ParamMap& params_;
  std::vector<std::string> valid_;
};

// Runs f (which reads parameters and may throw ParamError); returns the error, if any.
template <class F>
std::optional<ParamError> catch_param_error(F&& f) {
  try {
    f();
  } catch (const ParamError& e) {
    return e;
  }
  return std::nullopt;
}

inline double physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return INFINITY;  // unknown: do not refuse
  return static_cast<double>(pages) * static_cast<double>(page_size);
}

// m >= 1, n >= 1, and an m x n double matrix within half the physical memory (the
// generator needs a few such matrices; beyond that the machine swaps or the OOM killer
// ends the run long after the study started).
inline void check_dense_shape(int m, int n) {
  if (n < 1) throw ParamError{"n", "n must be >= 1, got " + std::to_string(n)};
  if (m < 1) throw ParamError{"m", "m must be >= 1, got " + std::to_string(m)};
  const double bytes = 8.0 * static_cast<double>(m) * static_cast<double>(n);
  const double half = physical_memory_bytes() / 2;
  if (bytes > half)
    throw ParamError{"n", "a " + std::to_string(m) + "x" + std::to_string(n) + " double matrix needs " +
                              format_param(std::round(bytes / 1e6)) + " MB, more than half the physical memory (" +
                              format_param(std::round(half / 1e6)) + " MB)"};
}

}  // namespace condbench
