// The solver family lapack.<method>@<stack>: a LAPACK method of this folder on a stack a study defined
// ([[stack]], studies/runner/stacks.cpp). A family rather than registration at parse time, so that a name is
// checked where it is written (an unknown stack or method is a file:line message) and so that stack solvers exist
// only for the stacks a study asks for.
#include <fmt/format.h>

#include "solvers/lapack/lapack_solver.hpp"
#include "solvers/lapack/stack.hpp"

namespace condbench::lapack {
namespace {

std::string method_names() {
  std::string s;
  for (const MethodEntry& m : methods()) s += (s.empty() ? "" : ", ") + m.name;
  return s;
}

std::unique_ptr<Solver> make(const std::string& name) {
  const std::size_t at = name.find('@');
  if (at == std::string::npos) return nullptr;  // lapack.lu and unknown lapack.* names are not the family's
  const std::string method = name.substr(0, at), stack = name.substr(at + 1);
  auto m = std::find_if(methods().begin(), methods().end(), [&](const MethodEntry& e) { return e.name == method; });
  if (m == methods().end())
    throw std::invalid_argument(
        fmt::format("'{}' is not a LAPACK method that runs on stacks (those are: {})", method, method_names()));
  Stack* s = StackRegistry::instance().find(stack);
  if (!s) {
    std::string defined;
    for (const Stack* d : StackRegistry::instance().all()) defined += (defined.empty() ? "" : ", ") + d->spec().name;
    throw std::invalid_argument(fmt::format("no stack '{}': define it in a [[stack]] table of the study{}", stack,
                                            defined.empty() ? "" : " (defined: " + defined + ")"));
  }
  return m->make(*s);
}

const bool registered = [] {
  SolverRegistry::instance().add_family(
      {"lapack.", "lapack.<method>@<stack>: a lapack.* method on a BLAS/LAPACK [[stack]] of the study", make});
  return true;
}();

}  // namespace
}  // namespace condbench::lapack
