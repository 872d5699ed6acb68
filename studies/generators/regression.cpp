// regression: least-squares problems from features with chosen correlation and scales,
// known true weights and noise, and their Gram / covariance matrices as SPD problems.
//
// Presets (the lectures' data):
//   house_prices     (seed 003) size ~ U(1000, 3000), age ~ U(0, 30), bedrooms =
//                    clamp(size/1000 + N(0, 0.5), 1, 5), and a near copy of size, size +
//                    copy_noise * N(0, 1) (lecture: 10); weights [200, -1000, 50000, 0];
//                    y = X w + N(0, noise^2) (lecture: 100); 10,000 samples; n = 4.
//   correlated_pair  (seed 000) x1 ~ N(0, 1), x2 = x1 + copy_noise * N(0, 1) (lecture: 0.001);
//                    100 samples; weights [1, 0]; noise 0; n = 2.
//   none             n features N(0, 1) with pairwise correlation `correlation`
//                    (x_j = sqrt(rho) z_0 + sqrt(1 - rho) z_j), column j scaled by
//                    scale_ratio^((j-1)/(n-1)); weights N(0, 1) (seeded).
// Forms:
//   data        A = X (m = samples x n), b = y, x_true = w: error_vs_true is the distance
//               to the generating weights (statistical error from the noise plus rounding);
//               RMSE = residual_norm / sqrt(m).
//   gram        A = X^T X + (ridge + jitter) I (n x n, SPD), b = X^T y; the products are
//               accumulated in double-double and rounded once. x_true = w, the generating
//               weights, also with ridge and jitter: error_vs_true then includes their bias
//               (that is the point of the jitter study). With zero_columns the zeroed
//               features get weight 0, so w is the minimum-norm solution of the
//               un-regularized system whenever the other features have full rank.
//   covariance  as gram on centered columns, divided by (samples - 1).
// Facts computed at generation (Problem.params), from the singular values s of the
// (centered, scaled) X by LAPACK's double SVD: kappa_X = s_max/s_min, kappa_XtX = kappa_X^2,
// kappa_gram = (s_max^2 + ridge + jitter)/(s_min^2 + ridge + jitter) (gram forms; for
// covariance s is of X_c/sqrt(samples-1)). Accurate while kappa_X << 1/u_f64. kappa_nominal
// is kappa_X (data) or kappa_gram (gram forms), inf with zero_columns.
#include <algorithm>
#include <cmath>

#include "studies/generators/construct.hpp"
#include "studies/generators/generator.hpp"
#include "studies/generators/grammar.hpp"
#include "studies/generators/modifiers.hpp"
#include "studies/generators/params.hpp"
#include "studies/generators/rng.hpp"

