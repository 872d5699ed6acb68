// randsvd: A = U diag(sigma) V^T with Haar-random U, V and a prescribed spectrum,
// as LAPACK's dlatms (TESTING/MATGEN) and Higham's randsvd.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "studies/generators/construct.hpp"
#include "studies/generators/grammar.hpp"
#include "studies/generators/modifiers.hpp"
#include "studies/generators/params.hpp"
#include "studies/generators/rng.hpp"
#include "studies/generators/spectrum.hpp"

namespace condbench {
namespace {

// Independent random streams of one seed: changing the spectrum (kappa, mode) or the
// residual never changes U, V or x_true.
enum Stream : std::uint64_t { kStreamU = 1, kStreamV = 2, kStreamX = 3, kStreamResidual = 4, kStreamSigma = 5 };

struct Settings {
  Mode mode = Mode::geometric;
  double kappa = 1;
  ProblemKind kind = ProblemKind::general;
  double residual = 0;
  double scale = 1;
  Modifiers mods;  // scale (a number, or ufl / ofl / ufl32 / ofl32), zero_columns, perturb
};

ProblemKind read_kind(const ParamReader& p) {
  const std::string s = p.choice("kind", {"general", "spd", "least_squares", "underdetermined"}, "general");
  ProblemKind k = ProblemKind::general;
  parse_problem_kind(s, k);
  return k;
}

double read_residual(const ParamReader& p, ProblemKind kind) {
  const ParamValue* v = p.find("residual");
  if (!v) return 0;
  if (kind != ProblemKind::least_squares)
    throw ParamError{"residual", std::string("residual applies to kind = least_squares only, not ") + to_string(kind)};
  if (const auto* s = std::get_if<std::string>(v)) {
    if (*s == "zero") return 0;
    if (*s == "large") return 1;
    throw ParamError{"residual", "residual must be a number >= 0, \"zero\" or \"large\", got '" + *s + "'"};
  }
  const double r = p.number("residual");
  if (!(r >= 0) || !std::isfinite(r))
    throw ParamError{"residual", "residual must be a finite number >= 0, got " + format_param(r)};
  return r;
}

double read_scale(const ParamReader& p) {
  const double s = p.number("scale", 1.0);
  if (!(s > 0) || !std::isfinite(s))
    throw ParamError{"scale", "scale must be a finite number > 0, got " + format_param(s)};
  return s;
}

Settings read_settings(const ParamMap& params) {
  ParamReader p(params, {"kappa", "kind", "mode", "residual", "scale", "zero_columns", "perturb", "perturb_direction"});
  Settings s;
  s.mode = read_mode(p);
  s.kappa = read_kappa(p);
  s.kind = read_kind(p);
  s.residual = read_residual(p, s.kind);
  const ParamValue* sc = p.find("scale");
  if (!sc || std::holds_alternative<double>(*sc)) s.scale = read_scale(p);
  const ParamValue* z = p.find("zero_columns");
  s.mods = read_modifiers(p, z && std::holds_alternative<double>(*z) ? static_cast<int>(std::get<double>(*z)) : 0);
  if (s.mods.zero_columns > 0 && s.kind == ProblemKind::spd)
    throw ParamError{"zero_columns", "zero_columns makes A unsymmetric: not with kind = spd"};
  if (s.mods.zero_columns > 0 && s.kind == ProblemKind::underdetermined)
    throw ParamError{"zero_columns", "zero_columns is for square and least-squares kinds"};
  s.mods.scale = 1;  // a numeric scale multiplies sigma (below); named scales act on A
  return s;
}

void check_shape(ProblemKind kind, int m, int n, int zero_columns = 0) {
  check_dense_shape(m, n);
  if (zero_columns > n)
    throw ParamError{"zero_columns", "zero_columns must be at most n = " + std::to_string(n) + ", got " +
                                         std::to_string(zero_columns)};
  const std::string shape = std::to_string(m) + "x" + std::to_string(n);
  const bool ok = (kind == ProblemKind::least_squares)     ? m > n
                  : (kind == ProblemKind::underdetermined) ? m < n
                                                           : m == n;
  if (ok) return;
  const char* need = kind == ProblemKind::least_squares     ? "m > n"
                     : kind == ProblemKind::underdetermined ? "m < n"
                                                            : "m == n";
  throw ParamError{"m", std::string("kind = ") + to_string(kind) + " needs " + need + ", got " + shape};
}

// A = U diag(sigma) V^T with one gemm; for spd, U = V and the result is symmetrized so
// that A == A^T bit for bit (gemm rounds the two triangles differently).
arma::mat assemble(const arma::mat& U, const arma::vec& sigma, const arma::mat& V, bool symmetric) {
  arma::mat US = U;
  US.each_row() %= sigma.t();
  arma::mat A = US * V.t();
  if (symmetric)
    for (arma::uword j = 0; j < A.n_cols; ++j)
      for (arma::uword i = 0; i < j; ++i) A(i, j) = A(j, i) = 0.5 * (A(i, j) + A(j, i));
  return A;
}

std::string residual_text(double r) {
  if (r == 0) return "zero";
  if (r == 1) return "large";
  return format_param(r);
}

std::map<std::string, std::string> resolved_params(const Settings& s) {
  std::map<std::string, std::string> out{{"kappa", format_param(s.kappa)},
                                         {"kind", to_string(s.kind)},
                                         {"mode", mode_name(s.mode).name},
                                         {"scale", format_param(s.scale)}};
  if (s.kind == ProblemKind::least_squares) out["residual"] = residual_text(s.residual);
  add_modifier_params(s.mods, out);  // scale=ufl..., zero_columns, perturb (scale=1 when numeric)
  return out;
}


// b = A x (+ r_perp): r_perp is a Gaussian vector projected onto range(A)^perp = range(U)^perp,
// the same distribution as U(:, n+1:m) w with Gaussian w, without forming the full m x m U.
arma::vec right_hand_side(const arma::mat& A, const arma::vec& x, const arma::mat& U, double residual,
                          std::uint64_t seed) {
  if (residual == 0) return accurate_matvec(A, x);
  Rng rng(seed, kStreamResidual);
  arma::vec g(A.n_rows);
  rng.fill_normal(g.memptr(), g.n_elem);
  arma::vec r = project_out(U, g);
  r *= residual * norm2(accurate_matvec(A, x)) / norm2(r);
  return accurate_matvec(A, x, &r);
}

class RandSvd final : public Generator {
 public:
  const GeneratorInfo& info() const override { return info_; }

