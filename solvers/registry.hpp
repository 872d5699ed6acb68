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
#include <mutex>
#include <string>
#include <vector>

namespace condbench {

// Solvers whose names carry parameters, in the grammar of case ids
// ("ir.lu:uf=fp16:ur=f64", "lapack.lu@netlib"): a family builds one the first time
// its name is asked for. `make` throws std::invalid_argument saying what is wrong
// with a name that starts with the prefix but is not well formed.
struct SolverFamily {
  std::string prefix;   // "ir.lu:" -- a name starting with it belongs to the family
  std::string grammar;  // one line for `condbench list solvers`
  std::function<std::unique_ptr<Solver>(const std::string& name)> make;
};

class SolverRegistry {
 public:
  static SolverRegistry& instance();

  // Throws std::logic_error on a duplicate name (built-in code), std::invalid_argument
  // when the solver comes from outside (plugin, worker): the caller reports it as bad input.
  void add(std::unique_ptr<Solver> s);
  void add_family(SolverFamily f);
  // Removes a solver added at run time (a worker that is shut down, a test's solver).
  void remove(const std::string& name);
  // nullptr when no solver of that name is registered (families are not consulted).
  const Solver* find(const std::string& name) const;
  // A registered solver, or one built by its family; nullptr when the name belongs
  // to nobody; std::invalid_argument when a family rejects it (the message says why).
  const Solver* resolve(const std::string& name);
  // sorted by name
  std::vector<const Solver*> all() const;
  // Solvers whose name matches a pattern: an exact name (families included), a prefix
  // ending in "*" ("lapack.*", "cusolver.irs_*") over the registered solvers, or "*".
  std::vector<const Solver*> match(const std::string& pattern);
  std::vector<std::string> names() const;
  std::vector<SolverFamily> families() const;

 private:
  mutable std::recursive_mutex mu_;
  std::vector<std::unique_ptr<Solver>> solvers_;
  std::vector<SolverFamily> families_;
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
