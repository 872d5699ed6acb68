// The classical families against known values: exact determinants and inverses, known
// structure, known condition numbers, growth factors, exactness flags, parameter errors.
#include <gtest/gtest.h>

#include <armadillo>
#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "studies/generators/generator.hpp"

namespace condbench {
namespace {

using boost::multiprecision::cpp_int;
constexpr double u = 0x1p-53;

const Generator& gen(const std::string& name) {
  const Generator* g = GeneratorRegistry::instance().find(name);
  if (!g) throw std::runtime_error(name + " is not registered");
  return *g;
}
Problem make(const std::string& name, ParamMap p, int n, int m = -1, std::uint64_t seed = 1) {
  const Generator& g = gen(name);
  return g.generate(p, m < 0 ? g.default_m(p, n) : m, n, seed);
}

// An integer-valued double matrix as exact integers (throws if an entry is not an integer).
std::vector<std::vector<cpp_int>> as_integers(const arma::mat& A) {
  std::vector<std::vector<cpp_int>> M(A.n_rows, std::vector<cpp_int>(A.n_cols));
  for (arma::uword i = 0; i < A.n_rows; ++i)
    for (arma::uword j = 0; j < A.n_cols; ++j) {
      if (A(i, j) != std::floor(A(i, j))) throw std::runtime_error("not an integer matrix");
      M[i][j] = cpp_int(A(i, j));
    }
  return M;
}

// Exact determinant of an integer matrix (Bareiss fraction-free elimination).
cpp_int exact_det(std::vector<std::vector<cpp_int>> M) {
  const std::size_t n = M.size();
  cpp_int prev = 1;
  int sign = 1;
  for (std::size_t k = 0; k + 1 < n; ++k) {
    if (M[k][k] == 0) {
      std::size_t r = k + 1;
      while (r < n && M[r][k] == 0) ++r;
      if (r == n) return 0;
      std::swap(M[k], M[r]);
      sign = -sign;
    }
    for (std::size_t i = k + 1; i < n; ++i)
      for (std::size_t j = k + 1; j < n; ++j) M[i][j] = (M[i][j] * M[k][k] - M[i][k] * M[k][j]) / prev;
    prev = M[k][k];
  }
  return sign * M[n - 1][n - 1];
}

bool fits(const cpp_int& v, unsigned bits) {  // |v| representable with `bits` significant bits
  if (v == 0) return true;
  const cpp_int a = abs(v);
  return msb(a) - lsb(a) < bits;
}

double kappa2(const arma::mat& A) {
  const arma::vec s = arma::svd(A);
  return s.max() / s.min();
}

TEST(Families, AllRegisteredWithDocumentedParameters) {
  for (const char* name : {"hilbert", "pascal", "kahan", "vandermonde", "chebvand", "lotkin", "prolate", "frank",
                           "cauchy", "moler", "kms", "lauchli", "gfpp", "nearly_singular", "regression"}) {
    const Generator& g = gen(name);
    EXPECT_FALSE(g.info().description.empty()) << name;
    for (const ParamDoc& d : g.info().params) EXPECT_FALSE(d.help.empty()) << name << ":" << d.name;
  }
}

TEST(Families, SpdWhereTheFamilyIsSpd) {
  auto kind = [](const std::string& n, ParamMap p) { return gen(n).kind(p); };
  for (const char* name : {"hilbert", "pascal", "prolate", "kms", "moler", "cauchy", "nearly_singular"})
    EXPECT_EQ(kind(name, {}), ProblemKind::spd) << name;
  for (const char* name : {"kahan", "vandermonde", "chebvand", "lotkin", "frank", "gfpp"})
    EXPECT_EQ(kind(name, {}), ProblemKind::general) << name;
  EXPECT_EQ(kind("lauchli", {}), ProblemKind::least_squares);
  EXPECT_EQ(kind("kms", {{"rho", 2.0}}), ProblemKind::general);
  EXPECT_EQ(kind("nearly_singular", {{"delta", -0.5}}), ProblemKind::general);
  EXPECT_EQ(kind("cauchy", {{"x", "1,2,3"}, {"y", "2,3,4"}}), ProblemKind::general);
  EXPECT_EQ(kind("hilbert", {{"zero_columns", 1.0}}), ProblemKind::general);  // a zero column is not symmetric
  // and they are: Cholesky (LAPACK dpotrf) succeeds on the well-conditioned ones
  for (const char* name : {"pascal", "kms", "moler", "cauchy", "prolate"}) {
    arma::mat R;
    EXPECT_TRUE(arma::chol(R, make(name, {}, 6).A)) << name;
  }
}

TEST(Families, PascalDeterminantOneAndExactnessPerPrecision) {
  const Problem p = make("pascal", {}, 10);
  EXPECT_EQ(exact_det(as_integers(p.A)), 1);
  EXPECT_EQ(p.A(9, 9), 48620);  // binomial(18, 9)
  EXPECT_EQ(p.params.at("exact_f64"), "true");
  // exactness is computed: compare with an independent big-integer check at sizes around the limits
  for (int n : {10, 15, 20, 28, 29, 30, 40}) {
    const Problem q = make("pascal", {}, n);
    bool f64 = true, f32 = true;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        cpp_int b = 1;  // binomial(i+j, j)
        for (int k = 1; k <= j; ++k) b = b * (i + k) / k;
        f64 = f64 && fits(b, 53);
        f32 = f32 && fits(b, 24) && b < cpp_int(1) << 128;
      }
    EXPECT_EQ(q.params.at("exact_f64"), f64 ? "true" : "false") << n;
    EXPECT_EQ(q.params.at("exact_f32"), f32 ? "true" : "false") << n;
  }
}

TEST(Families, HilbertInverseIsInvhilbAndScaledHilbertIsExactWhileItFits) {
  const int n = 6;
  const Problem s = make("hilbert", {{"scaled", true}}, n);
  const cpp_int l = 27720;  // lcm(1..11)
  // invhilb(i,j) = (-1)^(i+j) (i+j-1) C(n+i-1, n-j) C(n+j-1, n-i) C(i+j-2, i-1)^2
  auto C = [](int a, int b) {
    cpp_int r = 1;
    for (int k = 1; k <= b; ++k) r = r * (a - b + k) / k;
    return r;
  };
  const auto H = as_integers(s.A);
  for (int i = 1; i <= n; ++i)
    for (int j = 1; j <= n; ++j) {
      cpp_int sum = 0;
      for (int k = 1; k <= n; ++k) {
        const cpp_int inv = ((k + j) % 2 ? -1 : 1) * (k + j - 1) * C(n + k - 1, n - j) * C(n + j - 1, n - k) *
                            C(k + j - 2, k - 1) * C(k + j - 2, k - 1);
        sum += H[i - 1][k - 1] * inv;
      }
      EXPECT_EQ(sum, i == j ? l : cpp_int(0)) << i << "," << j;  // (l H) invhilb = l I, exactly
    }
  const Problem h = make("hilbert", {}, n);
  EXPECT_EQ(h.params.at("exact_f64"), "false");
  EXPECT_EQ(h.A(2, 4), 1.0 / 7.0);
  EXPECT_EQ(s.params.at("exact_f64"), "true");
  EXPECT_EQ(s.params.at("exact_f32"), "true");
  // the flags against an independent check of lcm(1..2n-1)/(i+j-1)
  for (int m = 2; m <= 24; ++m) {
    cpp_int lm = 1;
    for (int k = 2; k <= 2 * m - 1; ++k) lm = boost::multiprecision::lcm(lm, cpp_int(k));
    bool f64 = true, f32 = true;
    for (int k = 1; k <= 2 * m - 1; ++k) {
      f64 = f64 && fits(lm / k, 53);
      f32 = f32 && fits(lm / k, 24);
    }
    const Problem q = make("hilbert", {{"scaled", true}}, m);
    EXPECT_EQ(q.params.at("exact_f64"), f64 ? "true" : "false") << m;
    EXPECT_EQ(q.params.at("exact_f32"), f32 ? "true" : "false") << m;
  }
}

TEST(Families, FrankAndMolerHaveDeterminantOne) {
  for (int k : {0, 1}) {
    const Problem f = make("frank", {{"k", static_cast<double>(k)}}, 9);
    EXPECT_EQ(exact_det(as_integers(f.A)), 1) << k;
    EXPECT_EQ(f.A(0, 0), k == 0 ? 9 : 1);  // k = 1 reflects about the anti-diagonal
    EXPECT_EQ(f.A(8, 8), k == 0 ? 1 : 9);
  }
  EXPECT_EQ(make("frank", {}, 5).A(4, 2), 0);  // below the subdiagonal
  const Problem m = make("moler", {}, 8);
  EXPECT_EQ(exact_det(as_integers(m.A)), 1);
  for (int i = 1; i <= 8; ++i)
    for (int j = 1; j <= 8; ++j) EXPECT_EQ(m.A(i - 1, j - 1), i == j ? i : std::min(i, j) - 2);
}

TEST(Families, KahanStructure) {
  const int n = 12;
  const double theta = 1.2, pert = 25;
  const Problem k = make("kahan", {}, n);
  const double s = std::sin(theta), c = std::cos(theta), eps = 0x1p-52;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const double si = std::pow(s, i);
      const double want = i > j ? 0 : i == j ? si + pert * eps * (n - i) : -c * si;
      EXPECT_NEAR(k.A(i, j), want, 8 * u * std::abs(want)) << i << "," << j;
    }
  EXPECT_EQ(k.params.at("exact_f64"), "false");
}

