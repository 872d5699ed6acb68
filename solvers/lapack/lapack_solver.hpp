// One LAPACK-based method, runnable on the linked library and on every BLAS/LAPACK stack.
//
// A method is a struct with its name, description, kinds, f32/f64, the routines it calls (`symbols`, checked
// before a stack runs it) and
//   template <class T> static SolveOutcome<T> run(const lapack::Api& f, const SolveInput<T>& in);
// CONDBENCH_REGISTER_LAPACK_SOLVER(Method) registers it as a built-in solver on the linked library
// ("lapack.lu") and records it for the stack family ("lapack.lu@netlib", stack_family.cpp).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "solvers/flops.hpp"
#include "solvers/lapack/backend.hpp"
#include "solvers/registry.hpp"

namespace condbench::lapack {

template <class Method>
class LapackSolver final : public SolverT<LapackSolver<Method>> {
 public:
  explicit LapackSolver(const Backend& backend) : backend_(backend) {
    info_.name = std::string(Method::name) + backend.suffix();
    info_.description = Method::description;
    info_.kinds = Method::kinds;
    info_.f32 = Method::f32;
    info_.f64 = Method::f64;
    info_.origin = backend.origin();
    info_.flop_method = flop_method_of(Method::name);
  }

  const SolverInfo& info() const override { return info_; }
  std::string unavailable_reason() const override { return backend_.unavailable_reason(Method::symbols); }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    // Never call through a null entry, even when a caller skipped why_not(). Empty for the linked library.
    if (std::string why = backend_.unavailable_reason(Method::symbols); !why.empty())
      return SolveOutcome<T>::failure(why);
    SolveOutcome<T> out;
    backend_.call([&] { out = Method::template run<T>(backend_.api(), in); });
    backend_.annotate(out.facts);
    return out;
  }

 private:
  const Backend& backend_;
  SolverInfo info_;
};

// The methods that can run on a stack, in registration order.
struct MethodEntry {
  std::string name;  // "lapack.lu"
  std::function<std::unique_ptr<Solver>(const Backend&)> make;
};
std::vector<MethodEntry>& methods();

template <class Method>
struct MethodRegistrar {
  MethodRegistrar() {
    SolverRegistry::instance().add(std::make_unique<LapackSolver<Method>>(linked_backend()));
    methods().push_back(
        {Method::name, [](const Backend& b) -> std::unique_ptr<Solver> { return std::make_unique<LapackSolver<Method>>(b); }});
  }
};

}  // namespace condbench::lapack

#define CONDBENCH_REGISTER_LAPACK_SOLVER(Method)                 \
  static const ::condbench::lapack::MethodRegistrar<Method> CONDBENCH_CONCAT(condbench_lapack_registrar_, __LINE__) {}
