#include "studies/reference/refine.hpp"

#include "studies/reference/dense128.hpp"
#include "studies/reference/lapack.hpp"
#include "studies/reference/residual.hpp"

#include <fmt/format.h>

#include <cmath>
#include <memory>

namespace condbench::ref {
namespace {

constexpr double kU = 0x1p-53;

// Solves K d = v in place for the system matrix K; v is [f] (square) or [f; g] (augmented).
class Corrector {
 public:
  virtual ~Corrector() = default;
  virtual void correct(std::vector<f128>& v) const = 0;
  virtual bool singular() const = 0;
};

class LuF64 : public Corrector {
 public:
  explicit LuF64(const arma::mat& A) : lu_(A), piv_(A.n_rows) {
    const int n = static_cast<int>(A.n_rows);
    int info = 0;
    dgetrf_(&n, &n, lu_.memptr(), &n, piv_.data(), &info);
    singular_ = info != 0;
    if (!singular_) {
      // The 1-norm estimate bounds the floor of the error estimate when no kappa is given.
      const double anorm = arma::norm(A, 1);
      std::vector<double> work(4 * n);
      std::vector<int> iwork(n);
      dgecon_("1", &n, lu_.memptr(), &n, &anorm, &rcond_, work.data(), iwork.data(), &info, 1);
      inv_norm1_ = rcond_ > 0 ? 1 / (rcond_ * anorm) : arma::datum::inf;
    }
  }
  void correct(std::vector<f128>& v) const override {
    const int n = static_cast<int>(lu_.n_rows), one = 1;
    std::vector<double> d(v.begin(), v.end());
    int info = 0;
    dgetrs_("N", &n, &one, lu_.memptr(), &n, piv_.data(), d.data(), &n, &info, 1);
    for (int i = 0; i < n; ++i) v[i] = d[i];
  }
  bool singular() const override { return singular_; }
  double inv_norm1() const { return inv_norm1_; }

 private:
  arma::mat lu_;
  std::vector<int> piv_;
  bool singular_ = false;
  double rcond_ = 0, inv_norm1_ = arma::datum::inf;
};

class LuF128 : public Corrector {
 public:
  explicit LuF128(const arma::mat& A) : lu_(A) {}
  void correct(std::vector<f128>& v) const override { lu_.solve(v); }
  bool singular() const override { return lu_.singular(); }

 private:
  Lu128 lu_;
};

// The augmented-system correction from B = Q [R; 0], shared by both precisions.
template <class T, class Ops>
void augmented_correction(const Ops& ops, std::size_t p, std::size_t q, std::vector<f128>& v) {
  std::vector<T> f(v.begin(), v.begin() + p), h(v.begin() + p, v.end());
  ops.solve_rt(h.data());
  ops.apply_qt(f.data());
  std::vector<T> dt(f.begin(), f.begin() + q);
  for (std::size_t i = 0; i < q; ++i) {
    dt[i] -= h[i];
    f[i] = h[i];
  }
  ops.apply_q(f.data());
  ops.solve_r(dt.data());
  for (std::size_t i = 0; i < p; ++i) v[i] = f[i];
  for (std::size_t i = 0; i < q; ++i) v[p + i] = dt[i];
}

class QrF64Ops {
 public:
  explicit QrF64Ops(const arma::mat& B) : qr_(B), tau_(B.n_cols) {
    const int p = static_cast<int>(B.n_rows), q = static_cast<int>(B.n_cols);
    int info = 0, lwork = -1;
    double wq = 0;
    dgeqrf_(&p, &q, qr_.memptr(), &p, tau_.data(), &wq, &lwork, &info);
    lwork = static_cast<int>(wq);
    work_.resize(std::max(lwork, 1));
    dgeqrf_(&p, &q, qr_.memptr(), &p, tau_.data(), work_.data(), &lwork, &info);
    for (int i = 0; i < q; ++i) singular_ = singular_ || qr_(i, i) == 0;
    if (!singular_) {
      std::vector<double> w(3 * q);
      std::vector<int> iw(q);
      double rcond = 0;
      dtrcon_("1", "U", "N", &q, qr_.memptr(), &p, &rcond, w.data(), iw.data(), &info, 1, 1, 1);
      const arma::mat R = arma::trimatu(qr_.head_rows(q));
      inv_norm1_ = rcond > 0 ? 1 / (rcond * arma::norm(R, 1)) : arma::datum::inf;
    }
  }
  void apply_qt(double* f) const { ormqr("T", f); }
  void apply_q(double* f) const { ormqr("N", f); }
  void solve_r(double* y) const { trtrs("N", y); }
  void solve_rt(double* y) const { trtrs("T", y); }
  bool singular() const { return singular_; }
  double inv_norm1() const { return inv_norm1_; }

