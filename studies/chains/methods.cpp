#include "studies/chains/methods.hpp"

#include "studies/chains/dense_ops.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace condbench::chains {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <class T>
const char* precision_name() {
  if constexpr (std::is_same_v<T, float>) return "f32";
  if constexpr (std::is_same_v<T, double>) return "f64";
  return "the working precision";
}

// The 2-norm of a working-precision vector, taken in double with scaling: the
// measurement is of the vector the method computed, not of a norm that underflows.
template <class T>
double norm_of(const std::vector<T>& v) {
  double big = 0;
  for (const T& x : v) big = std::max(big, std::fabs(to_double(x)));
  if (big == 0 || !std::isfinite(big)) return big;
  double s = 0;
  for (const T& x : v) {
    const double y = to_double(x) / big;
    s += y * y;
  }
  return big * std::sqrt(s);
}

template <class T>
bool all_zero(const std::vector<T>& v) {
  return std::all_of(v.begin(), v.end(), [](const T& x) { return x == T(0); });
}

template <class T>
bool all_finite(const std::vector<T>& v) {
  return std::all_of(v.begin(), v.end(), [](const T& x) { return std::isfinite(to_double(x)); });
}

bool listed(const std::vector<int>& depths, int j) { return std::binary_search(depths.begin(), depths.end(), j); }

Measurement measured(int depth, int layer, const std::string& quantity, double value) {
  Measurement m;
  m.depth = depth;
  m.layer = layer;
  m.quantity = quantity;
  m.value = value;
  return m;
}

Measurement failed(int depth, const std::string& quantity, const std::string& reason) {
  Measurement m = measured(depth, 0, quantity, kNaN);
  m.status = "failed";
  m.reason = reason;
  return m;
}

const char* const kSpectrum[] = {"log10_kappa", "sigma_max", "sigma_min", "jjt_mean", "jjt_variance"};

void fail_spectrum(int depth, const std::string& reason, std::vector<Measurement>& out) {
  for (const char* q : kSpectrum) out.push_back(failed(depth, q, reason));
}

template <class T>
std::vector<Measurement> backprop(const StoredChain<T>& c, const std::vector<int>& depths) {
  std::vector<Measurement> out;
  std::vector<T> g = c.g, next(c.d);
  int zero_at = 0, nonfinite_at = 0;
  for (int j = 1; j <= c.L; ++j) {
    backward_step(c, c.layer_of_step(j), g.data(), next.data());
    std::swap(g, next);
    if (!zero_at && all_zero(g)) zero_at = j;
    if (!nonfinite_at && !all_finite(g)) nonfinite_at = j;
    if (listed(depths, j)) out.push_back(measured(j, 0, "grad_norm", norm_of(g)));
  }
  // Forward mode through the same top j layers: u -> J_{L-j+1} u -> ... -> J_L (...). Linear
  // chains are left out: there its law is grad_norm's.
  for (int j : c.dphi.empty() ? std::vector<int>{} : depths) {
    std::vector<T> v = c.u, w(c.d);
    for (int l = c.L - j; l < c.L; ++l) {
      forward_step(c, l, v.data(), w.data());
      std::swap(v, w);
    }
    out.push_back(measured(j, 0, "tangent_norm", norm_of(v)));
  }
  const std::string none = fmt::format("not within the {} layers", c.L);
  Measurement z = measured(c.L, 0, "zero_depth", zero_at ? double(zero_at) : kNaN);
  if (!zero_at) z.note = none;
  Measurement f = measured(c.L, 0, "nonfinite_depth", nonfinite_at ? double(nonfinite_at) : kNaN);
  if (!nonfinite_at) f.note = none;
  out.push_back(z);
  out.push_back(f);
  return out;
}

template <class T>
bool finite_matrix(const Dense<T>& A) {
  return all_finite(A.a);
}

template <class T>
std::vector<Measurement> explicit_svd(const StoredChain<T>& c, const std::vector<int>& depths) {
  std::vector<Measurement> out;
  Dense<T> B = backward_factor(c, c.layer_of_step(1));
  std::string broken;
  for (int j = 1; j <= c.L; ++j) {
    if (j > 1 && broken.empty()) B = ops::gemm(backward_factor(c, c.layer_of_step(j)), B);
    if (broken.empty() && !finite_matrix(B))
      broken = fmt::format("the product overflowed {} (entries not finite) at depth {}", precision_name<T>(), j);
    if (!listed(depths, j)) continue;
    if (!broken.empty()) {
      fail_spectrum(j, broken, out);
      continue;
    }
    ops::SingularValues sv = ops::gesvd_values(B);
    if (sv.info != 0)
      fail_spectrum(j, fmt::format("{} failed (info {})", sv.routine, sv.info), out);
    else
      spectrum_measurements(j, sv.sigma, out);
  }
  return out;
}

