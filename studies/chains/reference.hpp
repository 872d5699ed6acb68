// The high-precision reference of a STORED chain (the factors exactly as a working
// precision holds them, widened to double without rounding). It never looks at a
// method's output.
//
// - Vectors (grad_norm, tangent_norm, zero_depth): the same pushes as chain.backprop in
//   double-double (~32 digits), rescaled by powers of two after every layer so nothing
//   overflows or underflows; exact zeros (a dead ReLU layer) stay exact.
// - Spectrum of B_j (log10_kappa, sigma_max/min, jjt_*, qr_ln_*), two routes:
//   graded   (default) the QR sweep keeping T_j = R_j ... R_1, then one-sided Jacobi on
//            T_j^T, all in double-double with the kernels of kernels.hpp (not LAPACK):
//            every singular value to high relative accuracy however large kappa is (the
//            rows of T_j are graded), in O(L d^3) double-double operations: seconds at
//            d = 256, L = 32.
//   explicit B_j formed from the factors in Boost.Multiprecision cpp_bin_float with
//            enough digits that rounding stays below sigma_min (20 wanted + 10 + log10(L d)
//            + sum of log10 kappa(J_l), an upper bound of log10 kappa(B_j)), then
//            Householder QR and one-sided Jacobi in the same precision. Independent of the
//            QR sweep, which is what the tests cross-check the graded route with; minutes
//            at d = 256, so it is chosen per [[chain]] (reference = "explicit").
//   A chain with an exactly zero row in some J_l (a ReLU unit off) is exactly singular:
//   sigma_min = 0 and kappa = inf, whatever rounding would suggest.
// - Weights (weight_kappa, weight_warn): sigma_max and sigma_min of each stored W_l as
//   Rayleigh quotients in double-double at the singular vectors of a double SVD (solves
//   with W_l refined with double-double residuals), with the Kato-Temple bound.
#pragma once

#include "studies/chains/chain_problem.hpp"

#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace condbench::chains {

struct RefNeeds {
  bool vectors = false;   // chain.backprop
  bool spectrum = false;  // chain.explicit_svd, chain.qr_sweep, chain.qr_jacobi
  bool weights = false;   // chain.monitor
};

struct ChainReference {
  std::map<std::tuple<int, int, std::string>, double> values;  // (depth, layer, quantity)
  std::map<std::string, std::string> method;                   // quantity -> how it was computed
  std::map<std::string, std::string> failure;                  // quantity -> why there is none
  std::map<std::string, std::string> note;                     // quantity -> e.g. the Jacobi sweeps
  double seconds = 0;

  double value(int depth, int layer, const std::string& q) const {
    auto it = values.find({depth, layer, q});
    return it == values.end() ? std::nan("") : it->second;
  }
  void set(int depth, int layer, const std::string& q, double v) { values[{depth, layer, q}] = v; }
};

ChainReference chain_reference(const StoredChain<double>& chain, const std::vector<int>& depths, RefRoute route,
                               const RefNeeds& needs);

// The explicit route alone (reference_explicit.cpp): fills the spectrum quantities.
void explicit_spectrum_reference(const StoredChain<double>& chain, const std::vector<int>& depths, ChainReference& out);

// Decimal digits the explicit route uses for a chain (before rounding up to a tier).
int explicit_route_digits(const StoredChain<double>& chain);

}  // namespace condbench::chains
