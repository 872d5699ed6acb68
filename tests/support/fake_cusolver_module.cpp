// A stand-in for libcondbench_cusolver.so that needs no CUDA and no GPU, so that the
// loader and the proxies are tested on every machine: the same entry point, the same
// catalogue, solvers that solve on the CPU (arma::solve) and say they are fake.
// CONDBENCH_FAKE_MODULE_MODE, read at each call of the entry point, makes it break
// one check: abi, tag, catalogue or no_device (default: ok).
#include "solvers/cusolver/catalogue.hpp"
#include "solvers/cusolver/module_api.hpp"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace condbench::fake {
namespace {

std::string mode() {
  const char* m = std::getenv("CONDBENCH_FAKE_MODULE_MODE");
  return m ? m : "ok";
}

class FakeSolver : public SolverT<FakeSolver> {
 public:
  explicit FakeSolver(SolverInfo info) : info_(std::move(info)) {}
  const SolverInfo& info() const override { return info_; }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    SolveOutcome<T> out;
    if (!arma::solve(out.x, in.A, in.b)) return SolveOutcome<T>::failure("fake module: arma::solve failed");
    out.facts.note = "fake GPU module";
    out.facts.extra["fake"] = true;
    out.timing.factor_s = 1e-6;
    return out;
  }

 private:
  SolverInfo info_;
};

const std::vector<std::unique_ptr<Solver>>& all() {
  static const auto v = [] {
    std::vector<std::unique_ptr<Solver>> s;
    for (const SolverInfo& i : cusolver::catalogue()) s.push_back(std::make_unique<FakeSolver>(i));
    return s;
  }();
  return v;
}

std::vector<const Solver*> solvers() {
  std::vector<const Solver*> v;
  for (const auto& s : all()) v.push_back(s.get());
  if (mode() == "catalogue") v.pop_back();
  return v;
}

std::string device_reason() { return mode() == "no_device" ? "fake module: no device" : ""; }
std::string versions() { return "fake module, no CUDA"; }

}  // namespace
}  // namespace condbench::fake

extern "C" const condbench::cusolver::ModuleApi* condbench_cusolver_module_v1() {
  using namespace condbench;
  static const std::string tag = cusolver::abi_tag();
  static cusolver::ModuleApi api{};
  const std::string m = fake::mode();
  api.abi = m == "abi" ? 999 : cusolver::kModuleAbi;
  api.abi_tag = m == "tag" ? "another build" : tag.c_str();
  api.built_with = "no CUDA (fake)";
  api.device_reason = &fake::device_reason;
  api.versions = &fake::versions;
  api.solvers = &fake::solvers;
  return &api;
}