namespace condbench {
namespace {

enum Stream : std::uint64_t { kStreamFeatures = 10, kStreamNoise = 11, kStreamWeights = 12, kStreamCopy = 13 };

const std::vector<std::string> kOwnKeys{"preset",      "form",        "samples", "noise", "copy_noise",
                                        "correlation", "scale_ratio", "ridge",   "jitter"};

struct Settings {
  std::string preset = "none", form = "data";
  int samples = 0;  // 0: from m (data) or the default
  bool samples_given = false;
  double noise = 0, copy_noise = 0, correlation = 0, scale_ratio = 1, ridge = 0, jitter = 0;
  std::map<std::string, std::string> named;  // explicitly given own parameters (for the name)
  Modifiers mods;
};

std::vector<std::string> all_keys() {
  std::vector<std::string> k = kOwnKeys;
  for (const auto& m : modifier_keys()) k.push_back(m);
  return k;
}

int preset_samples(const std::string& preset, int n) {
  if (preset == "house_prices") return 10000;
  if (preset == "correlated_pair") return 100;
  return 10 * n;
}

double nonneg(const ParamReader& p, const std::string& key, double fallback) {
  const double v = p.number(key, fallback);
  if (!(v >= 0) || !std::isfinite(v))
    throw ParamError{key, key + " must be a finite number >= 0, got " + format_param(v)};
  return v;
}

Settings read(const ParamMap& params, int n) {
  ParamReader p(params, all_keys());
  Settings s;
  s.preset = p.choice("preset", {"none", "house_prices", "correlated_pair"}, "none");
  s.form = p.choice("form", {"data", "gram", "covariance"}, "data");
  if (s.preset != "none") s.named["preset"] = s.preset;
  if (s.form != "data") s.named["form"] = s.form;
  const bool pair = s.preset == "correlated_pair", house = s.preset == "house_prices";
  if (p.has("samples")) {
    const double v = p.number("samples");
    if (!(v >= 2) || v != std::floor(v) || v > 1e8)
      throw ParamError{"samples", "samples must be an integer from 2 to 1e8, got " + format_param(v)};
    s.samples = static_cast<int>(v);
    s.samples_given = true;
  }
  s.noise = nonneg(p, "noise", house ? 100.0 : 0.0);
  if (!(s.preset == "none") || p.has("copy_noise")) {
    if (s.preset == "none") throw ParamError{"copy_noise", "copy_noise applies to the presets only"};
    s.copy_noise = nonneg(p, "copy_noise", house ? 10.0 : 0.001);
  }
  if (s.preset != "none") {
    for (const char* k : {"correlation", "scale_ratio"})
      if (p.has(k)) throw ParamError{k, std::string(k) + " applies to preset = none only"};
  }
  s.correlation = p.number("correlation", 0);
  if (!(s.correlation >= 0 && s.correlation < 1))
    throw ParamError{"correlation", "correlation must be in [0, 1), got " + format_param(s.correlation)};
  s.scale_ratio = p.number("scale_ratio", 1);
  if (!(s.scale_ratio > 0) || !std::isfinite(s.scale_ratio))
    throw ParamError{"scale_ratio", "scale_ratio must be a finite number > 0, got " + format_param(s.scale_ratio)};
  s.ridge = nonneg(p, "ridge", 0);
  s.jitter = nonneg(p, "jitter", 0);
  if (s.form == "data")
    for (const char* k : {"ridge", "jitter"})
      if (p.has(k)) throw ParamError{k, std::string(k) + " applies to form = gram or covariance only"};
  for (const char* k : {"noise", "copy_noise", "correlation", "scale_ratio", "ridge", "jitter"})
    if (p.has(k)) s.named[k] = format_param(p.number(k));
  if (s.samples_given && s.form != "data") s.named["samples"] = std::to_string(s.samples);
  if (house && n != 4) throw ParamError{"n", "preset house_prices has n = 4 features (size, age, bedrooms, size copy)"};
  if (pair && n != 2) throw ParamError{"n", "preset correlated_pair has n = 2 features"};
  s.mods = read_modifiers(p, n);
  return s;
}

int sample_count(const Settings& s, int m, int n) {
  if (s.form == "data") return m;
  return s.samples_given ? s.samples : preset_samples(s.preset, n);
}

void check_shape(const Settings& s, int m, int n) {
  check_dense_shape(m, n);
  if (s.form == "data") {
    if (s.samples_given && s.samples != m)
      throw ParamError{"samples", "form = data: samples is m; got samples = " + std::to_string(s.samples) +
                                      " and m = " + std::to_string(m)};
    if (m <= n)
      throw ParamError{"m", "form = data is least squares: needs samples m > n, got " + std::to_string(m) + "x" +
                                std::to_string(n)};
  } else {
    if (m != n)
      throw ParamError{"m", "form = " + s.form + " is n x n: needs m == n, got " + std::to_string(m) + "x" +
                                std::to_string(n)};
    check_dense_shape(sample_count(s, m, n), n);
  }
}

// The features (samples x n) and the weights.
void make_data(const Settings& s, int samples, int n, std::uint64_t seed, arma::mat& X, arma::vec& w) {
  X.set_size(samples, n);
  w.set_size(n);
  Rng rf(seed, kStreamFeatures), rc(seed, kStreamCopy);
  if (s.preset == "house_prices") {
    for (int i = 0; i < samples; ++i) {
      const double size = rf.uniform() * 2000 + 1000;
      const double age = rf.uniform() * 30;
      const double beds = std::clamp(size / 1000 + rf.normal() * 0.5, 1.0, 5.0);
      X(i, 0) = size;
      X(i, 1) = age;
      X(i, 2) = beds;
      X(i, 3) = size + rc.normal() * s.copy_noise;
    }
    w = {200.0, -1000.0, 50000.0, 0.0};
  } else if (s.preset == "correlated_pair") {
    for (int i = 0; i < samples; ++i) X(i, 0) = rf.normal();
    for (int i = 0; i < samples; ++i) X(i, 1) = X(i, 0) + s.copy_noise * rc.normal();
    w = {1.0, 0.0};
  } else {
    const double a = std::sqrt(s.correlation), c = std::sqrt(1 - s.correlation);
    for (int i = 0; i < samples; ++i) {
      const double z0 = rf.normal();
      for (int j = 0; j < n; ++j) X(i, j) = a * z0 + c * rf.normal();
    }
    for (int j = 0; j < n; ++j)
      X.col(j) *= n == 1 ? 1.0 : std::pow(s.scale_ratio, static_cast<double>(j) / (n - 1));
    Rng rw(seed, kStreamWeights);
    rw.fill_normal(w.memptr(), w.n_elem);
  }
}

class Regression final : public Generator {
 public:
  Regression() {
    NameSpec spec{"regression",
                  {},
                  {{"preset", {"none", "house_prices", "correlated_pair"}}, {"form", {"data", "gram", "covariance"}}},
                  {"samples", "noise", "copy_noise", "correlation", "scale_ratio", "ridge", "jitter"},
                  {{"preset", "none"}, {"form", "data"}}};
    register_name_spec(spec);
    for (const auto& d : modifier_docs()) info_.params.push_back(d);
  }

