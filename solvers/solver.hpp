// The one interface every solver backend implements (CPU now, GPU later).
//
// A solver is named `backend.method` (lapack.lu, textbook.cgs_qr, cusolver.irs_fp16).
// It says which problem kinds and precisions it accepts, and solves one stored
// problem A x = b (or min ||b - A x||, or the min-norm solution) in float or double.
// It never changes method silently: when it cannot do what its name says it
// returns Status::failed with the reason.
#pragma once

#include <armadillo>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace condbench {

enum class Precision { f32, f64 };

// What a problem is, as far as a solver is concerned.
enum class ProblemKind {
  general,          // square, no structure promised
  spd,              // square symmetric positive definite
  least_squares,    // m > n, full column rank promised by the generator (not always true)
  underdetermined,  // m < n, the min-norm solution is wanted
};

enum class Status { ok, failed, skipped };

const char* to_string(Precision p);
const char* to_string(ProblemKind k);
const char* to_string(Status s);
bool parse_precision(const std::string& s, Precision& out);
bool parse_problem_kind(const std::string& s, ProblemKind& out);

template <class T>
constexpr Precision precision_of();
template <>
constexpr Precision precision_of<float>() { return Precision::f32; }
template <>
constexpr Precision precision_of<double>() { return Precision::f64; }

// Unit roundoff u of a working precision (2^-24, 2^-53).
constexpr double unit_roundoff(Precision p) { return p == Precision::f32 ? 0x1p-24 : 0x1p-53; }

// A bitmask of accepted problem kinds.
struct KindSet {
  std::uint8_t bits = 0;
  constexpr KindSet() = default;
  constexpr KindSet(std::initializer_list<ProblemKind> kinds) {
    for (auto k : kinds) bits |= static_cast<std::uint8_t>(1u << static_cast<int>(k));
  }
  constexpr bool contains(ProblemKind k) const { return (bits >> static_cast<int>(k)) & 1u; }
};

struct SolverInfo {
  std::string name;         // "lapack.lu"
  std::string description;  // one line: the routines called, the method
  KindSet kinds;            // which problem kinds it takes
  bool f32 = true;          // which working precisions it takes
  bool f64 = true;
  // Where the solver comes from, for `condbench list solvers` and run.json:
  // "built-in", "plugin /path/libmine.so (ABI 1)", "worker python3 my_worker.py", ...
  std::string origin = "built-in";
  // Code we do not control (plugins, native code behind workers): the runner runs it
  // in a forked child by default, so a crash becomes a failed row, not a lost study.
  bool isolate_by_default = false;
  // The flop model's method class ("lu", "qr", ... see solvers/flops.hpp) for GFLOP/s;
  // empty: derived from the name for built-in solvers, none otherwise.
  std::string flop_method;
  // Runs on every MPI rank at once (a ScaLAPACK solver on a process grid): under mpirun
  // the executor runs it with all ranks after the cases' independent solvers.
  bool collective = false;
};

// What the solver reports about itself beyond x.
struct SolverFacts {
  int iterations = -1;          // refinement iterations, -1 when not iterative
  bool fallback = false;        // it switched to another method (dsgesv fell back to f64 LU,
                                // arma::solve returned its approximate SVD solution)
  std::string note;             // free text for what else happened (LAPACK ITER code, ...)
  // Solver-specific facts with a name and a value (a JSON object, written compactly
  // in results.csv's `facts` column): {"steps": 3, "gmres_iterations": 41,
  // "stop": "converged"}, {"P": 1, "Q": 2, "nb": 64}, {"dgetrf_from": "/usr/lib/..."}.
  // Keys are lower_snake_case; values are numbers, strings or booleans.
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
};

struct Timing {
  double factor_s = 0;    // factorization (or everything before the triangular solves)
  double solve_s = 0;     // the solve phase
  double transfer_s = 0;  // GPU solvers: host-to-device and device-to-host copies (0 on the CPU)
  // A GPU's copies are part of the solve (time_s is end to end); a worker's pipes are the
  // harness's own cost (the caller's data already lives in its process), so its time_s is its
  // own call and transfer_s is reported beside it (solvers/worker).
  bool transfer_in_time = true;
  double total_s() const { return factor_s + solve_s + (transfer_in_time ? transfer_s : 0); }
};

template <class T>
struct SolveInput {
  const arma::Mat<T>& A;  // m x n, as stored in the working precision
  const arma::Col<T>& b;  // m
  ProblemKind kind;
};

template <class T>
struct SolveOutcome {
  arma::Col<T> x;  // n; empty when failed before producing one
  Status status = Status::ok;
  std::string reason;  // why failed / skipped ("LAPACK dpotrf info=12: not SPD")
  SolverFacts facts;
  Timing timing;

  static SolveOutcome failure(std::string why) {
    SolveOutcome o;
    o.status = Status::failed;
    o.reason = std::move(why);
    return o;
  }
};

class Solver {
 public:
  virtual ~Solver() = default;
  virtual const SolverInfo& info() const = 0;
  // Empty when the solver can run on this machine; otherwise why not
  // ("not compiled: CUDA toolkit not found at build time", "no CUDA device").
  virtual std::string unavailable_reason() const { return {}; }
  virtual SolveOutcome<float> solve(const SolveInput<float>& in) const = 0;
  virtual SolveOutcome<double> solve(const SolveInput<double>& in) const = 0;

  // Empty when this solver takes this problem kind and precision; else why not.
  std::string why_not(ProblemKind kind, Precision p) const;
};

// Most solvers are one function template; this base turns it into both overloads
// and enforces the contract the runner relies on: a finite x of the right length
// or a failed status with a reason.
template <class Derived>
class SolverT : public Solver {
 public:
  SolveOutcome<float> solve(const SolveInput<float>& in) const override { return checked<float>(in); }
  SolveOutcome<double> solve(const SolveInput<double>& in) const override { return checked<double>(in); }

 private:
  template <class T>
  SolveOutcome<T> checked(const SolveInput<T>& in) const {
    SolveOutcome<T> out = static_cast<const Derived*>(this)->template run<T>(in);
    if (out.status == Status::ok) {
      if (out.x.n_elem != in.A.n_cols) {
        out.status = Status::failed;
        out.reason = "solver returned x of length " + std::to_string(out.x.n_elem) + ", expected " +
                     std::to_string(in.A.n_cols);
      } else if (!out.x.is_finite()) {
        out.status = Status::failed;
        out.reason = "non-finite result (NaN or Inf in x)" + (out.reason.empty() ? "" : "; " + out.reason);
      }
    }
    return out;
  }
};

}  // namespace condbench