TEST(Families, KmsInverseIsTridiagonalAndDeterminantKnown) {
  const int n = 12;
  const double rho = 0.5;
  const Problem k = make("kms", {{"rho", rho}}, n);
  const double kap = kappa2(k.A);
  const arma::mat inv = arma::inv(k.A);
  const double tol = 10 * n * u * kap * arma::abs(inv).max();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (std::abs(i - j) > 1) EXPECT_LE(std::abs(inv(i, j)), tol) << i << "," << j;
  double val = 0, sign = 0;
  arma::log_det(val, sign, k.A);
  EXPECT_NEAR(val, (n - 1) * std::log(1 - rho * rho), 10 * n * u * kap);
  EXPECT_EQ(k.params.at("exact_f64"), "true");  // powers of 1/2
}

TEST(Families, GfppGrowthIsTwoToTheNMinusOne) {
  const int n = 30;
  const Problem g = make("gfpp", {}, n);
  arma::mat L, U, P;
  ASSERT_TRUE(arma::lu(L, U, P, g.A));  // LAPACK dgetrf, partial pivoting
  EXPECT_EQ(arma::abs(U).max() / arma::abs(g.A).max(), std::ldexp(1.0, n - 1));
  EXPECT_TRUE(arma::approx_equal(P, arma::eye(n, n), "absdiff", 0));  // no row swaps
}

