#include "studies/generators/generator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace condbench {

std::string format_param(const ParamValue& v) {
  if (const double* d = std::get_if<double>(&v)) {
    // Integers print as integers, everything else round-trips (%.17g trimmed).
    if (*d == static_cast<double>(static_cast<long long>(*d)) && std::abs(*d) < 1e15)
      return fmt::format("{}", static_cast<long long>(*d));
    return fmt::format("{}", *d);  // shortest representation that round-trips
  }
  if (const bool* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return std::get<std::string>(v);
}

std::string make_case_id(const std::string& generator, const std::map<std::string, std::string>& params, int m, int n,
                         std::uint64_t seed) {
  std::string id = generator;
  for (const auto& [k, v] : params) id += ":" + k + "=" + v;
  id += fmt::format(":{}x{}:s{}", m, n, seed);
  return id;
}

GeneratorRegistry& GeneratorRegistry::instance() {
  static GeneratorRegistry r;
  return r;
}

void GeneratorRegistry::add(std::unique_ptr<Generator> g) {
  if (find(g->info().name)) throw std::logic_error("generator registered twice: " + g->info().name);
  gens_.push_back(std::move(g));
}

const Generator* GeneratorRegistry::find(const std::string& name) const {
  for (const auto& g : gens_)
    if (g->info().name == name) return g.get();
  return nullptr;
}

std::vector<const Generator*> GeneratorRegistry::all() const {
  std::vector<const Generator*> v;
  for (const auto& g : gens_) v.push_back(g.get());
  std::sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->info().name < b->info().name; });
  return v;
}

std::vector<std::string> GeneratorRegistry::names() const {
  std::vector<std::string> v;
  for (const Generator* g : all()) v.push_back(g->info().name);
  return v;
}

}  // namespace condbench
