// kappa of every shipped generator's stored matrices (float64 and float32) against the
// values-only dgesvd while LAPACK's error bound max(m,n) u kappa keeps that within 0.5%,
// and against 400-bit MPFR beyond (up to kappa ~1e15 for the random families, far past it
// for the exact ones): within 1%, and certified.
#include "studies/generators/generator.hpp"
#include "studies/reference/lapack.hpp"
#include "studies/reference/reference.hpp"
#include "tests/reference/helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace condbench {
namespace {

constexpr double kU = 0x1p-53;

// sigma_1 / sigma_min(m,n) from dgesvd, singular values only.
double svd_kappa(const arma::mat& A) {
  arma::mat a = A;
  const int m = static_cast<int>(A.n_rows), n = static_cast<int>(A.n_cols), one = 1;
  arma::vec s(std::min(m, n));
  double dummy = 0, wq = 0;
  int lwork = -1, info = 0;
  dgesvd_("N", "N", &m, &n, a.memptr(), &m, s.memptr(), &dummy, &one, &dummy, &one, &wq, &lwork, &info, 1, 1);
  lwork = static_cast<int>(wq);
  std::vector<double> work(lwork);
  dgesvd_("N", "N", &m, &n, a.memptr(), &m, s.memptr(), &dummy, &one, &dummy, &one, work.data(), &lwork, &info, 1,
          1);
  EXPECT_EQ(info, 0);
  return s.max() / s.min();
}

// The same from 400-bit arithmetic: sigma_min = 1 / ||A^+||_2 with the pseudo-inverse formed
// column by column by multiprecision elimination (accurate to ~u after rounding to double).
double mpfr_kappa(const arma::mat& A) {
  arma::mat pinv(A.n_cols, A.n_rows);
  for (arma::uword c = 0; c < A.n_rows; ++c) {
    arma::vec e(A.n_rows, arma::fill::zeros);
    e[c] = 1;
    const std::vector<testing::Mp> x = testing::mp_reference(A, e);
    for (arma::uword i = 0; i < A.n_cols; ++i) pinv(i, c) = static_cast<double>(x[i]);
  }
  if (!pinv.is_finite()) return arma::datum::inf;  // exactly singular
  return arma::max(arma::svd(A)) * arma::max(arma::svd(pinv));
}

struct Case {
  std::string generator;
  ParamMap params;
  int m, n;  // m = 0: the generator's default
};

std::vector<Case> cases() {
  std::vector<Case> c;
  for (double k : {1e2, 1e8, 1e13, 1e15}) {
    c.push_back({"randsvd", {{"kappa", k}}, 0, 40});
    c.push_back({"randsvd", {{"kappa", k}, {"kind", std::string("spd")}, {"mode", std::string("one_small")}}, 0, 30});
    c.push_back({"randsvd", {{"kappa", k}, {"kind", std::string("least_squares")}}, 0, 24});
    c.push_back({"randsvd", {{"kappa", k}, {"kind", std::string("underdetermined")}, {"mode", std::string("one_large")}},
                 0, 30});
    c.push_back({"randsvd_fast", {{"kappa", k}, {"mode", std::string("arithmetic")}}, 0, 32});
    c.push_back({"randsvd_fast", {{"kappa", k}, {"kind", std::string("spd")}}, 0, 30});
  }
  for (int n : {6, 12}) {
    for (const char* g : {"cauchy", "chebvand", "frank", "hilbert", "lotkin", "pascal", "vandermonde"})
      c.push_back({g, {}, 0, n});
  }
  for (int n : {10, 30}) {
    for (const char* g : {"gfpp", "kahan", "kms", "moler", "prolate", "lauchli"}) c.push_back({g, {}, 0, n});
  }
  c.push_back({"regression", {}, 0, 4});
  c.push_back({"nearly_singular", {{"delta", 1e-9}}, 2, 2});
  c.push_back({"mtx", {{"file", std::string(CONDBENCH_SOURCE_DIR) + "/tests/data/mtx/dense_general.mtx"}}, 0, 0});
  return c;
}

TEST(KappaOfEveryGenerator, WithinOnePercentOfDgesvdOrMultiprecision) {
  std::set<std::string> covered;
  for (const Case& c : cases()) {
    const Generator* g = GeneratorRegistry::instance().find(c.generator);
    ASSERT_NE(g, nullptr) << c.generator;
    covered.insert(c.generator);
    int n = c.n, m = c.m;
    if (c.generator == "mtx") n = m = 3;  // the file's shape
    if (m == 0) m = g->default_m(c.params, n);
    ASSERT_FALSE(g->validate(c.params, m, n)) << c.generator << ": " << g->validate(c.params, m, n)->message;
    const Problem p = g->generate(c.params, m, n, 4);
    for (bool f32 : {false, true}) {
      const arma::mat A = f32 ? testing::to_float_stored(p.A) : p.A;
      const ref::KappaResult k = ref::measure_kappa(A, p.kind);
      const double from_svd = svd_kappa(A);
      const double p_u = std::max(A.n_rows, A.n_cols) * kU;
      const bool svd_good = p_u * from_svd <= 5e-3;
      if (!svd_good && std::min(A.n_rows, A.n_cols) > 40) continue;  // no affordable independent value
      const double expected = svd_good ? from_svd : mpfr_kappa(A);
      if (std::isinf(expected)) {  // exactly singular (a float32 rounding can make it so)
        EXPECT_TRUE(!k.certified || std::isinf(k.kappa)) << p.case_id << ": " << k.method;
        EXPECT_GT(k.kappa, 0.01 / kU) << p.case_id << (f32 ? " f32" : " f64") << " " << A.n_rows << "x" << A.n_cols;
        continue;
      }
      if (expected > 1e30) continue;  // beyond what the float128 fallback promises
      EXPECT_TRUE(k.certified) << p.case_id << (f32 ? " f32: " : " f64: ") << k.method;
      EXPECT_NEAR(k.kappa / expected, 1, 0.01)
          << p.case_id << (f32 ? " f32" : " f64") << " against " << (svd_good ? "dgesvd" : "MPFR") << ": "
          << k.method;
      EXPECT_LE(k.kappa, expected * (1 + 1e-6)) << "kappa is a lower bound: " << p.case_id;
    }
  }
  for (const Generator* g : GeneratorRegistry::instance().all())
    EXPECT_TRUE(covered.count(g->info().name)) << "generator " << g->info().name << " has no kappa cross-check";
}

}  // namespace
}  // namespace condbench