  ProblemKind kind(const ParamMap& params) const override { return read_settings(params).kind; }

  int default_m(const ParamMap& params, int n) const override {
    switch (kind(params)) {
      case ProblemKind::least_squares:
        return 2 * n;
      case ProblemKind::underdetermined:
        return std::max(1, n / 2);
      default:
        return n;
    }
  }

  std::optional<ParamError> validate(const ParamMap& params, int m, int n) const override {
    return catch_param_error([&] {
      const Settings s = read_settings(params);
      check_shape(s.kind, m, n, s.mods.zero_columns);
    });
  }

  Problem generate(const ParamMap& params, int m, int n, std::uint64_t seed) const override {
    const Settings s = read_settings(params);
    check_shape(s.kind, m, n, s.mods.zero_columns);
    const arma::uword p = static_cast<arma::uword>(std::min(m, n));
    const SingleThreadedBlas pin;  // bit-identical whatever the user's BLAS thread count

    Rng sigma_rng(seed, kStreamSigma);
    arma::vec sigma = singular_values(s.mode, s.kappa, p, sigma_rng);
    const double kappa_drawn = sigma.max() / sigma.min();
    sigma *= s.scale;

    Rng v_rng(seed, kStreamV);
    const arma::mat V = haar_orthonormal_columns(v_rng, n, p);
    arma::mat U;
    if (s.kind == ProblemKind::spd) {
      U = V;
    } else {
      Rng u_rng(seed, kStreamU);
      U = haar_orthonormal_columns(u_rng, m, p);
    }

    Problem pr;
    pr.generator = info_.name;
    pr.kind = s.kind;
    pr.seed = seed;
    pr.params = resolved_params(s);
    pr.case_id = make_case_id(info_.name, pr.params, m, n, seed);
    pr.name = format_problem_name("randsvd", pr.params);  // grammar.hpp; svd_geo, ls_geo_r1, svd_geo_ufl
    pr.kappa_nominal = (s.mode == Mode::log_uniform || p == 1) ? kappa_drawn : s.kappa;
    pr.zero_residual = s.residual == 0;
    pr.A = assemble(U, sigma, V, s.kind == ProblemKind::spd);
    pr.x_true = make_x_true(V, s.kind, m, n, seed);
    // modifiers.hpp: a named scale multiplies A by a power of two; zeroed columns get x_true = 0
    const double factor = scale_factor(s.mods, arma::abs(pr.A).max());
    if (factor != 1) {
      pr.A *= factor;
      pr.params["scale_factor"] = format_param(factor);
    }
    if (s.mods.zero_columns > 0) {
      zero_last_columns(pr.A.memptr(), m, n, s.mods.zero_columns);
      zero_x_entries(pr.x_true, s.mods.zero_columns);
      pr.kappa_nominal = arma::datum::inf;
    }
    pr.b = right_hand_side(pr.A, pr.x_true, U, s.residual, seed);
    if (s.mods.perturb > 0) {
      double realized = 0;
      pr.b = perturb_rhs(pr.A, pr.b, s.mods, seed, &realized);
      pr.params["perturb_realized"] = format_param(realized);
      if (s.kind == ProblemKind::least_squares && s.mods.perturb_direction == "random") pr.zero_residual = false;
    }
    return pr;
  }

