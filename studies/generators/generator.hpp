// Problem generators: a name, documented parameters, validation, and a
// generate() that is a pure function of (parameters, m, n, seed).
#pragma once

#include "studies/problem.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace condbench {

// A single parameter value, as given in a study file (after sweeps are expanded).
using ParamValue = std::variant<double, std::string, bool>;
using ParamMap = std::map<std::string, ParamValue>;

std::string format_param(const ParamValue& v);  // 1e+10, geometric, true

struct ParamDoc {
  std::string name;
  std::string type;           // "number", "string", "bool"
  std::string default_value;  // as text, empty = required
  std::string help;           // one line, lists the allowed values
};

struct GeneratorInfo {
  std::string name;
  std::string description;
  std::vector<ParamDoc> params;
  std::vector<ProblemKind> kinds;  // kinds it can produce
  // Peak m x n double matrices generate() holds (for the study's memory check before a run).
  double peak_matrices = 5;
};

// A generator failure caused by the user's parameters: the runner turns it into
// "file:key: message", exit code 2.
struct ParamError {
  std::string key;
  std::string message;
};

class Generator {
 public:
  virtual ~Generator() = default;
  virtual const GeneratorInfo& info() const = 0;
  // The problem kind these parameters produce (the runner needs it before generating).
  virtual ProblemKind kind(const ParamMap& params) const = 0;
  // Default m for a given n and parameters (square: n; least squares: 2n; ...).
  virtual int default_m(const ParamMap& params, int n) const = 0;
  // Checks parameters (unknown keys, types, ranges) and the shape, before anything runs.
  virtual std::optional<ParamError> validate(const ParamMap& params, int m, int n) const = 0;
  // Deterministic: the same (params, m, n, seed) gives the same bits on every run.
  virtual Problem generate(const ParamMap& params, int m, int n, std::uint64_t seed) const = 0;
};

class GeneratorRegistry {
 public:
  static GeneratorRegistry& instance();
  void add(std::unique_ptr<Generator> g);
  const Generator* find(const std::string& name) const;
  std::vector<const Generator*> all() const;  // sorted by name
  std::vector<std::string> names() const;

 private:
  std::vector<std::unique_ptr<Generator>> gens_;
};

// The case id: generator, resolved parameters (sorted), shape and seed, e.g.
//   randsvd:kappa=1e+10:kind=least_squares:mode=geometric:residual=large:400x200:s2
std::string make_case_id(const std::string& generator, const std::map<std::string, std::string>& params, int m,
                         int n, std::uint64_t seed);

}  // namespace condbench

#define CONDBENCH_REGISTER_GENERATOR(Class)                                                   \
  static const bool CONDBENCH_GEN_CONCAT(condbench_gen_registrar_, __LINE__) = [] {          \
    ::condbench::GeneratorRegistry::instance().add(std::make_unique<Class>());               \
    return true;                                                                             \
  }()
#define CONDBENCH_GEN_CONCAT_(a, b) a##b
#define CONDBENCH_GEN_CONCAT(a, b) CONDBENCH_GEN_CONCAT_(a, b)