 private:
  void ormqr(const char* trans, double* f) const {
    const int p = static_cast<int>(qr_.n_rows), q = static_cast<int>(qr_.n_cols), one = 1;
    int info = 0, lwork = -1;
    double wq = 0;
    dormqr_("L", trans, &p, &one, &q, qr_.memptr(), &p, tau_.data(), f, &p, &wq, &lwork, &info, 1, 1);
    lwork = std::max(1, static_cast<int>(wq));
    std::vector<double> work(lwork);
    dormqr_("L", trans, &p, &one, &q, qr_.memptr(), &p, tau_.data(), f, &p, work.data(), &lwork, &info, 1, 1);
  }
  void trtrs(const char* trans, double* y) const {
    const int p = static_cast<int>(qr_.n_rows), q = static_cast<int>(qr_.n_cols), one = 1;
    int info = 0;
    dtrtrs_("U", trans, "N", &q, &one, qr_.memptr(), &p, y, &q, &info, 1, 1, 1);
  }
  arma::mat qr_;
  std::vector<double> tau_, work_;
  bool singular_ = false;
  double inv_norm1_ = arma::datum::inf;
};

class QrF64 : public Corrector {
 public:
  explicit QrF64(const arma::mat& B) : ops_(B), p_(B.n_rows), q_(B.n_cols) {}
  void correct(std::vector<f128>& v) const override { augmented_correction<double>(ops_, p_, q_, v); }
  bool singular() const override { return ops_.singular(); }
  double inv_norm1() const { return ops_.inv_norm1(); }

 private:
  QrF64Ops ops_;
  std::size_t p_, q_;
};

class QrF128 : public Corrector {
 public:
  explicit QrF128(const arma::mat& B) : qr_(B), p_(B.n_rows), q_(B.n_cols) {}
  void correct(std::vector<f128>& v) const override { augmented_correction<f128>(qr_, p_, q_, v); }
  bool singular() const override { return qr_.singular(); }

 private:
  Qr128 qr_;
  std::size_t p_, q_;
};

double norm2(const std::vector<f128>& v, std::size_t begin, std::size_t end) {
  double s = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const double d = static_cast<double>(v[i]);
    s += d * d;
  }
  return std::sqrt(s);
}

}  // namespace

struct Refiner::Impl {
  arma::mat M, Mt;  // Mt only for the augmented shape
  Shape shape;
  bool want_s;
  RefineOptions opt;
  double norm_f = 0;
  std::size_t p = 0, q = 0, N = 0;
  std::unique_ptr<Corrector> f64, f128c;
  double inv_sigma = arma::datum::inf;  // estimate of 1 / sigma_min(M), for the error floor

  Impl(const arma::mat& A, Shape s, bool ws, const RefineOptions& o) : M(A), shape(s), want_s(ws), opt(o) {
    p = M.n_rows;
    q = M.n_cols;
    N = shape == Shape::square ? q : p + q;
    norm_f = arma::norm(M, "fro");
    if (shape == Shape::augmented) Mt = M.t();
    double inv_norm1 = arma::datum::inf;
    if (!opt.force_f128) {
      if (shape == Shape::square) {
        auto lu = std::make_unique<LuF64>(M);
        inv_norm1 = lu->inv_norm1();
        f64 = std::move(lu);
      } else {
        auto qr = std::make_unique<QrF64>(M);
        inv_norm1 = qr->inv_norm1();
        f64 = std::move(qr);
      }
    }
    const double dq = static_cast<double>(q);
    if (std::isfinite(opt.kappa_hint)) {
      inv_sigma = opt.kappa_hint * std::sqrt(dq) / norm_f;  // sigma_max >= ||M||_F / sqrt(q)
    } else {
      // 1-norm estimator -> 2-norm (sqrt(q)), with a factor q for the estimator's underestimation.
      inv_sigma = dq * std::sqrt(dq) * inv_norm1;
    }
  }

