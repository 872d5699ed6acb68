// Double-double (QD's dd_real, libqd-dev): about 32 significant digits at hardware
// speed (~1.4 ns per multiply-add here), for the chain reference. This header is the one
// place that includes QD, so every translation unit gets the same inline arithmetic:
// QD_IEEE_ADD for the add with the IEEE-style error bound (Debian builds QD with the
// faster "sloppy" add, which loses accuracy when the high words cancel), and QD_FMA for
// an exact TwoProduct by fused multiply-add.
#pragma once

#include <cmath>

#ifndef QD_IEEE_ADD
#define QD_IEEE_ADD 1
#endif
#ifndef QD_FMA
#define QD_FMA(a, b, c) std::fma(a, b, c)
#endif
#include <qd/dd_real.h>

namespace condbench::chains {

using dd = dd_real;

// The dot product of double-double vectors in the style of Ogita, Rump & Oishi's Dot2:
// the products of the high words exactly (TwoProduct) summed exactly (TwoSum), the
// cross terms and all rounding errors gathered in double. Error about
// n 2^-106 sum |x_i y_i|, like a dot product in double-double arithmetic, at a third of
// the cost; the hot loop of the reference's Householder and Jacobi steps. Four
// independent partial sums keep the additions' dependency chains apart.
inline dd dot(const dd* x, const dd* y, int n) {
  double s[4] = {0, 0, 0, 0}, c[4] = {0, 0, 0, 0};
  int i = 0;
  for (; i + 3 < n; i += 4)
    for (int k = 0; k < 4; ++k) {
      const dd& a = x[i + k];
      const dd& b = y[i + k];
      double e, t;
      const double p = qd::two_prod(a.x[0], b.x[0], e);
      s[k] = qd::two_sum(s[k], p, t);
      c[k] += (t + e) + (a.x[0] * b.x[1] + a.x[1] * b.x[0]);
    }
  for (; i < n; ++i) {
    double e, t;
    const double p = qd::two_prod(x[i].x[0], y[i].x[0], e);
    s[0] = qd::two_sum(s[0], p, t);
    c[0] += (t + e) + (x[i].x[0] * y[i].x[1] + x[i].x[1] * y[i].x[0]);
  }
  dd total = 0.0;
  for (int k = 0; k < 4; ++k) total += dd(s[k]) + dd(c[k]);
  return total;
}

}  // namespace condbench::chains