// The QR sweep of B_j^T... in T: Q_j R_j = J^T Q_{j-1}. With keep_t, T_j = R_j T_{j-1} is
// kept, divided by a power of two after each step so its largest entry stays near 1.
template <class T>
std::vector<Measurement> qr_sweep(const StoredChain<T>& c, const std::vector<int>& depths, bool keep_t) {
  std::vector<Measurement> out;
  const int d = c.d;
  Dense<T> V;  // the previous step's reflectors
  std::vector<T> tau;
  std::vector<double> log_r(d, 0.0);  // sum over steps of ln|R_k,ii|
  Dense<T> Tacc = Dense<T>::identity(d);
  std::int64_t log2_scale = 0;  // T_j = Tacc * 2^log2_scale
  bool singular = false;        // some R_j has an exact zero on its diagonal
  std::string broken;
  auto fail_all = [&](int j, const std::string& why) {
    if (keep_t) return fail_spectrum(j, why, out);
    for (const char* q : {"log10_kappa", "sigma_max", "sigma_min", "qr_ln_r11", "qr_ln_rdd"})
      out.push_back(failed(j, q, why));
  };
  for (int j = 1; j <= c.L; ++j) {
    if (broken.empty()) {
      Dense<T> C = backward_factor(c, c.layer_of_step(j));
      int info = j > 1 ? ops::apply_q_right(C, V, tau) : 0;
      if (info == 0) info = ops::geqrf(C, tau);
      if (info != 0 || !finite_matrix(C)) {
        broken = fmt::format("the QR step failed at depth {} ({})", j,
                             info ? fmt::format("LAPACK info {}", info) : "entries not finite");
      } else {
        for (int i = 0; i < d; ++i) {
          log_r[i] += std::log(std::fabs(to_double(C(i, i))));
          // An exact zero of R: a zero column of J^T (a ReLU unit off), not rounding.
          singular = singular || C(i, i) == T(0);
        }
        if (keep_t) {
          ops::trmm_upper(C, Tacc);  // reads C's upper triangle: R_j
          const double big = to_double(max_abs(Tacc.a));
          if (big == 0 || !std::isfinite(big)) {
            broken = fmt::format("the triangular factor became {} at depth {}", big == 0 ? "zero" : "non-finite", j);
          } else {
            const int e = std::ilogb(big) + 1;
            for (T& x : Tacc.a) x = times_pow2(x, -e);
            log2_scale += e;
          }
        }
        V = std::move(C);
      }
    }
    if (!listed(depths, j)) continue;
    if (!broken.empty()) {
      fail_all(j, broken);
      continue;
    }
    if (!keep_t) {
      // Benettin's estimate: ln sigma_i ~ the accumulated ln|R_ii|, sorted.
      const auto [lo, hi] = std::minmax_element(log_r.begin(), log_r.end());
      out.push_back(measured(j, 0, "log10_kappa", (*hi - *lo) / std::log(10.0)));
      out.push_back(measured(j, 0, "sigma_max", std::exp(*hi)));
      out.push_back(measured(j, 0, "sigma_min", std::exp(*lo)));
      out.push_back(measured(j, 0, "qr_ln_r11", log_r[0]));
      out.push_back(measured(j, 0, "qr_ln_rdd", log_r[d - 1]));
      continue;
    }
    // Below the smallest normal number the diagonal of T_j has lost its digits.
    double min_diag = INFINITY;
    for (int i = 0; i < d; ++i) min_diag = std::min(min_diag, std::fabs(to_double(Tacc(i, i))));
    if (!singular && min_diag < to_double(std::numeric_limits<T>::min())) {
      broken = fmt::format(
          "from depth {}: sigma_min/sigma_max of the product (~{:.1e}) is below {}'s smallest normal number", j,
          min_diag, precision_name<T>());
      fail_all(j, broken);
      continue;
    }
    ops::SingularValues sv = ops::gejsv_values(transpose(Tacc));
    if (sv.info != 0) {
      fail_all(j, fmt::format("{} failed (info {})", sv.routine, sv.info));
      continue;
    }
    for (double& s : sv.sigma) s = std::ldexp(s, static_cast<int>(log2_scale));
    if (singular) sv.sigma.back() = 0;
    spectrum_measurements(j, sv.sigma, out);
  }
  return out;
}

// The standard deviation of the entries (about their mean), in double: what
// layer.weight.std() prints.
template <class T>
double sample_std(const std::vector<T>& a) {
  double mean = 0, ss = 0;
  for (const T& x : a) mean += to_double(x);
  mean /= static_cast<double>(a.size());
  for (const T& x : a) ss += (to_double(x) - mean) * (to_double(x) - mean);
  return std::sqrt(ss / static_cast<double>(a.size() - 1));
}

