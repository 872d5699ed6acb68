// The methods of a chain study (its "solvers"): each computes, in the working precision
// T of the stored chain, what a practitioner would compute, at every measured depth.
//
//   chain.backprop      the lecture's simulate_gradient_flow: g pushed back through J_l^T
//                       (grad_norm per depth; zero_depth / nonfinite_depth: the first depth
//                       at which g is exactly 0 or not finite); and for nonlinear chains
//                       the forward mode, a unit tangent pushed through J_l (tangent_norm)
//   chain.explicit_svd  the product B_j formed in T (GEMM), then its singular values (?gesvd)
//   chain.qr_sweep      the discrete QR (Benettin) iteration: Q_j R_j = J^T Q_{j-1}; the
//                       accumulated ln|R_ii| estimate ln sigma_i
//   chain.qr_jacobi     the same sweep keeping T_j = R_j T_{j-1} (rescaled by powers of 2),
//                       then ?gejsv (JOBA = 'C') on T_j^T: accurate for the graded T_j
//   chain.monitor       the lecture's monitor_weight_conditioning: kappa of each weight
//                       matrix by SVD in T, and whether "warn if kappa > 1e6" fires; and
//                       the standard deviation of its entries (the lecture's nn.Linear claim)
//
// Quantities of the product B_j: log10_kappa, sigma_max, sigma_min, jjt_mean (mean
// eigenvalue of B B^T) and jjt_variance (their variance over the squared mean).
#pragma once

#include "studies/chains/chain_problem.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace condbench::chains {

struct Measurement {
  int depth = 0;  // measured depth j (0 for a per-layer quantity)
  int layer = 0;  // 1-based layer of a per-layer quantity (1 = the input side), else 0
  std::string quantity;
  double value = std::nan("");
  std::string status = "ok";  // ok | failed
  std::string reason;         // why it failed
  std::string note;
};

struct MethodInfo {
  std::string name;
  std::string description;
};

const std::vector<MethodInfo>& chain_methods();

// Method names matching a name, "chain.*" or "*" (empty when none does).
std::vector<std::string> match_methods(const std::string& pattern);

// Runs one method on a stored chain; `depths` ascending, the last one = chain.L.
// Throws std::invalid_argument for an unknown method name.
template <class T>
std::vector<Measurement> run_method(const std::string& method, const StoredChain<T>& chain,
                                    const std::vector<int>& depths);

// The spectrum quantities of a product from its singular values (descending).
void spectrum_measurements(int depth, const std::vector<double>& sigma, std::vector<Measurement>& out);

// Threshold of the lecture's monitor_weight_conditioning.
inline constexpr double kWarnKappa = 1e6;

}  // namespace condbench::chains
