// The executable's cusolver.* solvers: one proxy per catalogue entry, always listed.
// The first question that needs the GPU (can you run? solve this) loads the module;
// from then on a proxy forwards to the module's real solver, or says why it cannot.
#include "solvers/cusolver/catalogue.hpp"
#include "solvers/cusolver/loader.hpp"
#include "solvers/registry.hpp"

namespace condbench::cusolver {
namespace {

class Proxy : public Solver {
 public:
  explicit Proxy(SolverInfo info) : info_(std::move(info)) {}
  const SolverInfo& info() const override { return info_; }
  std::string unavailable_reason() const override { return module().reason; }
  SolveOutcome<float> solve(const SolveInput<float>& in) const override { return forward(in); }
  SolveOutcome<double> solve(const SolveInput<double>& in) const override { return forward(in); }

 private:
  template <class T>
  SolveOutcome<T> forward(const SolveInput<T>& in) const {
    const ModuleStatus& m = module();
    if (m.state != ModuleState::available) return SolveOutcome<T>::failure(m.reason);
    return m.find(info_.name)->solve(in);  // the loader checked that every catalogue name is there
  }

  SolverInfo info_;
};

[[maybe_unused]] const bool registered = [] {
  for (const SolverInfo& i : catalogue()) SolverRegistry::instance().add(std::make_unique<Proxy>(i));
  return true;
}();

}  // namespace
}  // namespace condbench::cusolver
