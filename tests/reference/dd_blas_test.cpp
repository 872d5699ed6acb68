// The double-double kernels against 256-bit arithmetic: they must be exact to ~u^2, not u.
#include "studies/reference/dd_blas.hpp"
#include "studies/reference/factor.hpp"
#include "studies/reference/reference.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace condbench {
namespace {

using ref::Real;

// A triangle with diagonal 1..2 and off-diagonal entries ~1/n: cond ~ a few, so the exact
// solution is known to ~1e-70 in 256 bits and a double-double solve must reach ~1e-30.
arma::mat triangle_data(arma::uword n, bool lower, unsigned seed) {
  arma::arma_rng::set_seed(seed);
  arma::mat T(n, n, arma::fill::randn);
  T /= static_cast<double>(n);
  T.diag() = 1 + arma::randu<arma::vec>(n);
  return lower ? arma::mat(arma::trimatl(T)) : arma::mat(arma::trimatu(T));
}

// T x = y (trans: T^T x = y) by substitution in Real, the unit diagonal taken as 1;
// lower: T is lower triangular.
std::vector<Real> exact_solve(const arma::mat& T, const std::vector<Real>& y, bool lower_t, bool trans, bool unit) {
  const std::size_t n = y.size();
  auto t = [&](std::size_t i, std::size_t j) { return trans ? T(j, i) : T(i, j); };
  const bool lower = lower_t != trans;  // the triangle op(T) occupies
  std::vector<Real> x(y);
  if (lower) {
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < i; ++j) x[i] -= Real(t(i, j)) * x[j];
      if (!unit) x[i] /= Real(t(i, i));
    }
  } else {
    for (std::size_t i = n; i-- > 0;) {
      for (std::size_t j = i + 1; j < n; ++j) x[i] -= Real(t(i, j)) * x[j];
      if (!unit) x[i] /= Real(t(i, i));
    }
  }
  return x;
}

struct TriCase {
  bool lower, trans, unit;
};
class TrsvDd : public ::testing::TestWithParam<TriCase> {};

TEST_P(TrsvDd, ExactToDoubleDoublePrecision) {
  const TriCase c = GetParam();
  const arma::uword n = 37;
  const arma::mat T = triangle_data(n, c.lower, 17 + c.trans + 2 * c.unit);
  // y = hi + lo with lo a genuine second word, so the kernel must use both.
  arma::vec hi(n, arma::fill::randn), lo = hi * 0x1p-55 % arma::randu<arma::vec>(n);
  std::vector<Real> y(n);
  for (arma::uword i = 0; i < n; ++i) y[i] = Real(hi[i]) + Real(lo[i]);
  const std::vector<Real> x = exact_solve(T, y, c.lower, c.trans, c.unit);
  ref::trsv_dd(ref::Triangle{T.memptr(), n, n, c.lower, c.unit}, c.trans, hi.memptr(), lo.memptr());
  Real num = 0, den = 0;
  for (arma::uword i = 0; i < n; ++i) {
    const Real d = Real(hi[i]) + Real(lo[i]) - x[i];
    num += d * d;
    den += x[i] * x[i];
  }
  const double err = sqrt(num / den).convert_to<double>();
  EXPECT_LE(err, 1e-29) << "a float64 solve would give ~1e-16";
}

INSTANTIATE_TEST_SUITE_P(AllForms, TrsvDd,
                         ::testing::Values(TriCase{true, false, true}, TriCase{true, false, false},
                                           TriCase{false, false, false}, TriCase{false, false, true},
                                           TriCase{true, true, true}, TriCase{true, true, false},
                                           TriCase{false, true, false}, TriCase{false, true, true}));

// The LU's double-double solve is the exact inverse of the stored factors: the residual
// of A x = b is then ~||L U - P A|| ||x||, i.e. the factorization's own backward error,
// while solving to ~u^2 the system L U x = P b.
TEST(LuSolveDd, SolvesTheStoredFactorsToDoubleDouble) {
  const arma::uword n = 40;
  arma::arma_rng::set_seed(5);
  const arma::mat A(n, n, arma::fill::randn);
  ref::LuFactors lu(A);
  arma::vec b(n, arma::fill::randn);
  for (bool trans : {false, true}) {
    arma::vec hi = b, lo(n, arma::fill::zeros);
    lu.solve_dd(hi.memptr(), lo.memptr(), trans);
    arma::vec xd = b;  // the float64 solve differs from it by ~kappa u
    lu.solve(xd.memptr(), 1, trans);
    const double diff = arma::norm(hi - xd) / arma::norm(hi);
    EXPECT_GT(diff, 0) << "the double-double solve must not be the float64 one";
    EXPECT_LT(diff, 1e-10);
  }
}

// Householder reflections in double-double against Real: H f with H = I - tau v v^T.
TEST(ReflectDd, ExactToDoubleDoublePrecision) {
  const arma::uword p = 29, k = 3;
  arma::arma_rng::set_seed(9);
  arma::mat a(p, 5, arma::fill::randn);
  const double tau = 2 / (1 + arma::dot(a.col(k).tail(p - k - 1), a.col(k).tail(p - k - 1)));
  arma::vec fh(p, arma::fill::randn), fl = fh * 0x1p-56 % arma::randu<arma::vec>(p);
  std::vector<Real> v(p, Real(0)), f(p);
  v[k] = 1;
  for (arma::uword i = k + 1; i < p; ++i) v[i] = a(i, k);
  Real w = 0;
  for (arma::uword i = 0; i < p; ++i) {
    f[i] = Real(fh[i]) + Real(fl[i]);
    w += v[i] * f[i];
  }
  w *= Real(tau);
  ref::reflect_dd(a.memptr(), p, p, k, tau, fh.memptr(), fl.memptr());
  for (arma::uword i = 0; i < p; ++i) {
    const Real exact = f[i] - w * v[i];
    EXPECT_LE(abs(Real(fh[i]) + Real(fl[i]) - exact).convert_to<double>(), 1e-30 * (1 + abs(exact).convert_to<double>()))
        << "entry " << i;
  }
}

}  // namespace
}  // namespace condbench
