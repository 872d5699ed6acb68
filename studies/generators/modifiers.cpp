#include "studies/generators/modifiers.hpp"

#include <cfloat>

#include "studies/generators/construct.hpp"
#include "studies/generators/rng.hpp"

namespace condbench {

namespace {
constexpr std::uint64_t kStreamPerturb = 41;  // its own stream: never shifts other draws
}

const std::vector<std::string>& modifier_keys() {
  static const std::vector<std::string> k{"scale", "zero_columns", "perturb", "perturb_direction"};
  return k;
}

const std::vector<ParamDoc>& modifier_docs() {
  static const std::vector<ParamDoc> d{
      {"scale", "number|string", "1",
       "multiply A (and b) by a number > 0, or put max|a_ij| near LAPACK's test thresholds (dlatb4 SMALL = "
       "0.25*safmin/eps, LARGE = 1/SMALL) by a power of two: ufl / ofl (float64: ~2.5e-293 / ~4e292), ufl32 / "
       "ofl32 (float32: ~2.5e-32 / ~4e31)"},
      {"zero_columns", "number", "0",
       "zero the last k columns of A (exactly singular / rank-deficient); x_true is 0 there (the min-norm "
       "solution when the other columns have full rank)"},
      {"perturb", "number", "0",
       "after b = A x_true: b += perturb*||b||*d (||d|| = 1); x_true stays the unperturbed solution, so "
       "error_vs_true/perturb is the measured amplification"},
      {"perturb_direction", "string", "worst",
       "worst (d = u_min, the left singular vector of sigma_min) or random (uniform on the sphere, seeded)"},
  };
  return d;
}

double named_scale_target(const std::string& name) {
  // dlatb4: SMALL = SHRINK * (safmin / eps), SHRINK = 0.25, eps = DLAMCH('Precision') = b^(1-t).
  const double small64 = 0.25 * (DBL_MIN / DBL_EPSILON);
  const double small32 = 0.25 * (static_cast<double>(FLT_MIN) / static_cast<double>(FLT_EPSILON));
  if (name == "ufl") return small64;
  if (name == "ofl") return 1.0 / small64;
  if (name == "ufl32") return small32;
  if (name == "ofl32") return 1.0 / small32;
  return 1.0;
}

Modifiers read_modifiers(const ParamReader& p, int n) {
  Modifiers m;
  if (const ParamValue* v = p.find("scale")) {
    if (const auto* s = std::get_if<std::string>(v)) {
      if (*s != "ufl" && *s != "ofl" && *s != "ufl32" && *s != "ofl32")
        throw ParamError{"scale", "scale must be a number > 0 or one of ufl, ofl, ufl32, ofl32; got '" + *s + "'"};
      m.scale_name = *s;
    } else {
      m.scale = p.number("scale");
      if (!(m.scale > 0) || !std::isfinite(m.scale))
        throw ParamError{"scale", "scale must be a finite number > 0 (or ufl, ofl, ufl32, ofl32), got " +
                                      format_param(m.scale)};
    }
  }
  const double z = p.number("zero_columns", 0);
  if (!(z >= 0) || z != std::floor(z) || z > n)
    throw ParamError{"zero_columns",
                     "zero_columns must be an integer from 0 to n = " + std::to_string(n) + ", got " + format_param(z)};
  m.zero_columns = static_cast<int>(z);
  m.perturb = p.number("perturb", 0);
  if (!(m.perturb >= 0) || !(m.perturb < 1))
    throw ParamError{"perturb", "perturb must be a relative size in [0, 1), got " + format_param(m.perturb)};
  m.perturb_direction = p.choice("perturb_direction", {"worst", "random"}, "worst");
  if (p.has("perturb_direction") && m.perturb == 0)
    throw ParamError{"perturb_direction", "perturb_direction needs perturb > 0"};
  return m;
}

void add_modifier_params(const Modifiers& mods, std::map<std::string, std::string>& out) {
  if (!mods.scale_name.empty())
    out["scale"] = mods.scale_name;
  else if (mods.scale != 1)
    out["scale"] = format_param(mods.scale);
  if (mods.zero_columns > 0) out["zero_columns"] = std::to_string(mods.zero_columns);
  if (mods.perturb > 0) {
    out["perturb"] = format_param(mods.perturb);
    out["perturb_direction"] = mods.perturb_direction;
  }
}

double scale_factor(const Modifiers& mods, double maxabs) {
  if (mods.scale_name.empty()) return mods.scale;
  if (!(maxabs > 0) || !std::isfinite(maxabs)) return 1.0;
  const double target = named_scale_target(mods.scale_name);
  // 2^k * maxabs in [target/2, target): k = floor(log2(target/maxabs)) adjusted exactly.
  int e_t = 0, e_m = 0;
  std::frexp(target, &e_t);
  std::frexp(maxabs, &e_m);
  int k = e_t - e_m;
  while (std::ldexp(maxabs, k) >= target) --k;
  while (std::ldexp(maxabs, k + 1) < target) ++k;
  return std::ldexp(1.0, k);
}

void zero_x_entries(arma::vec& x, int k) {
  const int n = static_cast<int>(x.n_elem);
  for (int j = n - k; j < n; ++j) x[j] = 0;
}

arma::vec perturb_rhs(const arma::mat& A, const arma::vec& b, const Modifiers& mods, std::uint64_t seed,
                      double* realized) {
  if (mods.perturb == 0) {
    if (realized) *realized = 0;
    return b;
  }
  arma::vec d;
  if (mods.perturb_direction == "worst") {
    const SingleThreadedBlas pin;
    arma::mat U, V;
    arma::vec s;
    if (!arma::svd(U, s, V, A, "std")) throw std::runtime_error("perturb: SVD of A failed");
    const arma::uword p = std::min(A.n_rows, A.n_cols);
    d = U.col(p - 1);  // singular values are sorted descending: the last one is sigma_min
  } else {
    Rng rng(seed, kStreamPerturb);
    d.set_size(b.n_elem);
    rng.fill_normal(d.memptr(), d.n_elem);
    d /= norm2(d);
  }
  const double nb = norm2(b);
  arma::vec out = b + (mods.perturb * nb) * d;
  if (realized) *realized = nb > 0 ? norm2(out - b) / nb : 0;
  return out;
}

}  // namespace condbench
