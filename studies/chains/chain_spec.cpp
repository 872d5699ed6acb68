#include "studies/chains/chain_spec.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace condbench::chains {
namespace {

template <class E>
struct Named {
  E value;
  const char* name;
};

const Named<Init> kInits[] = {{Init::gaussian, "gaussian"},           {Init::xavier_uniform, "xavier_uniform"},
                              {Init::xavier_normal, "xavier_normal"}, {Init::he_normal, "he_normal"},
                              {Init::orthogonal, "orthogonal"},       {Init::torch_default, "torch_default"}};
const Named<Activation> kActivations[] = {
    {Activation::linear, "linear"}, {Activation::relu, "relu"}, {Activation::tanh, "tanh"}};
const Named<RefRoute> kRoutes[] = {{RefRoute::graded, "graded"}, {RefRoute::explicit_product, "explicit"}};

template <class E, std::size_t N>
const char* name_of(const Named<E> (&table)[N], E v) {
  for (const auto& t : table)
    if (t.value == v) return t.name;
  throw std::logic_error("unnamed enum value");
}

template <class E, std::size_t N>
bool parse(const Named<E> (&table)[N], const std::string& s, E& out) {
  for (const auto& t : table)
    if (s == t.name) {
      out = t.value;
      return true;
    }
  return false;
}

template <class E, std::size_t N>
std::vector<std::string> names(const Named<E> (&table)[N]) {
  std::vector<std::string> v;
  for (const auto& t : table) v.emplace_back(t.name);
  return v;
}

}  // namespace

const char* to_string(Init i) { return name_of(kInits, i); }
const char* to_string(Activation a) { return name_of(kActivations, a); }
const char* to_string(RefRoute r) { return name_of(kRoutes, r); }
bool parse_init(const std::string& s, Init& out) { return parse(kInits, s, out); }
bool parse_activation(const std::string& s, Activation& out) { return parse(kActivations, s, out); }
bool parse_ref_route(const std::string& s, RefRoute& out) { return parse(kRoutes, s, out); }
const std::vector<std::string>& init_names() {
  static const auto v = names(kInits);
  return v;
}
const std::vector<std::string>& activation_names() {
  static const auto v = names(kActivations);
  return v;
}
const std::vector<std::string>& ref_route_names() {
  static const auto v = names(kRoutes);
  return v;
}

double init_gain(Init i) {
  switch (i) {
    case Init::he_normal:
      return std::sqrt(2.0);
    case Init::torch_default:
      return 1 / std::sqrt(3.0);
    default:
      return 1;
  }
}

bool init_is_gaussian(Init i) { return i == Init::gaussian || i == Init::xavier_normal || i == Init::he_normal; }

std::string ChainSpec::key() const {
  // {} prints the shortest text that reads back as the same double (0.7, not 0.69999...).
  return fmt::format("chain:d{}:{}:s={}:{}{}:L{}", width, to_string(init), scale, to_string(activation),
                     residual ? ":res" : "", layers());
}

std::string ChainSpec::case_id(std::uint64_t seed) const { return fmt::format("{}:s{}", key(), seed); }

}  // namespace condbench::chains
