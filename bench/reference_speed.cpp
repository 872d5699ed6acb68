// Cost of the reference against LAPACK dgetrf + dgetrs on the same system
// (goal: ratio <= 3 at n = 2000, randsvd geometric kappa = 1e10, ref_error <= 1e-22).
// Prints figures; asserts nothing. Usage: reference_speed [n] [kappa]
#include "studies/reference/reference.hpp"

#include <fmt/format.h>

#include <armadillo>

#include <chrono>
#include <cstdlib>

extern "C" {
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void dgetrs_(const char* trans, const int* n, const int* nrhs, const double* a, const int* lda, const int* ipiv,
             double* b, const int* ldb, int* info, std::size_t);
}

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

arma::mat haar(arma::uword n) {
  arma::mat G(n, n, arma::fill::randn), Q, R;
  arma::qr(Q, R, G);
  for (arma::uword j = 0; j < n; ++j)
    if (R(j, j) < 0) Q.col(j) *= -1;
  return Q;
}

double lu_seconds(const arma::mat& A, const arma::vec& b) {
  arma::mat lu = A;
  arma::vec x = b;
  std::vector<int> piv(A.n_rows);
  const int n = static_cast<int>(A.n_rows), one = 1;
  int info = 0;
  const double t0 = now();
  dgetrf_(&n, &n, lu.memptr(), &n, piv.data(), &info);
  dgetrs_("N", &n, &one, lu.memptr(), &n, piv.data(), x.memptr(), &n, &info, 1);
  return now() - t0;
}

}  // namespace

int main(int argc, char** argv) {
  const arma::uword n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 2000;
  const double kappa = argc > 2 ? std::strtod(argv[2], nullptr) : 1e10;
  arma::arma_rng::set_seed(42);
  arma::vec sigma(n);
  for (arma::uword i = 0; i < n; ++i) sigma[i] = std::pow(kappa, -static_cast<double>(i) / static_cast<double>(n - 1));
  const arma::mat A = haar(n) * arma::diagmat(sigma) * haar(n).t();
  const arma::vec b(n, arma::fill::randn);
  const double target = 1e-6 * 0x1p-53;

  double lu = 1e300;
  for (int rep = 0; rep < 3; ++rep) lu = std::min(lu, lu_seconds(A, b));  // warm OpenBLAS threads
  const condbench::ref::KappaResult k = condbench::ref::measure_kappa(A, condbench::ProblemKind::general);
  const condbench::ref::ReferenceSolution r =
      condbench::ref::reference_solution(A, b, condbench::ProblemKind::general, target, k.kappa);
  const double lu_after = lu_seconds(A, b);
  lu = std::min(lu, lu_after);
  fmt::print("n {}  kappa_nominal {:.3g}  kappa_measured {:.6g} (certified {}, {:.3f} s, {})\n", n, kappa, k.kappa,
             k.certified, k.seconds, k.method);
  fmt::print("LU (dgetrf+dgetrs) {:.4f} s  reference {:.4f} s  ratio {:.2f}\n", lu, r.seconds, r.seconds / lu);
  fmt::print("ref_error {:.3g} (target {:.3g}, converged {})  iterations {}  method: {}\n", r.ref_error, target,
             r.converged, r.iterations, r.method);
  return 0;
}
