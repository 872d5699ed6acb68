// BLAS/LAPACK stacks side by side in one process: lapack.lu@netlib, lapack.qr@blis, ...
//
// A second BLAS opened with plain dlopen silently binds to the one already in the process (3 of Debian's 6
// stacks ran on the wrong library, /work/shared/BACKENDS.md §3). So every stack gets a link-map namespace of its
// own, dlmopen(LM_ID_NEWLM): its BLAS is loaded first and becomes the namespace's global scope (netlib LAPACK's
// NEEDED libblas.so.3 and libflame's undefined BLAS symbols bind to it), then its LAPACK into the same namespace.
// Each namespace has its own libc, libgfortran and thread pool; only plain C function pointers (lapack::Api)
// cross the boundary, never a C++ object or exception.
#pragma once

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "solvers/lapack/backend.hpp"
#include "solvers/lapack/call_thread.hpp"

namespace condbench::lapack {

struct StackSpec {
  std::string name;    // "netlib": its solvers are lapack.lu@netlib, ...
  std::string blas;    // path of the BLAS shared object, loaded first
  std::string lapack;  // path of the LAPACK shared object, loaded second; empty: the BLAS object has LAPACK
  int threads = 1;     // the library's thread count, set before its first call; 0: its own default
  std::string where;   // where it was defined ("studies/blas_stacks.toml:12:1"), for messages

  bool same_as(const StackSpec& o) const { return blas == o.blas && lapack == o.lapack && threads == o.threads; }
};

// A [[stack]] entry that cannot be made into a StackSpec; `key` is the entry's key at fault.
struct StackSpecError : std::invalid_argument {
  StackSpecError(std::string key_, const std::string& what) : std::invalid_argument(what), key(std::move(key_)) {}
  std::string key;
};

// The Debian 12 shorthands: BLAS words, LAPACK words and stack names that need no blas/lapack (docs/blas-stacks.md).
std::vector<std::string> blas_shorthands();
std::vector<std::string> lapack_shorthands();
std::vector<std::string> stack_shorthands();

// A stack from a [[stack]] entry. `blas` and `lapack` are paths or shorthands (empty: not given). A stack named
// after a shorthand ("netlib", "blis", "flame", ...) needs neither; a BLAS shorthand without `lapack` brings its
// usual LAPACK (blis: netlib LAPACK); a BLAS path without `lapack` means the BLAS object has LAPACK too.
StackSpec make_stack_spec(const std::string& name, const std::string& blas, const std::string& lapack, int threads,
                          const std::string& where);

// What cannot share this process with the stacks already loaded: no link-map namespace left (glibc 2.36: 15 at
// most, fewer when static TLS runs out), a 64-bit-integer (ILP64) build. The whole run is wrong then: callers
// report it as bad input.
struct StackError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Stack final : public Backend {
 public:
  // Its namespace, once opened, stays open until the process ends: the libraries' thread pools live there.
  explicit Stack(StackSpec spec);
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  const StackSpec& spec() const { return spec_; }

  // Opens the namespace, once. A missing file or a library that does not load makes the stack unavailable, with
  // the reason; throws StackError when the stack cannot share this process.
  void load() const;
  // Empty when loaded and usable; otherwise why not (loading first if needed).
  std::string unavailable() const;
  // Everything known about the stack: paths, libraries that served dgemm_/dgetrf_, versions, threads, state.
  nlohmann::ordered_json describe() const;

  const Api& api() const override { return api_; }
  const std::string& suffix() const override { return suffix_; }
  std::string origin() const override;
  std::string unavailable_reason(std::span<const char* const> symbols) const override;
  void annotate(SolverFacts& facts) const override;
  void call(const std::function<void()>& f) const override { thread_.run(f); }

 private:
  // Loading is lazy (a solver asked before its study loaded the stack loads it then), so the state it fills
  // is mutable; once attempted it never changes.
  void load_locked() const;
  void probe_loaded() const;  // ILP64 check, routines, facts; on the stack's thread
  void resolve_routines() const;
  void record_facts(int ilaver_major, int ilaver_minor, int ilaver_patch) const;
  std::pair<int, std::string> apply_threads() const;  // the count in effect, and how it was set and read

  StackSpec spec_;
  std::string suffix_;
  mutable std::mutex mu_;
  mutable bool attempted_ = false;
  mutable std::string unavailable_;  // why not usable, once attempted
  mutable std::string error_;        // a StackError's message, thrown again by every load()
  mutable void* blas_ = nullptr;
  mutable void* lapack_ = nullptr;
  mutable long namespace_id_ = -1;
  mutable Api api_{};
  mutable std::vector<std::string> missing_;  // routines of the table the libraries do not have
  mutable nlohmann::ordered_json facts_ = nlohmann::ordered_json::object();    // per row
  mutable nlohmann::ordered_json details_ = nlohmann::ordered_json::object();  // for describe()
  mutable CallThread thread_;
};

// Every stack defined in this process, by name.
class StackRegistry {
 public:
  static StackRegistry& instance();
  // The stack of that name: a new one, or the one already defined when the definition is the same. Throws
  // std::invalid_argument when the name is taken by a different definition.
  Stack& define(const StackSpec& spec);
  Stack* find(const std::string& name) const;
  std::vector<Stack*> all() const;  // in definition order

 private:
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Stack>> stacks_;
};

}  // namespace condbench::lapack