template <class T>
std::vector<Measurement> monitor(const StoredChain<T>& c) {
  std::vector<Measurement> out;
  for (int l = 0; l < c.L; ++l) {
    ops::SingularValues sv = ops::gesvd_values(c.W[l]);
    Measurement k = measured(0, l + 1, "weight_kappa", kNaN), w = measured(0, l + 1, "weight_warn", kNaN);
    if (sv.info != 0) {
      k.status = w.status = "failed";
      k.reason = w.reason = fmt::format("{} failed (info {})", sv.routine, sv.info);
    } else {
      k.value = sv.sigma.back() > 0 ? sv.sigma.front() / sv.sigma.back() : INFINITY;
      w.value = k.value > kWarnKappa ? 1 : 0;
    }
    out.push_back(k);
    out.push_back(w);
    out.push_back(measured(0, l + 1, "weight_std", sample_std(c.W[l].a)));
  }
  return out;
}

}  // namespace

const std::vector<MethodInfo>& chain_methods() {
  static const std::vector<MethodInfo> m{
      {"chain.backprop",
       "the lecture's simulate_gradient_flow: g pushed back through J^T layer by layer in the working precision; "
       "also a unit tangent pushed forward through J (forward mode)"},
      {"chain.explicit_svd", "the product of the Jacobians formed in the working precision (GEMM), then ?gesvd"},
      {"chain.qr_sweep",
       "discrete QR (Benettin) iteration: Q_j R_j = J^T Q_{j-1} (?geqrf, ?ormqr); sigma_i from the "
       "accumulated ln|R_ii|"},
      {"chain.qr_jacobi", "the QR sweep keeping T = R_j ... R_1 (?trmm, rescaled), then ?gejsv (JOBA='C') on T^T"},
      {"chain.monitor",
       "the lecture's monitor_weight_conditioning: kappa of each weight matrix by ?gesvd, warn if "
       "kappa > 1e6; and the entries' standard deviation"},
  };
  return m;
}

std::vector<std::string> match_methods(const std::string& pattern) {
  std::vector<std::string> out;
  const bool star = !pattern.empty() && pattern.back() == '*';
  const std::string prefix = star ? pattern.substr(0, pattern.size() - 1) : pattern;
  for (const auto& m : chain_methods())
    if (star ? m.name.compare(0, prefix.size(), prefix) == 0 : m.name == pattern) out.push_back(m.name);
  return out;
}

void spectrum_measurements(int depth, const std::vector<double>& sigma, std::vector<Measurement>& out) {
  const double smax = sigma.front(), smin = sigma.back();
  double m1 = 0, m2 = 0;
  for (double s : sigma) {
    m1 += s * s;
    m2 += s * s * s * s;
  }
  m1 /= static_cast<double>(sigma.size());
  m2 /= static_cast<double>(sigma.size());
  out.push_back(measured(depth, 0, "log10_kappa", smin > 0 ? std::log10(smax) - std::log10(smin) : INFINITY));
  out.push_back(measured(depth, 0, "sigma_max", smax));
  out.push_back(measured(depth, 0, "sigma_min", smin));
  out.push_back(measured(depth, 0, "jjt_mean", m1));
  out.push_back(measured(depth, 0, "jjt_variance", m1 > 0 ? m2 / (m1 * m1) - 1 : kNaN));
}

template <class T>
std::vector<Measurement> run_method(const std::string& method, const StoredChain<T>& chain,
                                    const std::vector<int>& depths) {
  if (method == "chain.backprop") return backprop(chain, depths);
  if (method == "chain.explicit_svd") return explicit_svd(chain, depths);
  if (method == "chain.qr_sweep") return qr_sweep(chain, depths, false);
  if (method == "chain.qr_jacobi") return qr_sweep(chain, depths, true);
  if (method == "chain.monitor") return monitor(chain);
  throw std::invalid_argument("unknown chain method '" + method + "'");
}

// The working precisions (working_precision.hpp).
template std::vector<Measurement> run_method<float>(const std::string&, const StoredChain<float>&,
                                                    const std::vector<int>&);
template std::vector<Measurement> run_method<double>(const std::string&, const StoredChain<double>&,
                                                     const std::vector<int>&);
template std::vector<Measurement> run_method<Bf16>(const std::string&, const StoredChain<Bf16>&,
                                                   const std::vector<int>&);
template std::vector<Measurement> run_method<Fp16>(const std::string&, const StoredChain<Fp16>&,
                                                   const std::vector<int>&);

}  // namespace condbench::chains