  bool f128_affordable() const {
    const double dp = static_cast<double>(p), dq = static_cast<double>(q);
    return dp * dq * dq <= 3e8;  // ~10-30 s at float128 speed
  }

  Corrector* make_f128() {
    if (!f128c) {
      if (shape == Shape::square)
        f128c = std::make_unique<LuF128>(M);
      else
        f128c = std::make_unique<QrF128>(M);
    }
    return f128c.get();
  }

  struct Residual {
    std::vector<f128> v;
    double err_f = 0, err_g = 0;
  };

  Residual residual_of(const std::vector<double> (&c)[3], int k, const arma::vec& r1, const arma::vec& r2) const {
    Residual res;
    if (shape == Shape::square) {
      MultiVec x{{c[0].data(), c[1].data(), c[2].data()}, k};
      std::vector<Term> init;
      if (!r1.empty()) init.push_back({r1.memptr(), 1.0});
      ResidualResult rr = residual(M, norm_f, x, init);
      res.v = std::move(rr.r);
      res.err_f = rr.err_bound;
      return res;
    }
    MultiVec t{{c[0].data() + p, c[1].data() + p, c[2].data() + p}, k};
    MultiVec s{{c[0].data(), c[1].data(), c[2].data()}, k};
    std::vector<Term> init_f;
    if (!r1.empty()) init_f.push_back({r1.memptr(), 1.0});
    for (int l = 0; l < k; ++l) init_f.push_back({c[l].data(), -1.0});
    ResidualResult F = residual(M, norm_f, t, init_f);
    std::vector<Term> init_g;
    if (!r2.empty()) init_g.push_back({r2.memptr(), 1.0});
    ResidualResult G = residual(Mt, norm_f, s, init_g);
    res.v = std::move(F.r);
    res.v.insert(res.v.end(), G.r.begin(), G.r.end());
    res.err_f = F.err_bound;
    res.err_g = G.err_bound;
    return res;
  }

  // Bound on the wanted block's error caused by the residual errors (||K^{-1}|| blockwise).
  double floor_abs(const Residual& r) const {
    if (shape == Shape::square) return r.err_f * inv_sigma;
    if (want_s) return r.err_f + r.err_g * inv_sigma;
    return r.err_f * inv_sigma + r.err_g * inv_sigma * inv_sigma;
  }

  std::string method_name(bool used_f128) const {
    const char* fact = shape == Shape::square ? (used_f128 ? "float128 LU" : "f64 LU (dgetrf)")
                                              : (used_f128 ? "float128 Householder QR" : "f64 QR (dgeqrf)");
    return fmt::format("IR{}: {} corrections, TwoProd/4-level TwoSum residual, triple-double iterate",
                       shape == Shape::square ? "" : " on the augmented system", fact);
  }

  RefineResult solve(const arma::vec& r1, const arma::vec& r2, double target);
};

