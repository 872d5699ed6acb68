// The explicit route of the chain reference: the product formed from the stored factors
// in Boost.Multiprecision, then Householder QR and one-sided Jacobi in the same precision.
#include "studies/chains/reference.hpp"

#include "studies/chains/reference_detail.hpp"

#include <armadillo>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace condbench::chains {
namespace {

template <unsigned Digits>
using Mp = boost::multiprecision::number<boost::multiprecision::cpp_bin_float<Digits>, boost::multiprecision::et_off>;

// Precision tiers (decimal digits): each is a separate instantiation of the kernels.
constexpr unsigned kTiers[] = {50, 100, 200, 400};

bool listed(const std::vector<int>& depths, int j) { return std::binary_search(depths.begin(), depths.end(), j); }

template <class T>
Dense<T> factor(const StoredChain<double>& c, int layer) {
  const int d = c.d;
  Dense<T> A(d, d);
  const Dense<double>& W = c.W[layer];
  for (int k = 0; k < d; ++k)
    for (int i = 0; i < d; ++i) A(i, k) = c.dphi.empty() ? T(W(k, i)) : T(T(W(k, i)) * T(c.dphi[layer][k]));
  if (c.residual)
    for (int i = 0; i < d; ++i) A(i, i) += T(1);
  return A;
}

template <unsigned D>
void run(const StoredChain<double>& c, const std::vector<int>& depths, ChainReference& out) {
  using T = Mp<D>;
  const int d = c.d;
  const T tol = T(d) * pow(T(10), -static_cast<int>(D) + 5);
  Dense<T> B;
  bool singular = false;
  int max_sweeps = 0;
  std::string failure;
  for (int j = 1; j <= c.L; ++j) {
    const int layer = c.layer_of_step(j);
    singular = singular || exactly_singular(c, layer, layer);
    B = j == 1 ? factor<T>(c, layer) : multiply(factor<T>(c, layer), B);
    if (!listed(depths, j)) continue;
    Dense<T> R = B;
    std::vector<T> tau;
    householder_qr(R, tau);
    out.set(j, 0, "qr_ln_r11", to_double(T(log(T(abs(R(0, 0)))))));
    out.set(j, 0, "qr_ln_rdd", to_double(T(log(T(abs(R(d - 1, d - 1)))))));
    // R^T (the reflectors below the diagonal dropped), scaled so its largest entry is ~1.
    Dense<T> G(d, d);
    T big(0);
    for (int jj = 0; jj < d; ++jj)
      for (int i = 0; i <= jj; ++i) big = std::max(big, T(abs(R(i, jj))));
    if (big == T(0)) {
      failure = fmt::format("the product is zero from depth {} (a dead layer)", j);
      break;
    }
    for (int jj = 0; jj < d; ++jj)
      for (int i = 0; i <= jj; ++i) G(jj, i) = R(i, jj) / big;
    JacobiResult<T> jr = graded_singular_values(std::move(G), tol);
    max_sweeps = std::max(max_sweeps, jr.sweeps);
    if (!jr.converged) {
      failure = fmt::format("one-sided Jacobi did not converge in {} sweeps at depth {}", jr.sweeps, j);
      break;
    }
    for (T& s : jr.sigma) s *= big;
    detail::fill_spectrum(out, j, jr.sigma, 0, singular);
  }
  for (const char* q : detail::kSpectrumQuantities) {
    out.method[q] = fmt::format("explicit: cpp_bin_float<{}>, QR, Jacobi", D);
    if (!failure.empty()) out.failure[q] = failure;
    out.note[q] = fmt::format("Jacobi sweeps <= {}", max_sweeps);
  }
}

}  // namespace

int explicit_route_digits(const StoredChain<double>& c) {
  // Forming B_j in p digits errs by about L d 10^-p prod ||J_l||, and
  // sigma_min(B_j) >= prod sigma_min(J_l): p = wanted + log10(L d) + sum log10 kappa(J_l)
  // keeps the rounding below 10^-wanted sigma_min. An exactly singular chain needs no
  // kappa term: sigma_min = 0 is known, and only the large singular values are computed.
  const bool singular = exactly_singular(c, 0, c.L - 1);
  double sum = 0;
  if (!singular) {
    for (int l = 0; l < c.L; ++l) {
      Dense<double> A = backward_factor(c, l);
      arma::vec s = arma::svd(arma::mat(A.data(), c.d, c.d));
      sum += s(s.n_elem - 1) > 0 ? std::log10(s(0) / s(s.n_elem - 1)) : 400;
    }
  }
  return 30 + static_cast<int>(std::ceil(std::log10(double(c.L) * c.d) + sum));
}

void explicit_spectrum_reference(const StoredChain<double>& c, const std::vector<int>& depths, ChainReference& out) {
  const int digits = explicit_route_digits(c);
  if (digits <= 50) return run<50>(c, depths, out);
  if (digits <= 100) return run<100>(c, depths, out);
  if (digits <= 200) return run<200>(c, depths, out);
  if (digits <= 400) return run<400>(c, depths, out);
  for (const char* q : detail::kSpectrumQuantities) {
    out.method[q] = "explicit: product in cpp_bin_float";
    out.failure[q] = fmt::format("needs {} decimal digits, more than the largest tier ({}); use the graded route",
                                 digits, kTiers[std::size(kTiers) - 1]);
  }
}

}  // namespace condbench::chains
