#include "studies/chains/theory.hpp"

#include "studies/chains/methods.hpp"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>

#include <algorithm>
#include <cmath>

namespace condbench::chains {
namespace {

using boost::math::digamma;
using boost::math::trigamma;

const double kLn10 = std::log(10.0);

// The law of ln X for X = c * chi2_k: mean ln c + ln 2 + psi(k/2), variance psi'(k/2).
Law log_chi2(double c, double k) { return {std::log(c) + std::log(2.0) + digamma(k / 2), trigamma(k / 2)}; }

// ln||.||^2 -> ln||.||
Law half(Law l) { return {l.mean / 2, l.var / 4}; }

enum class Family {
  none,
  linear_gaussian,
  linear_uniform,
  relu_gaussian,
  linear_orthogonal,
  relu_orthogonal,
  residual_linear_gaussian,
  residual_linear_uniform
};

Family family_of(const ChainSpec& s) {
  const bool gauss = init_is_gaussian(s.init), orth = s.init == Init::orthogonal, uniform = !gauss && !orth;
  if (s.activation == Activation::linear) {
    if (s.residual)
      return gauss ? Family::residual_linear_gaussian : uniform ? Family::residual_linear_uniform : Family::none;
    return gauss ? Family::linear_gaussian : orth ? Family::linear_orthogonal : Family::linear_uniform;
  }
  if (s.activation == Activation::relu && !s.residual) {
    if (gauss) return Family::relu_gaussian;
    if (orth) return Family::relu_orthogonal;
  }
  return Family::none;
}

TheoryValue norm_theory(const ChainSpec& spec, Family f, int j, bool tangent) {
  const int d = spec.width;
  const double s = spec.effective_scale();
  Law per;
  std::string note;
  switch (f) {
    case Family::linear_gaussian:
      per = linear_gaussian_log_norm(d, s);
      note = "exact: a sum of iid ln chi2_d terms";
      break;
    case Family::linear_uniform:
      per = linear_gaussian_log_norm(d, s);
      note = "approximate: the Gaussian law of equal variance";
      break;
    case Family::relu_gaussian:
      per = relu_gaussian_log_norm(d, s);
      note = tangent ? "exact: chi2_K, K ~ Bin(d, 1/2) live units (no dead layer)"
                     : "approximate: the forward-mode law (D_l correlates with W_l backward)";
      break;
    case Family::residual_linear_gaussian:
      per = residual_gaussian_log_norm(d, s);
      note = "exact: noncentral chi2_d(d/s^2) per layer";
      break;
    case Family::linear_orthogonal:
      return {std::pow(s, j), 0, "exact: orthogonal layers"};
    default:
      return {};
  }
  // The value is exp(E ln||g||): the median of ln||g|| when its law is symmetric.
  return {std::exp(j * per.mean), std::sqrt(j * per.var), note};
}

TheoryValue spectrum_theory(const ChainSpec& spec, Family f, int j, const std::string& q) {
  const int d = spec.width;
  const double s = spec.effective_scale();
  const bool relu = f == Family::relu_gaussian || f == Family::relu_orthogonal;
  if (q == "log10_kappa") {
    if (relu) return {INFINITY, NAN, "exact: ReLU Jacobians are singular"};
    if (f == Family::linear_orthogonal) return {0, 0, "exact: orthogonal layers"};
    if (f == Family::linear_gaussian || f == Family::linear_uniform)
      return {j * kappa_decades_per_layer(d), NAN,
              f == Family::linear_uniform ? "approximate: the Gaussian Lyapunov gap"
                                          : "Lyapunov gap: exact mean of log10|R11/Rdd|, kappa's rate"};
    return {};
  }
  if (q == "sigma_max" || q == "sigma_min") {
    if (f == Family::linear_orthogonal) return {std::pow(s, j), 0, "exact: orthogonal layers"};
    if (relu && q == "sigma_min") return {0, NAN, "exact: ReLU Jacobians are singular"};
    return {};
  }
  if (q == "jjt_mean") {
    switch (f) {
      case Family::linear_gaussian:
      case Family::linear_uniform:
      case Family::linear_orthogonal:
        return {std::pow(s * s, j), NAN, "exact mean: s^2 per layer"};
      case Family::relu_gaussian:
      case Family::relu_orthogonal:
        return {std::pow(s * s / 2, j), NAN, "exact mean: s^2/2 per layer"};
      case Family::residual_linear_gaussian:
      case Family::residual_linear_uniform:
        return {std::pow(1 + s * s, j), NAN, "exact mean: 1 + s^2 per layer"};
      default:
        return {};
    }
  }
  if (q == "jjt_variance") {
    const char* limit = "limit d -> inf (Pennington et al. 2017)";
    switch (f) {
      case Family::linear_gaussian:
      case Family::linear_uniform:
        return {double(j), NAN, limit};
      case Family::relu_gaussian:
        return {2.0 * j, NAN, limit};
      case Family::relu_orthogonal:
        return {double(j), NAN, limit};
      case Family::linear_orthogonal:
        return {0, NAN, "exact: orthogonal layers"};
      default:
        return {};
    }
  }
  if (q == "qr_ln_r11" || q == "qr_ln_rdd") {
    const int i = q == "qr_ln_r11" ? 1 : d;
    if (f == Family::linear_orthogonal) return {j * std::log(s), 0, "exact: orthogonal layers"};
    if (f != Family::linear_gaussian) return {};
    Law l = qr_log_diagonal(d, s, i);
    return {j * l.mean, std::sqrt(j * l.var), "exact (Bartlett): chi2_{d-i+1} per step"};
  }
  return {};
}

TheoryValue weight_theory(const ChainSpec& spec, const std::string& q) {
  const int d = spec.width;
  if (q == "weight_std")
    return {spec.effective_scale() / std::sqrt(static_cast<double>(d)), NAN, "exact: the init's standard deviation"};
  if (spec.init == Init::orthogonal) return {q == "weight_kappa" ? 1.0 : 0.0, 0, "exact: orthogonal weights"};
  if (!init_is_gaussian(spec.init)) return {};
  if (q == "weight_kappa") return {edelman_median_kappa(d), NAN, "median of Edelman's limit law"};
  return {edelman_tail(d, kWarnKappa), NAN, "P(kappa > 1e6), Edelman's limit law"};
}

}  // namespace

Law linear_gaussian_log_norm(int d, double s) { return half(log_chi2(s * s / d, d)); }

Law relu_gaussian_log_norm(int d, double s) {
  // Binomial(d, 1/2) weights, conditioned on K >= 1; psi and psi' of chi2_K mixed.
  const double c = s * s / d;
  double w_sum = 0, m = 0, m2 = 0, v = 0;
  for (int k = 1; k <= d; ++k) {
    const double w =
        std::exp(std::lgamma(d + 1.0) - std::lgamma(k + 1.0) - std::lgamma(d - k + 1.0) - d * std::log(2.0));
    const Law l = log_chi2(c, k);
    w_sum += w;
    m += w * l.mean;
    m2 += w * l.mean * l.mean;
    v += w * l.var;
  }
  m /= w_sum;
  m2 /= w_sum;
  v /= w_sum;
  return half({m, v + (m2 - m * m)});
}

Law residual_gaussian_log_norm(int d, double s) {
  // ||v + W v||^2 with ||v|| = 1: (s^2/d) chi2'_d(lambda), lambda = d/s^2;
  // chi2'_d(lambda) = chi2_{d+2J}, J ~ Poisson(lambda/2).
  const double c = s * s / d, mu = d / (s * s) / 2;
  const double width = 40 * std::sqrt(mu) + 60;
  const long lo = static_cast<long>(std::max(0.0, std::floor(mu - width))),
             hi = static_cast<long>(std::ceil(mu + width));
  double w_sum = 0, m = 0, m2 = 0, v = 0;
  for (long k = lo; k <= hi; ++k) {
    const double w = std::exp(k * std::log(mu) - mu - std::lgamma(k + 1.0));
    if (w == 0) continue;
    const Law l = log_chi2(c, d + 2.0 * k);
    w_sum += w;
    m += w * l.mean;
    m2 += w * l.mean * l.mean;
    v += w * l.var;
  }
  m /= w_sum;
  m2 /= w_sum;
  v /= w_sum;
  return half({m, v + (m2 - m * m)});
}

double lyapunov_exponent(int d, double s, int i) { return (std::log(2 * s * s / d) + digamma((d - i + 1) / 2.0)) / 2; }

Law qr_log_diagonal(int d, double s, int i) { return half(log_chi2(s * s / d, d - i + 1)); }

double kappa_decades_per_layer(int d) { return (digamma(d / 2.0) - digamma(0.5)) / (2 * kLn10); }

double edelman_median_kappa(int n) {
  // exp(-2/x - 2/x^2) = 1/2  <=>  ln2 x^2 - 2x - 2 = 0
  const double l = std::log(2.0);
  return n * (2 + std::sqrt(4 + 8 * l)) / (2 * l);
}

double edelman_tail(int n, double x) {
  const double t = n / x;
  return -std::expm1(-2 * t - 2 * t * t);
}

TheoryValue theory_for(const ChainSpec& spec, int depth, const std::string& q) {
  if (q == "weight_kappa" || q == "weight_warn" || q == "weight_std") return weight_theory(spec, q);
  const Family f = family_of(spec);
  if (f == Family::none) return {};
  if (q == "grad_norm" || q == "tangent_norm") return norm_theory(spec, f, depth, q == "tangent_norm");
  return spectrum_theory(spec, f, depth, q);
}

}  // namespace condbench::chains