RefineResult Refiner::Impl::solve(const arma::vec& r1, const arma::vec& r2, double target) {
  RefineResult out;
  std::vector<Real> z(N, Real(0));
  std::vector<double> c[3];
  for (auto& v : c) v.assign(N, 0.0);
  const std::size_t wb = (shape == Shape::augmented && !want_s) ? p : 0;  // wanted block [wb, we)
  const std::size_t we = shape == Shape::square ? N : (want_s ? p : N);

  Corrector* corr = f64.get();
  bool used_f128 = false;
  auto switch_to_f128 = [&](const char* why) {
    if (used_f128 || !f128_affordable()) return false;
    corr = make_f128();
    used_f128 = true;
    out.note += why;
    return true;
  };
  if (!corr || corr->singular() || (std::isfinite(opt.kappa_hint) && opt.kappa_hint * kU > 0.01)) {
    if (!switch_to_f128(corr && corr->singular() ? "f64 factorization singular: float128 corrections. "
                                                 : "kappa near 1/u_f64: float128 corrections. ")) {
      if (!corr) corr = make_f128(), used_f128 = true;
    }
  }
  double nd_prev = arma::datum::nan;
  int k = 0;  // components of the iterate in use
  for (int it = 0; it < opt.max_iter; ++it) {
    Residual res = residual_of(c, k, r1, r2);
    if (corr->singular()) {
      out.note += "the matrix is singular to the correction solver's precision; ";
      break;
    }
    corr->correct(res.v);
    for (std::size_t i = 0; i < N; ++i) {
      double hi, mid, lo;
      split3(res.v[i], hi, mid, lo);
      z[i] += Real(hi);
      z[i] += Real(mid);
      z[i] += Real(lo);
    }
    // Re-split so the iterate is exactly the triple-double the next residual sees.
    k = 1;
    for (std::size_t i = 0; i < N; ++i) {
      Real rem = z[i];
      for (int l = 0; l < 3; ++l) {
        c[l][i] = rem.convert_to<double>();
        rem -= c[l][i];
        if (c[l][i] != 0) k = std::max(k, l + 1);
      }
      z[i] = Real(c[0][i]) + Real(c[1][i]) + Real(c[2][i]);
    }
    ++out.iterations;
    const double dnorm = norm2(res.v, wb, we);
    double znorm = 0;
    for (std::size_t i = wb; i < we; ++i) znorm += c[0][i] * c[0][i];
    znorm = std::sqrt(znorm);
    const double floor = (znorm > 0 ? floor_abs(res) / znorm : 0) + 0x1p-150;
    if (dnorm == 0) {
      // The residual was exactly zero in extended precision: only its error bound remains.
      out.ref_error = floor;
      out.converged = floor <= target;
      break;
    }
    const double nd = dnorm / znorm;
    const double ratio = nd / nd_prev;  // NaN right after a start or a switch: contraction not yet seen
    // Once the corrections contract by at least 2 per step the error of the new
    // iterate is below the last correction; the floor covers the residual errors.
    const double est = nd + floor;
    out.ref_error = ratio <= 0.5 ? est : std::max(nd, std::isfinite(nd_prev) ? nd_prev : 1.0) + floor;
    if (ratio <= 0.5 && est <= target) {
      out.converged = true;
      break;
    }
    if (ratio > 0.5) {
      if (switch_to_f128("f64 corrections stopped contracting: float128 corrections. ")) {
        nd_prev = arma::datum::nan;
        continue;
      }
      out.note += fmt::format("corrections stopped contracting (ratio {:.2g}) at estimated error {:.3g}; ", ratio,
                              out.ref_error);
      break;
    }
    // Slow contraction costs more than one float128 factorization of these small sizes.
    if (!used_f128 && ratio > 1e-3 && std::log(target / est) / std::log(ratio) > 25 &&
        switch_to_f128("slow f64 contraction: float128 corrections. ")) {
      nd_prev = arma::datum::nan;
      continue;
    }
    nd_prev = nd;
  }
  if (!out.converged && out.note.find("stopped") == std::string::npos && out.note.find("singular") == std::string::npos)
    out.note += fmt::format("target {:.3g} not reached in {} iterations", target, out.iterations);
  out.method = method_name(used_f128);
  out.x.assign(z.begin() + wb, z.begin() + we);
  if (shape == Shape::augmented) {
    if (want_s)
      out.other.assign(z.begin() + p, z.end());
    else
      out.other.assign(z.begin(), z.begin() + p);
  }
  return out;
}

Refiner::Refiner(const arma::mat& M, Shape shape, bool want_s, const RefineOptions& opt)
    : impl_(new Impl(M, shape, want_s, opt)) {}
Refiner::~Refiner() { delete impl_; }
RefineResult Refiner::solve(const arma::vec& rhs1, const arma::vec& rhs2, double target) {
  return impl_->solve(rhs1, rhs2, target);
}

}  // namespace condbench::ref
