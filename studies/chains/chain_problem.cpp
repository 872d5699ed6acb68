#include "studies/chains/chain_problem.hpp"

#include "studies/generators/construct.hpp"
#include "studies/generators/rng.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>

namespace condbench::chains {
namespace {

// FNV-1a: a stable 64-bit hash of the spec's text (std::hash is not specified).
std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

// Ingredient streams: the input, g and u, then one per layer.
enum : std::uint64_t { kInput = 0, kGradient = 1, kTangent = 2, kFirstLayer = 16 };

arma::mat weights(Init init, double scale, int d, Rng& rng) {
  arma::mat W(d, d);
  const double sd = init_gain(init) * scale / std::sqrt(static_cast<double>(d));
  switch (init) {
    case Init::gaussian:
    case Init::xavier_normal:
    case Init::he_normal:
      rng.fill_normal(W.memptr(), W.n_elem);
      return W * sd;
    case Init::xavier_uniform:
    case Init::torch_default: {
      // U(-a, a) has standard deviation a / sqrt(3).
      const double a = sd * std::sqrt(3.0);
      for (double& x : W) x = a * (2 * rng.uniform() - 1);
      return W;
    }
    case Init::orthogonal:
      return haar_orthogonal(rng, d) * scale;
  }
  return W;
}

arma::vec unit_vector(Rng& rng, int d) {
  arma::vec v(d);
  rng.fill_normal(v.memptr(), v.n_elem);
  return v / norm2(v);
}

// W h in plain loops: the pre-activations do not depend on the BLAS or its threads.
arma::vec matvec(const arma::mat& W, const arma::vec& h) {
  arma::vec z(W.n_rows, arma::fill::zeros);
  for (arma::uword k = 0; k < W.n_cols; ++k)
    for (arma::uword i = 0; i < W.n_rows; ++i) z[i] += W(i, k) * h[k];
  return z;
}

}  // namespace

ChainProblem generate_chain(const ChainSpec& spec, std::uint64_t seed) {
  ChainProblem p;
  p.d = spec.width;
  p.L = spec.layers();
  p.residual = spec.residual;
  // The depth is not part of the stream key: a deeper chain extends a shallower one.
  const std::uint64_t base = fnv1a(fmt::format("d{}:{}:s={}:{}:res{}", spec.width, to_string(spec.init), spec.scale,
                                               to_string(spec.activation), spec.residual ? 1 : 0));
  auto stream = [&](std::uint64_t id) { return Rng(seed, base + id); };
  for (int l = 0; l < p.L; ++l) {
    Rng rng = stream(kFirstLayer + static_cast<std::uint64_t>(l));
    p.W.push_back(weights(spec.init, spec.scale, p.d, rng));
  }
  if (spec.activation != Activation::linear) {
    Rng rng = stream(kInput);
    arma::vec h(p.d);
    rng.fill_normal(h.memptr(), h.n_elem);
    for (int l = 0; l < p.L; ++l) {
      arma::vec z = matvec(p.W[l], h);
      arma::vec dphi(p.d), phi(p.d);
      for (int i = 0; i < p.d; ++i) {
        if (spec.activation == Activation::relu) {
          dphi[i] = z[i] > 0 ? 1.0 : 0.0;
          phi[i] = z[i] > 0 ? z[i] : 0.0;
        } else {
          phi[i] = std::tanh(z[i]);
          dphi[i] = 1 - phi[i] * phi[i];
        }
      }
      p.dphi.push_back(dphi);
      h = spec.residual ? arma::vec(h + phi) : phi;
    }
  }
  Rng rg = stream(kGradient), ru = stream(kTangent);
  p.g = unit_vector(rg, p.d);
  p.u = unit_vector(ru, p.d);
  return p;
}

}  // namespace condbench::chains
