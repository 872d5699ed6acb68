// A random orthogonal butterfly: Q = R_L ... R_1 where level l rotates every pair
// (i, i + h), h = 2^(l-1), with i mod 2h < h by its own angle, uniform in [0, 2 pi): the
// FFT's pattern of disjoint Givens rotations, L = log2 n levels when n is a power of two,
// two such sweeps (L = 2 ceil(log2 n)) otherwise. Then every entry of Q depends on every
// angle, so Q is dense, yet Q X costs 3 n L flops per column instead of 2 n^2, and no QR
// of an n x n Gaussian matrix is needed.
//
// NOT Haar: the distribution of Q is not uniform on O(n) (its n L / 2 angles cannot cover
// the n (n-1) / 2 dimensions of O(n)), so statistics over seeds differ from randsvd's.
// Exactly orthogonal up to rounding: ||Q^T Q - I|| ~ L u.
#pragma once

#include <armadillo>

#include <vector>

#include "studies/generators/rng.hpp"

namespace condbench {

class Butterfly {
 public:
  // Draws the angles from rng in level order, then pair order.
  Butterfly(arma::uword n, Rng& rng);
  int levels() const { return static_cast<int>(c_.size()); }
  // X <- Q X for the n x cols column-major block X (leading dimension n), columns in parallel.
  void apply(double* x, arma::uword cols) const;

 private:
  void apply_column(double* x) const;
  arma::uword n_;
  std::vector<std::vector<double>> c_, s_;  // per level, per pair: cos and sin of the angle
};

}  // namespace condbench
