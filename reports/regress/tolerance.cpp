#include "reports/regress/tolerance.hpp"

#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace condbench::regress {

double ToleranceModel::tolerance_decades(double sd, int n_base, int n_now) const {
  double se = sd * std::sqrt(1.0 / std::max(1, n_base) + 1.0 / std::max(1, n_now));
  return std::max(std::log10(min_factor), z * se);
}

double ToleranceModel::forward_floor(int n, double log10_kappa) const {
  return std::log10(floor_sqrt_n * std::sqrt(std::max(1, n))) - std::max(0.0, log10_kappa);
}

double ToleranceModel::backward_floor(int n) const { return std::log10(floor_sqrt_n * std::sqrt(std::max(1, n))); }

double ToleranceModel::binomial_tail(int k, int n, double p) {
  if (k <= 0) return 1;
  if (k > n) return 0;
  double tail = 0;
  for (int i = k; i <= n; ++i)
    tail += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0)) * std::pow(p, i) *
            std::pow(1 - p, n - i);
  return tail;
}

nlohmann::ordered_json to_json(const ToleranceModel& t) {
  nlohmann::ordered_json j;
  j["rule"] = "now worse than baseline when max(now, floor) - max(base, floor) > max(log10(min_factor), z * s * "
              "sqrt(1/N_base + 1/N_now)) decades; medians over seeds of log10(forward_error/(u*kappa)) and "
              "log10(backward_error/u); s the group's seed spread or its solver's pooled one, whichever is larger; "
              "floor = floor_sqrt_n * sqrt(n) * u; k failures of N_now fail when P(X >= k | Binomial(N_now, p)) < "
              "failure_alpha, p the group's baseline failure rate or its solver's sporadic one, whichever is larger";
  j["min_factor"] = t.min_factor;
  j["z"] = t.z;
  j["floor_sqrt_n"] = t.floor_sqrt_n;
  j["saturation"] = t.saturation;
  j["marginal"] = t.marginal;
  j["failure_alpha"] = t.failure_alpha;
  return j;
}

ToleranceModel tolerance_from_json(const nlohmann::ordered_json& j, const std::string& where) {
  ToleranceModel t;
  if (!j.is_object()) throw InputError(where, "'tolerance' must be an object");
  auto get = [&](const char* key, double& v, double lo) {
    if (!j.contains(key)) return;
    if (!j[key].is_number()) throw InputError(where, fmt::format("tolerance.{} must be a number", key));
    v = j[key].get<double>();
    if (!(v >= lo)) throw InputError(where, fmt::format("tolerance.{} = {} must be >= {}", key, v, lo));
  };
  get("min_factor", t.min_factor, 1.0);
  get("z", t.z, 0.0);
  get("floor_sqrt_n", t.floor_sqrt_n, 0.0);
  get("saturation", t.saturation, 0.0);
  get("marginal", t.marginal, 0.0);
  get("failure_alpha", t.failure_alpha, 0.0);
  if (t.marginal > 1) throw InputError(where, "tolerance.marginal must be <= 1");
  return t;
}

}  // namespace condbench::regress
