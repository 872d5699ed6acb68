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

[[noreturn]] void bad(const std::string& name, const std::string& what) {
  throw std::invalid_argument("'" + name + "': " + what);
}

int parse_count(const std::string& name, const std::string& key, const std::string& v, int lo, int hi) {
  char* end = nullptr;
  errno = 0;
  const long x = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno != 0 || x < lo || x > hi)
    bad(name, fmt::format("{}={}: expected an integer from {} to {}", key, v, lo, hi));
  return static_cast<int>(x);
}

double parse_tolerance(const std::string& name, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || errno != 0 || !(x > 0 && x < 1))
    bad(name, "tol=" + v + ": expected a number between 0 and 1, e.g. tol=1e-6");
  return x;
}

Format parse_uf(const std::string& name, const std::string& v) {
  for (Format f : {Format::fp16, Format::bf16, Format::tf32})
    if (v == to_string(f)) return f;
  if (v == "f32") return Format::fp32;
  if (v == "f64") return Format::fp64;
  bad(name, "uf=" + v + ": expected fp16, bf16, tf32, f32 or f64");
}

Eval parse_precision_value(const std::string& name, const std::string& key, const std::string& v) {
  if (auto e = parse_eval(v)) return *e;
  bad(name, key + "=" + v + ": expected f32, f64, dd or quad");
}

std::unique_ptr<Solver> make(const std::string& name, Method method) {
  const std::string prefix = method == Method::lu ? "ir.lu:" : "ir.gmres:";
  const std::vector<std::string> order =
      method == Method::lu ? std::vector<std::string>{"uf", "ur", "scale", "steps"}
                           : std::vector<std::string>{"uf", "ur", "up", "tol", "maxit", "scale", "steps"};
  RefineSpec spec;
  spec.method = method;
  std::size_t next = 0;  // options must come in `order`, each at most once: one spelling per solver
  bool has_uf = false, has_ur = false;
  std::string rest = name.substr(prefix.size());
  while (!rest.empty()) {
    const std::size_t colon = rest.find(':');
    const std::string item = rest.substr(0, colon);
    rest = colon == std::string::npos ? "" : rest.substr(colon + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) bad(name, "'" + item + "' is not key=value");
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    std::size_t at = next;
    while (at < order.size() && order[at] != key) ++at;
    if (at == order.size()) {
      const bool known = std::find(order.begin(), order.end(), key) != order.end();
      std::string list;
      for (const auto& k : order) list += (list.empty() ? "" : ", ") + k;
      bad(name, known ? "'" + key + "' given twice or out of order (write the options in the order " + list + ")"
                      : "unknown option '" + key + "' (" + prefix + " takes " + list + ")");
    }
    next = at + 1;
    if (key == "uf") spec.uf = parse_uf(name, value), has_uf = true;
    if (key == "ur") spec.ur = parse_precision_value(name, key, value), has_ur = true;
    if (key == "up") spec.up = parse_precision_value(name, key, value);
    if (key == "tol") spec.gmres_tol = parse_tolerance(name, value);
    if (key == "maxit") spec.gmres_maxit = parse_count(name, key, value, 1, 100000);
    if (key == "steps") spec.max_steps = parse_count(name, key, value, 1, 1000);
    if (key == "scale") {
      if (value != "squeeze") bad(name, "scale=" + value + ": the only scaling is scale=squeeze");
      spec.squeeze = true;
    }
  }
  if (!has_uf || !has_ur) bad(name, "needs uf= and ur=, e.g. " + prefix + "uf=fp16:ur=f64");
  if (spec.squeeze && spec.uf != Format::fp16)
    bad(name, "scale=squeeze is for uf=fp16 (bf16 and tf32 have float's range)");

  // Working precisions that fit u_r <= u <= u_f (and u_p <= u).
  const bool f32 = spec.uf != Format::fp64;
  const bool f64 = spec.ur != Eval::f32 && (!spec.up || *spec.up != Eval::f32);
  if (!f32 && !f64)
    bad(name, "no working precision fits: uf=f64 needs f64 rows, and a u_r or u_p of f32 is less precise than f64");

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
