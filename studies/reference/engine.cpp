#include "studies/reference/engine.hpp"

#include "studies/reference/refine.hpp"

#include <chrono>

namespace condbench::ref {

ReferenceEngine::ReferenceEngine(const arma::mat& A, ProblemKind kind) : A_(A), kind_(kind) {}
ReferenceEngine::~ReferenceEngine() = default;

const arma::mat& ReferenceEngine::B() {
  if (A_.n_rows >= A_.n_cols) return A_;
  if (At_.is_empty()) At_ = A_.t();
  return At_;
}

double ReferenceEngine::norm_f_of_A() {
  if (norm_f_ < 0) norm_f_ = arma::norm(A_, "fro");
  return norm_f_;
}

void ReferenceEngine::factorize() {
  if (lu_ || qr_) return;
  const auto t0 = std::chrono::steady_clock::now();
  if (A_.n_rows == A_.n_cols) {
    lu_ = std::make_unique<LuFactors>(A_, std::move(spare_));
  } else {
    qr_ = std::make_unique<QrFactors>(B(), std::move(spare_));
  }
  spare_.reset();
  factor_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// One refiner per wanted block, kept for the engine's life (a float128 fallback factorization
// inside it is then made once for kappa's solves and the reference together). The hint is
// given at creation: without one the refiner runs LAPACK's estimator (dgecon), which cost a
// fifth of dgetrf at n = 2000.
Refiner& ReferenceEngine::refiner(bool want_s, double kappa_hint) {
  factorize();
  std::unique_ptr<Refiner>& r = want_s ? refiner_s_ : refiner_t_;
  if (r) {
    r->set_kappa_hint(kappa_hint);
  } else {
    const bool square = A_.n_rows == A_.n_cols;
    RefineOptions opt;
    opt.kappa_hint = kappa_hint;
    opt.norm_f = norm_f_of_A();
    r = std::make_unique<Refiner>(B(), square ? Refiner::Shape::square : Refiner::Shape::augmented, want_s, opt,
                                  lu_.get(), qr_.get(), A_.n_rows < A_.n_cols ? &A_ : nullptr);
  }
  return *r;
}

ReferenceSolution ReferenceEngine::reference(const arma::vec& b, double target, double kappa_hint) {
  const auto t0 = std::chrono::steady_clock::now();
  ReferenceSolution out;
  if (!A_.is_finite() || !b.is_finite()) {
    out.note = "non-finite data in A or b";
    return out;
  }
  // Only a certified kappa bounds ||A^{-1}|| for the error floor: an uncertified one is a
  // lower bound, possibly far too small; then LAPACK's estimate (with its safety factor).
  if (kappa_ && kappa_->certified) kappa_hint = kappa_->kappa;
  const bool factored_before = lu_ || qr_;
  const bool min_norm = A_.n_rows < A_.n_cols;
  Refiner& ref = refiner(min_norm, kappa_hint);
  RefineResult r = min_norm ? ref.solve(arma::vec(), b, target) : ref.solve(b, arma::vec(), target);
  if (A_.n_rows > A_.n_cols) out.r = std::move(r.other);
  out.x = std::move(r.x);
  out.ref_error = r.ref_error;
  out.converged = r.converged;
  out.iterations = r.iterations;
  out.gmres_iterations = r.gmres_iterations;
  out.method = std::move(r.method);
  out.note = std::move(r.note);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // The shared factorization is the reference's own cost, whichever asked for it first.
  if (factored_before) out.seconds += factor_s_;
  return out;
}

ReferenceSolution reference_solution(const arma::mat& A, const arma::vec& b, ProblemKind kind, double target,
                                     double kappa_hint) {
  ReferenceEngine engine(A, kind);
  return engine.reference(b, target, kappa_hint);
}

}  // namespace condbench::ref
