// Where a lapack.* solver finds its routines: the OpenBLAS condbench is linked with (lapack.lu), or a BLAS/LAPACK
// stack loaded into a link-map namespace of its own (lapack.lu@netlib, stack.hpp). The algorithm code is the same
// (lapack_solver.hpp); only the table of function pointers differs.
#pragma once

#include <functional>
#include <span>
#include <string>

#include "solvers/lapack/lapack.hpp"
#include "solvers/solver.hpp"

namespace condbench::lapack {

class Backend {
 public:
  virtual ~Backend() = default;
  // The routines; entries may be null where unavailable_reason says so.
  virtual const Api& api() const = 0;
  // Appended to the method's name: "" for the linked library, "@netlib" for a stack.
  virtual const std::string& suffix() const = 0;
  // SolverInfo::origin: "built-in", "stack netlib: /usr/lib/.../libblas.so.3 + .../liblapack.so.3".
  virtual std::string origin() const = 0;
  // Empty when every routine named in `symbols` ("dgetrf_", ...) can be called; otherwise why not.
  virtual std::string unavailable_reason(std::span<const char* const> symbols) const = 0;
  // Adds what a row must say about where it ran (the stack's libraries, version, threads); nothing for the
  // linked library, whose version is in run.json's context.
  virtual void annotate(SolverFacts& facts) const = 0;
  // Runs f, which calls the routines, where they must be called: here for the linked library, on the stack's own
  // thread for a stack (call_thread.hpp).
  virtual void call(const std::function<void()>& f) const { f(); }
};

// The linked OpenBLAS: lapack.lu and friends exactly as before stacks existed.
const Backend& linked_backend();

}  // namespace condbench::lapack
