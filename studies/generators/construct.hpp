// Building blocks for dense test matrices, shared by generators.
#pragma once

#include <armadillo>

#include "studies/generators/rng.hpp"

namespace condbench {

// Pins OpenBLAS to one thread for its lifetime and restores the previous count.
// OpenBLAS 0.3.21's dgemm and dgeqrf give different bits with 1 and 2 threads (measured
// for n ~ 100..300: it partitions the work by thread count), so a generator that must be
// bit-reproducible whatever the user's thread setting runs its BLAS calls single-threaded.
// The thread count is process-wide: do not generate while another thread times a solver.
class SingleThreadedBlas {
 public:
  SingleThreadedBlas();
  ~SingleThreadedBlas();
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

 private:
  int saved_;
};

// A rows x cols matrix (rows >= cols) with orthonormal columns, distributed as the first
// cols columns of a Haar-random (uniform on O(rows)) orthogonal matrix: Householder QR of
// a Gaussian matrix, with each column of Q multiplied by sign(R_jj). Without the sign fix
// the distribution depends on LAPACK's sign convention and is not Haar (Mezzadri 2007).
// The Gaussian entries come from rng in column-major order; the QR is LAPACK's (dgeqrf,
// dorgqr), so the bits are reproducible for one build and BLAS, not across BLAS libraries.
arma::mat haar_orthonormal_columns(Rng& rng, arma::uword rows, arma::uword cols);

// A Haar-random n x n orthogonal matrix.
inline arma::mat haar_orthogonal(Rng& rng, arma::uword n) { return haar_orthonormal_columns(rng, n, n); }

// A * x (+ add, when given), accumulated in double-double (Ogita-Rump-Oishi Dot2 with
// fma-based TwoProduct) and rounded once: as accurate as if computed in ~106 bits, then
// rounded, unless it cancels heavily. Independent of the BLAS and its thread count.
arma::vec accurate_matvec(const arma::mat& A, const arma::vec& x, const arma::vec* add = nullptr);

// g minus its projection onto range(Q) (Q with orthonormal columns), projected twice
// ("twice is enough", Kahan/Parlett) so the result is orthogonal to range(Q) to ~u.
// Plain loops rather than BLAS gemv, whose threaded reductions may depend on the thread count.
arma::vec project_out(const arma::mat& Q, arma::vec g);

// The 2-norm, scaled against overflow and underflow; plain loops, as above.
double norm2(const arma::vec& x);

}  // namespace condbench