TEST(Families, LauchliShapeAndKappa) {
  const int n = 7;
  const double mu = 1e-3;
  const Problem l = make("lauchli", {{"mu", mu}}, n);
  EXPECT_EQ(l.A.n_rows, n + 1u);
  EXPECT_EQ(l.kind, ProblemKind::least_squares);
  EXPECT_NEAR(l.kappa_nominal, std::sqrt(n + mu * mu) / mu, 1e-12 * l.kappa_nominal);
  EXPECT_NEAR(kappa2(l.A), l.kappa_nominal, 10 * n * u * l.kappa_nominal * l.kappa_nominal);
  EXPECT_FALSE(gen("lauchli").validate({}, n, n).has_value() == true && false);
  EXPECT_TRUE(gen("lauchli").validate({}, n, n).has_value());  // m must be n + 1
}

TEST(Families, NearlySingularIsTheLecturesTwoByTwo) {
  const Problem p = make("nearly_singular", {}, 2);
  EXPECT_EQ(p.A(1, 1), 1.0001);
  EXPECT_EQ(p.A(0, 1), 1.0);
  EXPECT_NEAR(p.kappa_nominal, 4.0e4, 0.01 * 4.0e4);  // (2+d+sqrt(4+d^2))/(2+d-sqrt(4+d^2)) ~ 4/d
  // the closed form is for 1 + 1e-4 exactly; the stored 1.0001 differs by u: kappa * u relatively
  EXPECT_NEAR(kappa2(p.A), p.kappa_nominal, 10 * p.kappa_nominal * p.kappa_nominal * u);
  EXPECT_EQ(p.b(0), 2.0);
  EXPECT_EQ(p.b(1), static_cast<double>(1.0L + p.A(1, 1)));  // exact in long double, rounded once
  EXPECT_EQ(p.params.at("exact_f64"), "false");
  EXPECT_EQ(make("nearly_singular", {{"delta", 0x1p-10}}, 2).params.at("exact_f64"), "true");
  EXPECT_TRUE(gen("nearly_singular").validate({}, 3, 3).has_value());
}

