#include "studies/reference/reference.hpp"

#include "studies/reference/refine.hpp"

#include <chrono>

namespace condbench::ref {

ReferenceSolution reference_solution(const arma::mat& A, const arma::vec& b, ProblemKind /*kind*/, double target,
                                     double kappa_hint) {
  const auto t0 = std::chrono::steady_clock::now();
  ReferenceSolution out;
  if (!A.is_finite() || !b.is_finite()) {
    out.note = "non-finite data in A or b";
    return out;
  }
  RefineOptions opt;
  opt.target = target;
  opt.kappa_hint = kappa_hint;
  RefineResult r;
  if (A.n_rows == A.n_cols) {
    Refiner ref(A, Refiner::Shape::square, false, opt);
    r = ref.solve(b, arma::vec(), target);
  } else if (A.n_rows > A.n_cols) {
    Refiner ref(A, Refiner::Shape::augmented, false, opt);
    r = ref.solve(b, arma::vec(), target);
    out.r = std::move(r.other);
  } else {
    const arma::mat At = A.t();
    Refiner ref(At, Refiner::Shape::augmented, true, opt);
    r = ref.solve(arma::vec(), b, target);
  }
  out.x = std::move(r.x);
  out.ref_error = r.ref_error;
  out.converged = r.converged;
  out.iterations = r.iterations;
  out.method = std::move(r.method);
  out.note = std::move(r.note);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace condbench::ref