  const GeneratorInfo& info() const override { return info_; }

  ProblemKind kind(const ParamMap& params) const override {
    ParamReader p(params, all_keys());
    const std::string form = p.choice("form", {"data", "gram", "covariance"}, "data");
    if (form == "data") return ProblemKind::least_squares;
    return ProblemKind::spd;  // semidefinite when rank-deficient and unregularized: Cholesky may fail
  }

  int default_m(const ParamMap& params, int n) const override {
    try {
      const Settings s = read(params, n);
      if (s.form != "data") return n;
      return s.samples_given ? s.samples : preset_samples(s.preset, n);
    } catch (const ParamError&) {
      return n;
    }
  }

  std::optional<ParamError> validate(const ParamMap& params, int m, int n) const override {
    return catch_param_error([&] { check_shape(read(params, n), m, n); });
  }

  Problem generate(const ParamMap& params, int m, int n, std::uint64_t seed) const override {
    const Settings s = read(params, n);
    check_shape(s, m, n);
    const int samples = sample_count(s, m, n);
    const SingleThreadedBlas pin;

    arma::mat X;
    arma::vec w;
    make_data(s, samples, n, seed, X, w);
    if (s.mods.zero_columns > 0) {
      zero_last_columns(X.memptr(), samples, n, s.mods.zero_columns);
      zero_x_entries(w, s.mods.zero_columns);
    }
    arma::vec noise(samples, arma::fill::zeros);
    if (s.noise > 0) {
      Rng rn(seed, kStreamNoise);
      rn.fill_normal(noise.memptr(), noise.n_elem);
      noise *= s.noise;
    }
    const arma::vec y = accurate_matvec(X, w, &noise);

    Problem pr;
    pr.generator = "regression";
    pr.seed = seed;
    std::map<std::string, std::string> full = s.named;
    full["preset"] = s.preset;
    full["form"] = s.form;
    full["noise"] = format_param(s.noise);
    if (s.preset != "none") full["copy_noise"] = format_param(s.copy_noise);
    if (s.form != "data") {
      full["samples"] = std::to_string(samples);
      full["ridge"] = format_param(s.ridge);
      full["jitter"] = format_param(s.jitter);
    } else if (s.preset == "none") {
      full["correlation"] = format_param(s.correlation);
      full["scale_ratio"] = format_param(s.scale_ratio);
    }
    std::map<std::string, std::string> named = s.named;
    add_modifier_params(s.mods, full);
    add_modifier_params(s.mods, named);

    arma::mat Xs = X;  // the matrix whose singular values define the facts
    arma::vec b;
    if (s.form == "data") {
      pr.kind = ProblemKind::least_squares;
      pr.A = X;
      b = y;
      pr.zero_residual = s.noise == 0;
    } else {
      arma::mat Xc = X;
      arma::vec yc = y;
      if (s.form == "covariance") {
        for (int j = 0; j < n; ++j) Xc.col(j) -= arma::mean(Xc.col(j));
        yc -= arma::mean(yc);
        Xs = Xc / std::sqrt(samples - 1.0);
      }
      const arma::mat Xt = Xc.t();
      arma::mat G(n, n);
      for (int j = 0; j < n; ++j) G.col(j) = accurate_matvec(Xt, Xc.col(j));
      b = accurate_matvec(Xt, yc);
      if (s.form == "covariance") {
        G /= (samples - 1.0);
        b /= (samples - 1.0);
      }
      G.diag() += s.ridge + s.jitter;
      pr.kind = ProblemKind::spd;  // positive semidefinite when rank-deficient and unregularized
      pr.A = G;
      pr.zero_residual = true;
    }
    arma::vec sv = arma::svd(Xs);
    const double smax = sv.max(), smin = sv.min();
    const double kx = smax / smin;
    full["kappa_X"] = format_param(kx);
    full["kappa_XtX"] = format_param(kx * kx);
    const double shift = s.ridge + s.jitter;
    const double kg = (smax * smax + shift) / (smin * smin + shift);
    if (s.form != "data") full["kappa_gram"] = format_param(kg);
    // rank-deficient by construction (zeroed features, or fewer (centered) samples than features)
    const int rank_bound = s.form == "covariance" ? samples - 1 : samples;
    const bool deficient = s.mods.zero_columns > 0 || rank_bound < n;
    pr.kappa_nominal = deficient && shift == 0 ? arma::datum::inf : (s.form == "data" ? kx : kg);

    // scale modifier: A and b by the same power of two (or factor)
    const double factor = scale_factor(s.mods, arma::abs(pr.A).max());
    if (factor != 1) {
      pr.A *= factor;
      b *= factor;
      full["scale_factor"] = format_param(factor);
    }
    pr.x_true = w;
    double realized = 0;
    pr.b = perturb_rhs(pr.A, b, s.mods, seed, &realized);
    if (s.mods.perturb > 0) full["perturb_realized"] = format_param(realized);
    if (s.form == "data" && s.mods.perturb > 0 && s.mods.perturb_direction == "random") pr.zero_residual = false;

    pr.params = full;
    std::map<std::string, std::string> id = named;  // explicit parameters + what they imply
    id["preset"] = s.preset;
    id["form"] = s.form;
    pr.case_id = make_case_id("regression", id, m, n, seed);
    pr.name = format_problem_name("regression", named);
    return pr;
  }

