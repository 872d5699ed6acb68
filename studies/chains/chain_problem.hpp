// One chain case generated (in double) from its spec and seed, and stored in a working
// precision: the factors every method and the reference see.
//
// Reproducible from the case id and seed: each ingredient (each layer's weights, the
// input, g, u) comes from its own stream of the project's Rng (generators/rng.hpp), keyed
// by the spec's parameters without the depth, so layer l's weights do not depend on
// how deep the chain is. Orthogonal weights use the Haar construction of
// generators/construct.hpp (LAPACK QR: bit-reproducible for one build and BLAS).
#pragma once

#include "studies/chains/chain_spec.hpp"
#include "studies/chains/kernels.hpp"

#include <armadillo>

#include <cstdint>
#include <vector>

namespace condbench::chains {

struct ChainProblem {
  int d = 0, L = 0;
  bool residual = false;
  std::vector<arma::mat> W;     // W[l] is layer l+1's weight matrix
  std::vector<arma::vec> dphi;  // phi'(z_l) at the forward pre-activations; empty for linear chains
  arma::vec g, u;               // unit loss gradient at the output; unit tangent for the forward mode
};

ChainProblem generate_chain(const ChainSpec& spec, std::uint64_t seed);

// The chain as stored in working precision T: every entry rounded once from double.
template <class T>
struct StoredChain {
  int d = 0, L = 0;
  bool residual = false;
  std::vector<Dense<T>> W;
  std::vector<std::vector<T>> dphi;  // empty: linear
  std::vector<T> g, u;

  // Layer (0-based) of the j-th backward step (j = 1..L): the top layer first.
  int layer_of_step(int j) const { return L - j; }
};

template <class T>
StoredChain<T> store_chain(const ChainProblem& p) {
  StoredChain<T> s;
  s.d = p.d;
  s.L = p.L;
  s.residual = p.residual;
  for (const arma::mat& W : p.W) {
    Dense<T> w(p.d, p.d);
    for (int j = 0; j < p.d; ++j)
      for (int i = 0; i < p.d; ++i) w(i, j) = T(W(i, j));
    s.W.push_back(std::move(w));
  }
  for (const arma::vec& v : p.dphi) {
    std::vector<T> t(p.d);
    for (int i = 0; i < p.d; ++i) t[i] = T(v[i]);
    s.dphi.push_back(std::move(t));
  }
  for (int i = 0; i < p.d; ++i) {
    s.g.push_back(T(p.g[i]));
    s.u.push_back(T(p.u[i]));
  }
  return s;
}

// The stored chain in another type, entry by entry (widening is exact).
template <class To, class From>
StoredChain<To> convert_chain(const StoredChain<From>& c) {
  StoredChain<To> s;
  s.d = c.d;
  s.L = c.L;
  s.residual = c.residual;
  for (const auto& w : c.W) s.W.push_back(convert_dense<To>(w));
  for (const auto& v : c.dphi) {
    std::vector<To> t;
    for (const auto& x : v) t.push_back(To(to_double(x)));
    s.dphi.push_back(std::move(t));
  }
  for (const auto& x : c.g) s.g.push_back(To(to_double(x)));
  for (const auto& x : c.u) s.u.push_back(To(to_double(x)));
  return s;
}

// out = J_l^T v = W_l^T (dphi_l .* v) (+ v): one backward step, in T.
template <class T>
void backward_step(const StoredChain<T>& c, int layer, const T* v, T* out) {
  const int d = c.d;
  std::vector<T> dv(v, v + d);
  if (!c.dphi.empty())
    for (int i = 0; i < d; ++i) dv[i] = c.dphi[layer][i] * v[i];
  const Dense<T>& W = c.W[layer];
  for (int i = 0; i < d; ++i) {
    T s(0);
    const T* w = W.col(i);
    for (int k = 0; k < d; ++k) s += w[k] * dv[k];
    out[i] = c.residual ? T(s + v[i]) : s;
  }
}

// out = J_l v = dphi_l .* (W_l v) (+ v): one forward-mode step, in T.
template <class T>
void forward_step(const StoredChain<T>& c, int layer, const T* v, T* out) {
  const int d = c.d;
  std::vector<T> s(d, T(0));
  const Dense<T>& W = c.W[layer];
  for (int k = 0; k < d; ++k) {
    const T vk = v[k];
    const T* w = W.col(k);
    for (int i = 0; i < d; ++i) s[i] += w[i] * vk;
  }
  for (int i = 0; i < d; ++i) {
    T x = c.dphi.empty() ? s[i] : T(c.dphi[layer][i] * s[i]);
    out[i] = c.residual ? T(x + v[i]) : x;
  }
}

// J_l^T as a matrix, formed in T: (J_l^T)(i, k) = W_l(k, i) dphi_l(k) (+ 1 on the diagonal).
template <class T>
Dense<T> backward_factor(const StoredChain<T>& c, int layer) {
  const int d = c.d;
  Dense<T> A(d, d);
  const Dense<T>& W = c.W[layer];
  for (int k = 0; k < d; ++k)
    for (int i = 0; i < d; ++i) A(i, k) = c.dphi.empty() ? W(k, i) : T(W(k, i) * c.dphi[layer][k]);
  if (c.residual)
    for (int i = 0; i < d; ++i) A(i, i) += T(1);
  return A;
}

// True when some J_l has an all-zero row (a ReLU unit off): the product is exactly singular.
template <class T>
bool exactly_singular(const StoredChain<T>& c, int first_layer, int last_layer) {
  if (c.residual || c.dphi.empty()) return false;
  for (int l = first_layer; l <= last_layer; ++l)
    for (const T& x : c.dphi[l])
      if (x == T(0)) return true;
  return false;
}

}  // namespace condbench::chains
