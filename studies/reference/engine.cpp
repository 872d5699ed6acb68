#include "studies/reference/engine.hpp"

#include "studies/reference/lapack.hpp"
#include "studies/reference/refine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <chrono>

namespace condbench::ref {

namespace {

// sum a_ij^2 with ddot (threaded and vectorized), in chunks of ddot's int length.
double sum_of_squares(const arma::mat& A) {
  constexpr std::size_t kChunk = std::size_t{1} << 30;
  double sum = 0;
  const int one = 1;
  for (std::size_t begin = 0; begin < A.n_elem; begin += kChunk) {
    const int len = static_cast<int>(std::min<std::size_t>(kChunk, A.n_elem - begin));
    sum += ddot_(&len, A.memptr() + begin, &one, A.memptr() + begin, &one);
  }
  return sum;
}

}  // namespace

ReferenceEngine::Scan ReferenceEngine::scan(const arma::mat& A, std::chrono::steady_clock::time_point t0) {
  Scan s;
  s.t0 = t0;
  if (A.is_empty()) return s;
  const double sum = sum_of_squares(A);
  if ((std::isfinite(sum) && sum >= 0x1p-600 && sum <= 0x1p600) || !A.is_finite()) {
    s.sum = std::isfinite(sum) ? sum : -1;  // non-finite entries are refused later
    return s;
  }
  double amax = 0;
  for (const double v : A) amax = std::max(amax, std::fabs(v));
  if (amax == 0) return s;
  int ex = 0;
  std::frexp(amax, &ex);  // max |2^-ex a_ij| in [1/2, 1)
  s.e = -ex;
  return s;
}

ReferenceEngine::ReferenceEngine(const arma::mat& A, ProblemKind kind)
    : ReferenceEngine(A, kind, scan(A, std::chrono::steady_clock::now())) {}

ReferenceEngine::ReferenceEngine(const arma::mat& A, ProblemKind kind, Scan s)
    : e_(s.e),
      scaled_(s.e != 0 ? arma::mat(A * std::ldexp(1.0, s.e)) : arma::mat()),
      sumsq_(s.sum),
      A_(s.e != 0 ? scaled_ : A),
      kind_(kind) {
  // The scan's time and the scaled copy's are counted in the reference's seconds.
  scan_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - s.t0).count();
}
ReferenceEngine::~ReferenceEngine() = default;

const arma::mat& ReferenceEngine::B() {
  if (A_.n_rows >= A_.n_cols) return A_;
  if (At_.is_empty()) At_ = A_.t();
  return At_;
}

// One pass for both: sum a_ij^2 by ddot (threaded, vectorized; arma::norm's scaled sum
// and is_finite() took 3 ms at n = 2000). A finite sum means every entry is finite; its
// rounding, at most gamma_N relative (N = m n), is added so that ||A||_F is never low, as
// the error bounds that use it need. Sums that overflow, or so small that squares may
// have underflowed, take the careful way.
void ReferenceEngine::scan_A() {
  if (norm_f_ >= 0) return;
  const double sum = sumsq_ >= 0 ? sumsq_ : sum_of_squares(A_);
  const double N = static_cast<double>(A_.n_elem) + 1;
  if (std::isfinite(sum) && sum >= 0x1p-900) {
    finite_ = true;
    norm_f_ = std::sqrt(sum * (1 + 2 * N * 0x1p-53));
  } else {
    finite_ = A_.is_finite();
    norm_f_ = finite_ ? arma::norm(A_, "fro") : arma::datum::inf;
  }
}

double ReferenceEngine::norm_f_of_A() {
  scan_A();
  return norm_f_;
}

bool ReferenceEngine::finite_A() {
  scan_A();
  return finite_;
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
  if (!finite_A() || !b.is_finite()) {
    out.note = "non-finite data in A or b";
    return out;
  }
  // Only a certified kappa bounds ||A^{-1}|| for the error floor: an uncertified one is a
  // lower bound, possibly far too small; then LAPACK's estimate (with its safety factor).
  if (kappa_ && kappa_->certified) kappa_hint = kappa_->kappa;
  const bool factored_before = lu_ || qr_;
  const bool min_norm = A_.n_rows < A_.n_cols;
  Refiner& ref = refiner(min_norm, kappa_hint);
  // (2^e A) x = 2^e b has the same x; the residual comes back as 2^e r.
  const arma::vec bs = e_ != 0 ? arma::vec(b * std::ldexp(1.0, e_)) : arma::vec();
  const arma::vec& rhs = e_ != 0 ? bs : b;
  if (!rhs.is_finite()) {
    out.note = "b is too large for A's scale (2^e b overflows)";
    return out;
  }
  RefineResult r = min_norm ? ref.solve(arma::vec(), rhs, target) : ref.solve(rhs, arma::vec(), target);
  if (A_.n_rows > A_.n_cols) {
    out.r = std::move(r.other);
    if (e_ != 0)
      for (Real& v : out.r) v = ldexp(v, -e_);
  }
  out.x = std::move(r.x);
  out.ref_error = r.ref_error;
  out.converged = r.converged;
  out.iterations = r.iterations;
  out.gmres_iterations = r.gmres_iterations;
  out.method = std::move(r.method);
  if (e_ != 0) out.method += fmt::format("; computed on 2^{} A and 2^{} b (exact scaling)", e_, e_);
  out.note = std::move(r.note);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // The shared factorization and scan are the reference's own cost, whichever asked first.
  if (factored_before) out.seconds += factor_s_;
  out.seconds += scan_s_;
  return out;
}

ReferenceSolution reference_solution(const arma::mat& A, const arma::vec& b, ProblemKind kind, double target,
                                     double kappa_hint) {
  ReferenceEngine engine(A, kind);
  return engine.reference(b, target, kappa_hint);
}

}  // namespace condbench::ref
