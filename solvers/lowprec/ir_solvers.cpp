// ir.lu:... and ir.gmres:...: the refinement solvers of refine.hpp under names that carry their precisions, as a
// solver family (built on first use), plus a default set registered by name so that `solvers = ["ir.*"]` expands
// to it. The working precision u is the row's (f32 or f64); u_f, u_r and u_p are in the name.
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "solvers/lowprec/name_options.hpp"
#include "solvers/lowprec/refine.hpp"
#include "solvers/registry.hpp"

namespace condbench::lowprec {
namespace {

const char* const kLuGrammar =
    "ir.lu:uf=<fp16|bf16|tf32|f32|f64>:ur=<f32|f64|dd|quad>[:scale=squeeze][:steps=N]  LU-IR (Carson & Higham "
    "2018): LU with partial pivoting and its triangular solves in u_f, every operation rounded (model A); residual "
    "in u_r, update in u = the row's precision; at most N steps (10). scale=squeeze (fp16): Higham-Pranesh-Zounon "
    "scaling, mu = 0.1 xmax. Needs u_r <= u <= u_f";
const char* const kGmresGrammar =
    "ir.gmres:uf=<fp16|bf16|tf32|f32|f64>:ur=<f32|f64|dd|quad>[:up=<f32|f64|dd|quad>][:tol=X][:maxit=N]"
    "[:scale=squeeze][:steps=N]  GMRES-IR (Carson & Higham 2018): the u_f LU as left preconditioner, GMRES in u "
    "(tol 1e-6 with f64 rows, 1e-4 with f32; at most maxit = n iterations per step), the products (LU)^-1 A v in "
    "u_p (default u^2: f64 for f32 rows, dd for f64 rows); residual in u_r, at most N steps (10)";

// The default set: the rows of Carson & Higham's convergence table (studies/ir3_carson_higham.toml). With f32
// rows uf=fp16:ur=f64 is (H,S,D); with f64 rows it is (H,D,D).
const std::vector<std::string>& default_names() {
  static const std::vector<std::string> names{
      "ir.lu:uf=fp16:ur=f32",    "ir.lu:uf=fp16:ur=f64",     "ir.lu:uf=fp16:ur=quad",   "ir.lu:uf=bf16:ur=f32",
      "ir.lu:uf=bf16:ur=f64",    "ir.lu:uf=bf16:ur=quad",    "ir.lu:uf=f32:ur=f64",     "ir.lu:uf=f32:ur=quad",
      "ir.gmres:uf=fp16:ur=f64", "ir.gmres:uf=fp16:ur=quad", "ir.gmres:uf=bf16:ur=f64", "ir.gmres:uf=bf16:ur=quad",
      "ir.gmres:uf=f32:ur=quad"};
  return names;
}

class RefinementSolver : public SolverT<RefinementSolver> {
 public:
  RefinementSolver(SolverInfo info, RefineSpec spec) : info_(std::move(info)), spec_(spec) {}
  const SolverInfo& info() const override { return info_; }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    return refine(in, spec_);
  }

 private:
  SolverInfo info_;
  RefineSpec spec_;
};

std::unique_ptr<Solver> make(const std::string& name, Method method) {
  const std::string prefix = method == Method::lu ? "ir.lu:" : "ir.gmres:";
  const std::vector<std::string> order =
      method == Method::lu ? std::vector<std::string>{"uf", "ur", "scale", "steps"}
                           : std::vector<std::string>{"uf", "ur", "up", "tol", "maxit", "scale", "steps"};
  RefineSpec spec;
  spec.method = method;
  SharedOptions<RefineSpec> shared;
  for (const auto& [key, value] : family_options(name, prefix, order)) {
    if (shared.take(spec, name, key, value)) continue;
    if (key == "maxit") spec.gmres_maxit = int_option(name, key, value, 1, 100000);
    if (key == "scale") {
      if (value != "squeeze") bad_solver_name(name, "scale=" + value + ": the only scaling is scale=squeeze");
      spec.squeeze = true;
    }
  }
  shared.require(name, prefix + "uf=fp16:ur=f64");
  if (spec.squeeze && spec.uf != Format::fp16)
    bad_solver_name(name, "scale=squeeze is for uf=fp16 (bf16 and tf32 have float's range)");

  // Working precisions that fit u_r <= u <= u_f (and u_p <= u).
  const bool f32 = spec.uf != Format::fp64;
  const bool f64 = spec.ur != Eval::f32 && (!spec.up || *spec.up != Eval::f32);
  if (!f32 && !f64)
    bad_solver_name(name, "no working precision fits: uf=f64 needs f64 rows, and a u_r or u_p of f32 is less precise than f64");

  SolverInfo info;
  info.name = name;
  const char* uf = spec.uf == Format::fp32 ? "f32" : spec.uf == Format::fp64 ? "f64" : to_string(spec.uf);
  const std::string scale = spec.squeeze ? " of the squeezed A (mu = 0.1 xmax)" : "";
  if (method == Method::lu) {
    info.description = fmt::format(
        "LU-IR: {} LU{} and solves, every op rounded; residual in {}, update in u; <= {} "
        "steps",
        uf, scale, to_string(spec.ur), spec.max_steps);
  } else {
    const std::string up = spec.up ? to_string(*spec.up) : "u^2";
    const std::string tol = spec.gmres_tol ? fmt::format("{:g}", *spec.gmres_tol) : "1e-6/1e-4";
    const std::string cap = spec.gmres_maxit ? std::to_string(*spec.gmres_maxit) : "n";
    info.description = fmt::format(
        "GMRES-IR: {} LU{} preconditioner, GMRES in u (tol {}, <= {} its/step), products "
        "in {}; residual in {}; <= {} steps",
        uf, scale, tol, cap, up, to_string(spec.ur), spec.max_steps);
  }
  info.kinds = KindSet{ProblemKind::general, ProblemKind::spd};
  info.f32 = f32;
  info.f64 = f64;
  info.flop_method = "lu";
  return std::make_unique<RefinementSolver>(std::move(info), spec);
}

[[maybe_unused]] const bool registered = [] {
  SolverRegistry& reg = SolverRegistry::instance();
  reg.add_family({"ir.lu:", kLuGrammar, [](const std::string& n) { return make(n, Method::lu); }});
  reg.add_family({"ir.gmres:", kGmresGrammar, [](const std::string& n) { return make(n, Method::gmres); }});
  for (const std::string& n : default_names()) reg.resolve(n);
  return true;
}();

}  // namespace
}  // namespace condbench::lowprec
