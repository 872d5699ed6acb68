// Double-double ("dd") arithmetic: a value hi + lo with |lo| <= ulp(hi)/2, about 106 significant bits,
// u ~ 2^-104 per operation, the exponent range of double. The residual and product precision `dd` of the
// refinement solvers. Built on the error-free transformations (Knuth's TwoSum, TwoProd with an FMA), which are
// exact only because the build forbids contraction and reassociation (-ffp-contract=off, no -ffast-math);
// std::fma is the one fused operation wanted here (TwoProd). Algorithms after Joldes, Muller & Popescu, "Tight and
// rigorous error bounds for basic building blocks of double-word arithmetic", ACM TOMS 44(2), 2017: their
// AccurateDWPlusDW for +, and the plain DWTimesDW / DWDivDW schemes (no FMA beyond TwoProd) for * and /, each
// with a relative error of a few u^2, u = 2^-53.
#pragma once

#include <cmath>

namespace condbench::lowprec {

struct DD {
  double hi = 0, lo = 0;

  constexpr DD() = default;
  explicit constexpr DD(double x) : hi(x), lo(0) {}
  constexpr DD(double h, double l) : hi(h), lo(l) {}

  // Correctly rounded: |lo| <= ulp(hi)/2, and a tie (|lo| exactly half an ulp) is rounded to even by the sum.
  explicit operator double() const { return hi + lo; }
  // Correctly rounded to float: the float nearest to hi, unless hi is a float midpoint and lo says on which
  // side of it the value lies.
  explicit operator float() const {
    const float f = static_cast<float>(hi);
    const double err = hi - static_cast<double>(f);  // exact
    if (lo == 0 || err == 0 || !std::isfinite(f)) return f;
    const double other = static_cast<double>(std::nextafter(f, err > 0 ? INFINITY : -INFINITY));
    const bool midpoint = std::fabs(err) == std::fabs(other - static_cast<double>(f)) / 2;
    return midpoint && (lo > 0) == (err > 0) ? static_cast<float>(other) : f;
  }

  static DD two_sum(double a, double b) {
    const double s = a + b;
    const double bb = s - a;
    return {s, (a - (s - bb)) + (b - bb)};
  }
  static DD fast_two_sum(double a, double b) {  // |a| >= |b|
    const double s = a + b;
    return {s, b - (s - a)};
  }
  static DD two_prod(double a, double b) {
    const double p = a * b;
    return {p, std::fma(a, b, -p)};
  }

  friend DD operator+(DD x, DD y) {
    DD s = two_sum(x.hi, y.hi);
    const DD t = two_sum(x.lo, y.lo);
    s.lo += t.hi;
    s = fast_two_sum(s.hi, s.lo);
    s.lo += t.lo;
    return fast_two_sum(s.hi, s.lo);
  }
  friend DD operator-(DD x) { return {-x.hi, -x.lo}; }
  friend DD operator-(DD x, DD y) { return x + (-y); }
  friend DD operator*(DD x, DD y) {
    DD c = two_prod(x.hi, y.hi);
    const double tl = x.hi * y.lo + x.lo * y.hi;
    c.lo += tl;
    return fast_two_sum(c.hi, c.lo);
  }
  friend DD operator/(DD x, DD y) {
    const double th = x.hi / y.hi;
    const DD r = x - y * DD(th);
    const double tl = r.hi / y.hi;
    return fast_two_sum(th, tl);
  }
  DD& operator+=(DD y) { return *this = *this + y; }
  DD& operator-=(DD y) { return *this = *this - y; }
  DD& operator*=(DD y) { return *this = *this * y; }
  DD& operator/=(DD y) { return *this = *this / y; }
  friend bool operator<(DD x, DD y) { return x.hi < y.hi || (x.hi == y.hi && x.lo < y.lo); }
  friend bool operator>(DD x, DD y) { return y < x; }
  friend bool operator==(DD x, DD y) { return x.hi == y.hi && x.lo == y.lo; }
  friend DD abs(DD x) { return x.hi < 0 || (x.hi == 0 && x.lo < 0) ? -x : x; }
  friend bool isfinite(DD x) { return std::isfinite(x.hi) && std::isfinite(x.lo); }
};

}  // namespace condbench::lowprec
