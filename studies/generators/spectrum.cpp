#include "studies/generators/spectrum.hpp"

#include <cmath>
#include <vector>

namespace condbench {

const char* const kModeHelp =
    "spectrum: one_large (1, 1/k, ..., 1/k), one_small (1, ..., 1, 1/k), geometric (k^(-(i-1)/(p-1))), "
    "arithmetic (1 - (i-1)/(p-1) (1 - 1/k)), log_uniform (random in (1/k, 1)); or dlatms MODE 1..5";

Mode read_mode(const ParamReader& p) {
  const ParamValue* v = p.find("mode");
  if (!v) return Mode::geometric;
  if (const auto* d = std::get_if<double>(v)) {
    if (*d >= 1 && *d <= 5 && *d == std::floor(*d)) return static_cast<Mode>(static_cast<int>(*d));
    throw ParamError{"mode", "mode number must be 1..5 (dlatms MODE), got " + format_param(*v)};
  }
  std::vector<std::string> names;
  for (const auto& m : kModes) names.push_back(m.name);
  const std::string s = p.choice("mode", names, "geometric");
  for (const auto& m : kModes)
    if (s == m.name) return m.mode;
  return Mode::geometric;  // unreachable: choice() threw
}

double read_kappa(const ParamReader& p) {
  const double k = p.number("kappa");
  if (!(k >= 1) || !std::isfinite(k))
    throw ParamError{"kappa", "kappa must be a finite number >= 1, got " + format_param(k)};
  return k;
}

arma::vec singular_values(Mode mode, double kappa, arma::uword p, Rng& rng) {
  arma::vec s(p);
  if (p == 1) return s.fill(1.0);  // a 1x1 (or 1-column) matrix has kappa 1 whatever the mode
  const double denom = static_cast<double>(p - 1);
  for (arma::uword i = 0; i < p; ++i) {
    const double t = static_cast<double>(i) / denom;
    switch (mode) {
      case Mode::one_large:
        s[i] = i == 0 ? 1.0 : 1.0 / kappa;
        break;
      case Mode::one_small:
        s[i] = i + 1 == p ? 1.0 / kappa : 1.0;
        break;
      case Mode::geometric:
        s[i] = i + 1 == p ? 1.0 / kappa : std::pow(kappa, -t);
        break;
      case Mode::arithmetic:
        s[i] = 1.0 - t * (1.0 - 1.0 / kappa);
        break;
      case Mode::log_uniform:
        s[i] = std::exp(-rng.uniform_open() * std::log(kappa));
        break;
    }
  }
  if (mode == Mode::log_uniform) s = arma::sort(s, "descend");
  return s;
}

}  // namespace condbench
