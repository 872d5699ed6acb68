// armadillo.solve: arma::solve(x, A, b) with default options, exactly as users call it. Armadillo 11.4 picks the
// routine itself (band, triangular, Cholesky-first for matrices that look SPD, LU otherwise; QR/LQ for
// non-square) and, when its rcond estimate is below epsilon, silently returns an SVD least-squares solution.
// We cannot stop that without changing the call, so we record it: facts.fallback plus a note.
#include <limits>
#include <mutex>
#include <sstream>

#include "solvers/lapack/shape.hpp"
#include "solvers/registry.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench {

namespace {

// Armadillo's warning stream is process-global; capturing it must not race with another capture.
std::mutex& arma_stream_mutex() {
  static std::mutex m;
  return m;
}

// Routes Armadillo's warnings into a string for the lifetime of the object, then restores the previous stream.
class CapturedArmaWarnings {
 public:
  CapturedArmaWarnings() : lock_(arma_stream_mutex()), previous_(&arma::get_cerr_stream()) {
    arma::set_cerr_stream(buffer_);
  }
  ~CapturedArmaWarnings() { arma::set_cerr_stream(*previous_); }
  CapturedArmaWarnings(const CapturedArmaWarnings&) = delete;
  CapturedArmaWarnings& operator=(const CapturedArmaWarnings&) = delete;
  std::string text() const { return buffer_.str(); }

 private:
  std::lock_guard<std::mutex> lock_;
  std::ostream* previous_;
  std::ostringstream buffer_;
};

// The structure test glue_solve_gen_full::apply() runs with default options (Armadillo 11.4), using its own
// helpers so the answer is the one it acted on.
template <class T>
std::string detected_structure(const arma::Mat<T>& A) {
  if (A.n_rows != A.n_cols) return "non-square: arma used ?gels (QR/LQ) with an rcond estimate";
  if (arma::auxlib::crippled_lapack(A)) return {};
  arma::uword kl = 0, ku = 0;
  if (arma::arma_config::optimise_band && arma::band_helper::is_band(kl, ku, A, arma::uword(32)))
    return "arma detected band structure (KL=" + std::to_string(kl) + ", KU=" + std::to_string(ku) +
           "): used its band solver";
  if (arma::trimat_helper::is_triu(A)) return "arma detected an upper triangular matrix: used ?trtrs";
  if (arma::trimat_helper::is_tril(A)) return "arma detected a lower triangular matrix: used ?trtrs";
  if (arma::arma_config::optimise_sympd && arma::sympd_helper::guess_sympd(A, arma::uword(16)))
    return "arma guessed sympd: tried Cholesky (?potrf) first, LU if that failed";
  return {};
}

void append(std::string& note, const std::string& s) {
  if (s.empty()) return;
  if (!note.empty()) note += "; ";
  note += s;
}

}  // namespace

class ArmadilloSolve : public SolverT<ArmadilloSolve> {
 public:
  const SolverInfo& info() const override {
    static const SolverInfo i{
        "armadillo.solve",
        "arma::solve(x, A, b), default options (auto structure detection, SVD approx "
        "fallback when rcond < eps)",
        KindSet{ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares, ProblemKind::underdetermined}};
    return i;
  }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    if (std::string e = shape::basic_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
    const arma::Mat<T> A = in.A;
    const arma::Col<T> b = in.b;
    arma::Mat<T> x;

    CapturedArmaWarnings warnings;
    Stopwatch sw;
    const bool ok = arma::solve(x, A, b);
    const double factor_s = sw.lap();  // one call: all of it in factor_s
    if (!ok) return shape::failed_after<T>("arma::solve returned false (no solution found)", factor_s);

    SolveOutcome<T> out = shape::solved<T>(arma::Col<T>(x), factor_s, 0.0);
    out.facts.fallback = took_approx_path(A, b);
    if (out.facts.fallback)
      append(out.facts.note,
             "arma::solve: rcond estimate < eps (or A exactly singular); returned its approximate "
             "SVD least-squares solution (?gelsd)");
    append(out.facts.note, detected_structure(A));
    if (std::string w = warnings.text(); !w.empty()) append(out.facts.note, "armadillo warned: " + w);
    return out;
  }

 private:
  // With no_approx, Armadillo runs the very same path (structure detection, factorization, rcond test) and
  // returns false exactly where the default call switched to the SVD solution. This costs a second solve, outside
  // the timed region; it does not depend on the warning level or on parsing warning text.
  template <class T>
  static bool took_approx_path(const arma::Mat<T>& A, const arma::Col<T>& b) {
    arma::Mat<T> probe;
    return !arma::solve(probe, A, b, arma::solve_opts::no_approx);
  }
};

}  // namespace condbench

CONDBENCH_REGISTER_SOLVER(condbench::ArmadilloSolve);
