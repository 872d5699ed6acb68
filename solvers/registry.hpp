// The solver registry: every solver registers itself once, by name.
//
// Adding a solver is one new .cpp file with the class and one line
//   CONDBENCH_REGISTER_SOLVER(MyClass);
// The solvers are built as an object library, so the registration is never
// dropped by the linker.
#pragma once

#include "solvers/solver.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace condbench {

class SolverRegistry {
 public:
  static SolverRegistry& instance();

  void add(std::unique_ptr<Solver> s);
  // nullptr when unknown
  const Solver* find(const std::string& name) const;
  // sorted by name
  std::vector<const Solver*> all() const;
  // Solvers whose name matches a pattern: an exact name, a prefix ending in "*"
  // ("lapack.*", "cusolver.irs_*"), or "*".
  std::vector<const Solver*> match(const std::string& pattern) const;
  std::vector<std::string> names() const;

 private:
  std::vector<std::unique_ptr<Solver>> solvers_;
};

namespace detail {
template <class S>
struct SolverRegistrar {
  SolverRegistrar() { SolverRegistry::instance().add(std::make_unique<S>()); }
};
}  // namespace detail

}  // namespace condbench

#define CONDBENCH_CONCAT_(a, b) a##b
#define CONDBENCH_CONCAT(a, b) CONDBENCH_CONCAT_(a, b)
#define CONDBENCH_REGISTER_SOLVER(Class) \
  static const ::condbench::detail::SolverRegistrar<Class> CONDBENCH_CONCAT(condbench_registrar_, __LINE__) {}
