#include "studies/generators/families/family.hpp"

#include <cfloat>

#include "studies/generators/construct.hpp"
#include "studies/generators/modifiers.hpp"
#include "studies/generators/rng.hpp"

namespace condbench {
namespace {
constexpr std::uint64_t kStreamX = 3;
}

HP hp_pi() { return boost::math::constants::pi<HP>(); }
std::string param_text(double v) { return format_param(v); }

Family::Family(GeneratorInfo info, NameSpec spec) : info_(std::move(info)) {
  for (const auto& d : info_.params) keys_.push_back(d.name);
  for (const auto& d : modifier_docs()) info_.params.push_back(d);
  info_.params.push_back({"x", "string", "ones", "x_true: ones (b = A*ones, as the gallery tests) or random (N(0,1), seeded)"});
  for (const auto& k : modifier_keys()) keys_.push_back(k);
  keys_.push_back("x");
  spec.generator = info_.name;
  spec.choices.push_back({"x", {"ones", "random"}});
  spec.defaults["x"] = "ones";
  register_name_spec(std::move(spec));
}

void Family::require_square(int m, int n) {
  if (m != n)
    throw ParamError{"m", "this family is square: needs m == n, got " + std::to_string(m) + "x" + std::to_string(n)};
}

ProblemKind Family::kind(const ParamMap& params) const {
  const ParamReader p = reader(params);
  // the kind does not depend on n for any family; a zeroed column breaks symmetry
  const ProblemKind k = kind_of(p);
  if (p.number("zero_columns", 0) > 0 && k == ProblemKind::spd) return ProblemKind::general;
  return k;
}

int Family::default_m(const ParamMap& params, int n) const {
  try {
    return default_m_for(reader(params), n);
  } catch (const ParamError&) {
    return n;  // validate() reports it
  }
}

std::optional<ParamError> Family::validate(const ParamMap& params, int m, int n) const {
  return catch_param_error([&] {
    const ParamReader p = reader(params);
    check_dense_shape(m, n);
    // the entries are built in 256-bit floating point first (~64 bytes each)
    const double bytes = 72.0 * m * n;
    if (bytes > physical_memory_bytes() / 2)
      throw ParamError{"n", "n = " + std::to_string(n) + " is too large for an exactly evaluated family (needs " +
                                format_param(std::round(bytes / 1e6)) + " MB)"};
    facts(p, m, n);
    read_modifiers(p, n);
    p.choice("x", {"ones", "random"}, "ones");
  });
}

Problem Family::generate(const ParamMap& params, int m, int n, std::uint64_t seed) const {
  if (auto err = validate(params, m, n)) throw *err;
  const ParamReader p = reader(params);
  FamilyFacts f = facts(p, m, n);
  const Modifiers mods = read_modifiers(p, n);
  const std::string xmode = p.choice("x", {"ones", "random"}, "ones");

  std::vector<HP> e = entries(p, m, n);
  // modifiers on the exact entries, so exactness is judged on what is stored
  HP maxabs = 0;
  for (const HP& v : e) maxabs = std::max(maxabs, HP(abs(v)));
  const double factor = scale_factor(mods, static_cast<double>(maxabs));
  if (factor != 1)
    for (HP& v : e) v *= factor;
  if (mods.zero_columns > 0) zero_last_columns(e.data(), m, n, mods.zero_columns);

  arma::mat A(m, n);
  bool exact64 = true, exact32 = true;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const double d = static_cast<double>(e[i]);
    A[i] = d;
    exact64 = exact64 && std::isfinite(d) && HP(d) == e[i];
    const float s = static_cast<float>(d);
    exact32 = exact32 && std::isfinite(s) && HP(s) == e[i];
  }
  if (mods.zero_columns > 0 && f.kind == ProblemKind::spd) f.kind = ProblemKind::general;

  arma::vec x(n);
  if (xmode == "ones") {
    x.ones();
  } else {
    Rng rng(seed, kStreamX);
    rng.fill_normal(x.memptr(), x.n_elem);
  }
  if (mods.zero_columns > 0) zero_x_entries(x, mods.zero_columns);

  Problem pr;
  pr.generator = info_.name;
  pr.kind = f.kind;
  pr.seed = seed;
  std::map<std::string, std::string> input = f.resolved;
  add_modifier_params(mods, input);
  input["x"] = xmode;
  pr.case_id = make_case_id(info_.name, input, m, n, seed);
  pr.name = format_problem_name(info_.name, input);
  pr.params = input;
  pr.params["exact_f64"] = exact64 ? "true" : "false";
  pr.params["exact_f32"] = exact32 ? "true" : "false";
  if (factor != 1) pr.params["scale_factor"] = format_param(factor);
  pr.kappa_nominal = mods.zero_columns > 0 ? arma::datum::inf : f.kappa_nominal;
  pr.A = std::move(A);
  pr.x_true = x;
  const arma::vec b = accurate_matvec(pr.A, x);
  double realized = 0;
  pr.b = perturb_rhs(pr.A, b, mods, seed, &realized);
  if (mods.perturb > 0) pr.params["perturb_realized"] = format_param(realized);
  pr.zero_residual = !(f.kind == ProblemKind::least_squares && mods.perturb > 0 && mods.perturb_direction == "random");
  return pr;
}

}  // namespace condbench
