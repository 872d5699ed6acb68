// Shared by the two routes of the chain reference (reference.cpp, reference_explicit.cpp).
#pragma once

#include "studies/chains/reference.hpp"
#include "studies/chains/scalar.hpp"

#include <cmath>
#include <cstdint>
#include <vector>

namespace condbench::chains::detail {

inline const char* const kSpectrumQuantities[] = {"log10_kappa",  "sigma_max", "sigma_min", "jjt_mean",
                                                  "jjt_variance", "qr_ln_r11", "qr_ln_rdd"};

// Spectrum quantities of B_j from its singular values sigma_i * 2^e (sigma descending,
// in the reference's type, so ratios and the variance's cancellation keep its digits).
template <class T>
void fill_spectrum(ChainReference& out, int j, const std::vector<T>& sigma, std::int64_t e, bool singular) {
  using std::log10;
  const T s1 = sigma.front(), sn = sigma.back();
  T m1(0), m2(0);
  for (const T& s : sigma) {
    const T s2 = s * s;
    m1 += s2;
    m2 += s2 * s2;
  }
  const T n(static_cast<double>(sigma.size()));
  m1 /= n;
  m2 /= n;
  const int ei = static_cast<int>(e);
  out.set(j, 0, "log10_kappa", singular || sn == T(0) ? INFINITY : to_double(T(log10(T(s1 / sn)))));
  out.set(j, 0, "sigma_max", std::ldexp(to_double(s1), ei));
  out.set(j, 0, "sigma_min", singular ? 0.0 : std::ldexp(to_double(sn), ei));
  out.set(j, 0, "jjt_mean", std::ldexp(to_double(m1), 2 * ei));
  out.set(j, 0, "jjt_variance", m1 == T(0) ? std::nan("") : to_double(T(m2 / (m1 * m1) - T(1))));
}

}  // namespace condbench::chains::detail