TEST(Families, CauchyDeterminantFormula) {
  const int n = 5;
  const Problem c = make("cauchy", {}, n);
  long double det = 1;  // prod_{i<j} (j-i)^2 / prod_{i,j} (i+j)
  for (int i = 1; i <= n; ++i)
    for (int j = 1; j <= n; ++j) {
      if (i < j) det *= static_cast<long double>((j - i) * (j - i));
      det /= (i + j);
    }
  EXPECT_NEAR(arma::det(c.A), static_cast<double>(det), 10 * n * u * kappa2(c.A) * static_cast<double>(det));
  EXPECT_EQ(c.kind, ProblemKind::spd);
  EXPECT_TRUE(gen("cauchy").validate({{"x", "1,2"}}, 3, 3).has_value());
  EXPECT_TRUE(gen("cauchy").validate({{"x", "-1,-2,-3"}}, 3, 3).has_value());  // x_i + y_j = 0
}

TEST(Families, VandermondeChebvandLotkinProlateEntries) {
  const Problem v = make("vandermonde", {}, 5);
  for (int i = 1; i <= 5; ++i)
    for (int j = 1; j <= 5; ++j) EXPECT_EQ(v.A(i - 1, j - 1), std::pow(i, 5 - j));
  EXPECT_EQ(v.params.at("exact_f32"), "true");
  const Problem c = make("chebvand", {}, 6);
  for (int j = 0; j < 6; ++j) {
    const double p = j / 5.0;
    EXPECT_EQ(c.A(0, j), 1);
    EXPECT_NEAR(c.A(1, j), p, u);
    EXPECT_NEAR(c.A(3, j), 4 * p * p * p - 3 * p, 8 * u);
  }
  const Problem l = make("lotkin", {}, 5);
  EXPECT_EQ(l.A(0, 3), 1);
  EXPECT_EQ(l.A(2, 1), 0.25);
  const Problem p = make("prolate", {}, 12);
  EXPECT_TRUE(p.A.is_symmetric());
  const arma::vec ev = arma::eig_sym(p.A);
  const double tol = 10 * 12 * u;
  EXPECT_GT(ev.min(), -tol);
  EXPECT_LT(ev.max(), 1 + tol);
}

TEST(Families, XTrueAndRightHandSide) {
  const Problem h = make("hilbert", {}, 8);
  EXPECT_TRUE(arma::all(h.x_true == 1.0));
  // b = A * ones, accurately: compare with a long double sum
  for (int i = 0; i < 8; ++i) {
    long double s = 0;
    for (int j = 0; j < 8; ++j) s += h.A(i, j);
    EXPECT_NEAR(h.b(i), static_cast<double>(s), 2 * u * std::abs(h.b(i)));
  }
  const Problem r1 = make("hilbert", {{"x", "random"}}, 8, -1, 3), r2 = make("hilbert", {{"x", "random"}}, 8, -1, 3);
  EXPECT_TRUE(arma::approx_equal(r1.x_true, r2.x_true, "absdiff", 0));
  EXPECT_FALSE(arma::approx_equal(r1.x_true, make("hilbert", {{"x", "random"}}, 8, -1, 4).x_true, "absdiff", 0));
}

TEST(Families, ParameterErrorsNameTheKey) {
  auto err = [](const std::string& g, ParamMap p, int m, int n) {
    auto e = gen(g).validate(p, m, n);
    return e ? e->key + ": " + e->message : std::string();
  };
  EXPECT_NE(err("kms", {{"rhoo", 0.1}}, 4, 4).find("valid: rho, scale, zero_columns"), std::string::npos);
  EXPECT_EQ(err("kahan", {{"theta", 4.0}}, 4, 4).rfind("theta", 0), 0u);
  EXPECT_EQ(err("hilbert", {}, 5, 4).rfind("m", 0), 0u);
  EXPECT_EQ(err("prolate", {{"w", 0.7}}, 4, 4).rfind("w", 0), 0u);
  EXPECT_EQ(err("gfpp", {{"c", "big"}}, 4, 4).rfind("c", 0), 0u);
  EXPECT_EQ(err("hilbert", {{"scaled", 1.0}}, 4, 4).rfind("scaled", 0), 0u);
  EXPECT_EQ(err("pascal", {}, 4, 4), "");
}

}  // namespace
}  // namespace condbench
