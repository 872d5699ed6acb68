// A layer chain: the problem of a chain study (issue 14, lecture 000 Part 6).
//
// L square layers of width d, h_l = phi(W_l h_{l-1}) (+ h_{l-1} with residual
// connections), zero bias. The layer Jacobian is J_l = D_l W_l (+ I), D_l = diag(phi'(z_l))
// at the forward pre-activations z_l = W_l h_{l-1} of a random input (entries N(0, 1)).
// Backpropagation pushes the loss gradient g (a random unit vector at the output) back
// through J_L^T, J_{L-1}^T, ...: depth j is the top j layers, the lecture's
// gradient_norms[j], and its backward operator is B_j = J_{L-j+1}^T ... J_L^T. Every
// method measures B_j, so its singular values are those of J_L ... J_{L-j+1}.
#pragma once

#include "studies/chains/working_precision.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace condbench::chains {

enum class Init { gaussian, xavier_uniform, xavier_normal, he_normal, orthogonal, torch_default };
enum class Activation { linear, relu, tanh };
// How the reference gets the singular values of B_j (reference.hpp).
enum class RefRoute { graded, explicit_product };

const char* to_string(Init i);
const char* to_string(Activation a);
const char* to_string(RefRoute r);
bool parse_init(const std::string& s, Init& out);
bool parse_activation(const std::string& s, Activation& out);
bool parse_ref_route(const std::string& s, RefRoute& out);
const std::vector<std::string>& init_names();
const std::vector<std::string>& activation_names();
const std::vector<std::string>& ref_route_names();

// Standard deviation of a weight entry times sqrt(d), before `scale`:
// gaussian 1 (the lecture's N(0, s^2/d) with s = scale), xavier_* 1 (fan_in = fan_out = d),
// he_normal sqrt(2), orthogonal 1 (every singular value 1), torch_default 1/sqrt(3)
// (nn.Linear's kaiming_uniform with a = sqrt(5): U(-1/sqrt(d), 1/sqrt(d))).
double init_gain(Init i);
// Whether the entries are iid Gaussian (the exact laws of theory.hpp need it).
bool init_is_gaussian(Init i);

struct ChainSpec {
  int width = 0;
  std::vector<int> depths;  // ascending; the chain has depths.back() layers
  Init init = Init::gaussian;
  double scale = 1;  // multiplies the weights of every init (PyTorch's gain)
  Activation activation = Activation::linear;
  bool residual = false;
  std::vector<std::uint64_t> seeds;
  std::vector<ChainPrecision> precisions;
  std::vector<std::string> methods;  // method names (methods.hpp), resolved
  RefRoute reference = RefRoute::graded;
  std::string where;  // "studies/x.toml:12:1" of its [[chain]] table

  int layers() const { return depths.back(); }
  // Effective s of W ~ N(0, s^2/d): init_gain(init) * scale.
  double effective_scale() const { return init_gain(init) * scale; }
  // "chain:d32:gaussian:s=0.7:linear:L20" (":res" before ":L" with residual connections).
  std::string key() const;
  std::string case_id(std::uint64_t seed) const;
};

}  // namespace condbench::chains