 private:
  GeneratorInfo info_{
      "regression",
      "least squares from features with known weights and noise (preset house_prices: the lecture's "
      "size/age/bedrooms + near copy of size, 10,000 samples; correlated_pair: x2 = x1 + 0.001 N(0,1), 100 "
      "samples; none: correlated Gaussian features), or their Gram X^T X (+ ridge + jitter) / covariance as SPD "
      "problems; x_true = the generating weights; params kappa_X, kappa_XtX, kappa_gram from a double SVD of X",
      {
          {"preset", "string", "none", "none, house_prices (n = 4) or correlated_pair (n = 2)"},
          {"form", "string", "data",
           "data (A = X, m = samples > n, least squares), gram (X^T X + (ridge+jitter) I, b = X^T y, n x n SPD) or "
           "covariance (centered, / (samples-1))"},
          {"samples", "number", "m | preset's | 10n",
           "sample count; for form = data it is m (house_prices 10000, correlated_pair 100, else 10n by default)"},
          {"noise", "number", "preset's (100 | 0) or 0", "sigma of the N(0, sigma^2) noise added to y"},
          {"copy_noise", "number", "10 | 0.001", "presets: sigma of the near copy's deviation from its original"},
          {"correlation", "number", "0", "preset none: pairwise correlation of the features, in [0, 1)"},
          {"scale_ratio", "number", "1", "preset none: column j scaled by scale_ratio^((j-1)/(n-1))"},
          {"ridge", "number", "0", "gram forms: + ridge * I (the regularized problem; x_true stays w)"},
          {"jitter", "number", "0", "gram forms: + jitter * I (numerical jitter; x_true stays the un-jittered w)"},
      },
      {ProblemKind::least_squares, ProblemKind::spd}};
};

CONDBENCH_REGISTER_GENERATOR(Regression);

}  // namespace
}  // namespace condbench