 private:
  // Gaussian; for underdetermined V(:, 1:m) z, in the row space, so it is the min-norm solution.
  static arma::vec make_x_true(const arma::mat& V, ProblemKind kind, int m, int n, std::uint64_t seed) {
    Rng rng(seed, kStreamX);
    arma::vec z(kind == ProblemKind::underdetermined ? m : n);
    rng.fill_normal(z.memptr(), z.n_elem);
    return kind == ProblemKind::underdetermined ? accurate_matvec(V, z) : z;
  }

  GeneratorInfo info_{
      "randsvd",
      "A = U diag(sigma) V^T, U and V Haar-random orthogonal, prescribed spectrum (LAPACK dlatms, Higham's "
      "randsvd); one seed gives the same U, V and x_true at every kappa and mode, so kappa sweeps are controlled "
      "experiments",
      {
          {"kappa", "number", "", "nominal 2-norm condition number sigma_max/sigma_min, >= 1 (required)"},
          {"mode", "string", "geometric", kModeHelp},
          {"kind", "string", "general",
           "general (m == n), spd (A = V S V^T, m == n), least_squares (m > n), underdetermined (m < n, "
           "x_true is the min-norm solution)"},
          {"residual", "number", "0",
           "least_squares only: ||r||/||A x_true|| with r orthogonal to range(A); a number >= 0, zero (0) or "
           "large (1)"},
          {"scale", "number|string", "1",
           "multiplies A and b (> 0), or ufl / ofl / ufl32 / ofl32: max|a_ij| near LAPACK's test thresholds "
           "(dlatb4 SMALL = 0.25*safmin/eps, LARGE = 1/SMALL, float64 / float32) by a power of two"},
          {"zero_columns", "number", "0",
           "general / least_squares: zero the last k columns (exactly singular, rank-deficient); x_true = 0 there"},
          {"perturb", "number", "0",
           "after b = A x_true: b += perturb*||b||*d; x_true stays unperturbed (error_vs_true/perturb = amplification)"},
          {"perturb_direction", "string", "worst", "worst (d = u_min, left singular vector of sigma_min) or random"},
      },
      {ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares, ProblemKind::underdetermined}};
};

}  // namespace

CONDBENCH_REGISTER_GENERATOR(RandSvd);

}  // namespace condbench
