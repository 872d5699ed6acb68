// The values the refinement families take in their names (ir.lu, ir.gmres, ir.qr, ir.qrgmres):
// uf=<fp16|bf16|tf32|f32|f64>, ur= and up=<f32|f64|dd|quad>, tol=<0..1>.
#pragma once

#include <cerrno>
#include <cstdlib>
#include <string>

#include "solvers/family_options.hpp"
#include "solvers/lowprec/eval.hpp"
#include "solvers/lowprec/format.hpp"

namespace condbench::lowprec {

inline Format uf_option(const std::string& name, const std::string& v) {
  for (Format f : {Format::fp16, Format::bf16, Format::tf32})
    if (v == to_string(f)) return f;
  if (v == "f32") return Format::fp32;
  if (v == "f64") return Format::fp64;
  bad_solver_name(name, "uf=" + v + ": expected fp16, bf16, tf32, f32 or f64");
}

inline Eval eval_option(const std::string& name, const std::string& key, const std::string& v) {
  if (auto e = parse_eval(v)) return *e;
  bad_solver_name(name, key + "=" + v + ": expected f32, f64, dd or quad");
}

inline double tol_option(const std::string& name, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || errno != 0 || !(x > 0 && x < 1))
    bad_solver_name(name, "tol=" + v + ": expected a number between 0 and 1, e.g. tol=1e-6");
  return x;
}

// The options every refinement family takes, into its spec (RefineSpec, LsSpec: the same
// field names): uf and ur (both required), up, tol and steps.
template <class Spec>
struct SharedOptions {
  bool has_uf = false, has_ur = false;

  // False for a key that is not one of them (the family's own).
  bool take(Spec& spec, const std::string& name, const std::string& key, const std::string& value) {
    if (key == "uf") spec.uf = uf_option(name, value), has_uf = true;
    else if (key == "ur") spec.ur = eval_option(name, key, value), has_ur = true;
    else if (key == "up") spec.up = eval_option(name, key, value);
    else if (key == "tol") spec.gmres_tol = tol_option(name, value);
    else if (key == "steps") spec.max_steps = int_option(name, key, value, 1, 1000);
    else return false;
    return true;
  }

  void require(const std::string& name, const std::string& example) const {
    if (!has_uf || !has_ur) bad_solver_name(name, "needs uf= and ur=, e.g. " + example);
  }
};

}  // namespace condbench::lowprec
