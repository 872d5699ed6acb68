// The working precisions of a chain study: the format the factors are stored in and the
// methods compute in.
//
// fp16 and bf16 are the low-precision arithmetic model's Low<Format> (solvers/lowprec):
// every operation rounded to the format. Another format is three lines: its entry below,
// its case in with_working_type(), and the instantiation of run_method in methods.cpp
// (scalar.hpp says what the type must provide).
#pragma once

#include "solvers/lowprec/low.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace condbench::chains {

enum class ChainPrecision { f32, f64, bf16, fp16 };

// The low precisions: every operation rounded to the format (solvers/lowprec/low.hpp).
using Bf16 = lowprec::Low<lowprec::Format::bf16>;
using Fp16 = lowprec::Low<lowprec::Format::fp16>;

struct PrecisionInfo {
  ChainPrecision id;
  const char* name;
  double unit_roundoff;
};

inline const std::vector<PrecisionInfo>& chain_precisions() {
  static const std::vector<PrecisionInfo> all{
      {ChainPrecision::f32, "f32", 0x1p-24},
      {ChainPrecision::f64, "f64", 0x1p-53},
      {ChainPrecision::bf16, "bf16", 0x1p-8},
      {ChainPrecision::fp16, "fp16", 0x1p-11},
  };
  return all;
}

inline const PrecisionInfo& info(ChainPrecision p) {
  for (const auto& i : chain_precisions())
    if (i.id == p) return i;
  throw std::logic_error("unknown chain precision");
}

inline const char* to_string(ChainPrecision p) { return info(p).name; }

inline bool parse_chain_precision(const std::string& s, ChainPrecision& out) {
  for (const auto& i : chain_precisions())
    if (s == i.name) {
      out = i.id;
      return true;
    }
  return false;
}

// Calls f(T{}) with the scalar type of the precision.
template <class F>
auto with_working_type(ChainPrecision p, F&& f) {
  switch (p) {
    case ChainPrecision::f32:
      return f(float{});
    case ChainPrecision::f64:
      return f(double{});
    case ChainPrecision::bf16:
      return f(Bf16{});
    case ChainPrecision::fp16:
      return f(Fp16{});
  }
  throw std::logic_error("unknown chain precision");
}

}  // namespace condbench::chains
