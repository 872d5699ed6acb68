// Error-free transformations (Knuth TwoSum, FMA TwoProd). They are exact only
// because the build forbids contraction and reassociation (-ffp-contract=off,
// no -ffast-math); std::fma is the one place a fused operation is wanted.
#pragma once

#include <cmath>

namespace condbench::ref::eft {

// s + e == a + b exactly, s = fl(a + b). No ordering requirement on |a|, |b|.
inline void two_sum(double a, double b, double& s, double& e) {
  s = a + b;
  const double bb = s - a;
  e = (a - (s - bb)) + (b - bb);
}

// p + e == a * b exactly (barring underflow), p = fl(a * b).
inline void two_prod(double a, double b, double& p, double& e) {
  p = a * b;
  e = std::fma(a, b, -p);
}

}  // namespace condbench::ref::eft
