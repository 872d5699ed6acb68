#include "solvers/lapack/lapack_solver.hpp"

namespace condbench::lapack {
namespace {

class LinkedBackend final : public Backend {
 public:
  const Api& api() const override { return linked_api; }
  const std::string& suffix() const override { return suffix_; }
  std::string origin() const override { return "built-in"; }
  std::string unavailable_reason(std::span<const char* const>) const override { return {}; }
  void annotate(SolverFacts&) const override {}

 private:
  std::string suffix_;
};

}  // namespace

const Backend& linked_backend() {
  static const LinkedBackend b;
  return b;
}

std::vector<MethodEntry>& methods() {
  static std::vector<MethodEntry> m;
  return m;
}

}  // namespace condbench::lapack
