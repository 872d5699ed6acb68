#include "studies/reference/refine.hpp"

#include "studies/reference/dd_blas.hpp"
#include "studies/reference/dense128.hpp"
#include "studies/reference/eft.hpp"
#include "studies/reference/residual.hpp"

#include <fmt/format.h>
#include <quadmath.h>

#include <cmath>
#include <memory>

namespace condbench::ref {
namespace {

constexpr double kU = 0x1p-53;
constexpr double kGmresTol = 1e-12;  // relative preconditioned residual of one GMRES solve
constexpr int kGmresMax = 60;        // products per GMRES solve (capped and reported)

// The exponent e with max|v| in [2^(e-1), 2^e): v * 2^-e is exact and keeps the
// corrections of tiny residuals (matrices near underflow) in the normal double range.
int scale_exponent(const std::vector<f128>& v, std::size_t begin = 0, std::size_t end = SIZE_MAX) {
  f128 big = 0;
  for (std::size_t i = begin; i < std::min(end, v.size()); ++i) big = std::max(big, fabsq(v[i]));
  if (big == 0 || !finiteq(big)) return 0;
  int e = 0;
  frexpq(big, &e);
  return e;
}

double norm2(const std::vector<f128>& v, std::size_t begin, std::size_t end) {
  double s = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const double d = static_cast<double>(v[i]);
    s += d * d;
  }
  return std::sqrt(s);
}

// The augmented-system correction from B = Q [R; 0] (refine.hpp), for a type T with - and =.
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

// Givens rotation zeroing b in (a, b).
void givens(double a, double b, double& c, double& s) {
  if (b == 0) {
    c = 1;
    s = 0;
    return;
  }
  const double r = std::hypot(a, b);
  c = a / r;
  s = b / r;
}

}  // namespace

struct Refiner::Impl {
  enum class Stage { f64, gmres, f128 };

  const arma::mat& M;
  const arma::mat* Mt_given;
  arma::mat Mt_own;  // M^T, made when a transposed residual or the augmented system needs it
  Shape shape;
  bool want_s;
  RefineOptions opt;
  const LuFactors* lu;
  const QrFactors* qr;
  std::unique_ptr<Lu128> lu128;
  std::unique_ptr<Qr128> qr128;
  double norm_f = 0;
  std::size_t p = 0, q = 0, N = 0;
  double inv_sigma = arma::datum::inf;  // estimate of 1 / sigma_min(M), for the error floor
  bool trans = false;                   // the current solve is with M^T (square only)

  Impl(const arma::mat& A, Shape s, bool ws, const RefineOptions& o, const LuFactors* l, const QrFactors* r,
       const arma::mat* Mt)
      : M(A), Mt_given(Mt), shape(s), want_s(ws), opt(o), lu(l), qr(r) {
    p = M.n_rows;
    q = M.n_cols;
    N = shape == Shape::square ? q : p + q;
    norm_f = std::isnan(opt.norm_f) ? arma::norm(M, "fro") : opt.norm_f;
    set_hint(opt.kappa_hint);
  }

  void set_hint(double kappa) {
    opt.kappa_hint = kappa;
    const double dq = static_cast<double>(q);
    if (std::isfinite(opt.kappa_hint)) {
      inv_sigma = opt.kappa_hint * std::sqrt(dq) / norm_f;  // sigma_max >= ||M||_F / sqrt(q)
    } else {
      // 1-norm estimator -> 2-norm (sqrt(q)), with a factor q for the estimator's underestimation.
      const double inv_norm1 = lu ? lu->inv_norm1(arma::norm(M, 1)) : qr ? qr->inv_norm1() : arma::datum::inf;
      inv_sigma = dq * std::sqrt(dq) * inv_norm1;
    }
  }

  const arma::mat& Mt() {
    if (Mt_given) return *Mt_given;
    if (Mt_own.is_empty()) Mt_own = M.t();
    return Mt_own;
  }

  bool has_f64() const { return shape == Shape::square ? lu != nullptr : qr != nullptr; }
  bool f64_singular() const { return shape == Shape::square ? lu->singular() : qr->singular(); }

  bool f128_affordable() const {
    const double dp = static_cast<double>(p), dq = static_cast<double>(q);
    return dp * dq * dq <= 3e8;  // ~10-30 s at float128 speed
  }

  bool f128_singular() {
    if (shape == Shape::square) {
      if (!lu128) lu128 = std::make_unique<Lu128>(M);
      return lu128->singular();
    }
    if (!qr128) qr128 = std::make_unique<Qr128>(M);
    return qr128->singular();
  }

  struct Residual {
    std::vector<f128> v;
    double err_f = 0, err_g = 0;
  };

  // K z subtracted from the right-hand side, K the refinement system (M, M^T or augmented).
  Residual residual_of(const std::vector<double> (&c)[3], int k, const arma::vec& r1, const arma::vec& r2) {
    Residual res;
    if (shape == Shape::square) {
      MultiVec x{{c[0].data(), c[1].data(), c[2].data()}, k};
      std::vector<Term> init;
      if (!r1.empty()) init.push_back({r1.memptr(), 1.0});
      ResidualResult rr = residual(trans ? Mt() : M, norm_f, x, init);
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
    ResidualResult G = residual(Mt(), norm_f, s, init_g);
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

  // v <- K^{-1} v with the float64 factors.
  void correct_f64(std::vector<f128>& v) const {
    const int e = scale_exponent(v);
    if (shape == Shape::square) {
      std::vector<double> d(N);
      for (std::size_t i = 0; i < N; ++i) d[i] = static_cast<double>(scalbnq(v[i], -e));
      lu->solve(d.data(), 1, trans);
      for (std::size_t i = 0; i < N; ++i) v[i] = scalbnq(static_cast<f128>(d[i]), e);
      return;
    }
    for (auto& x : v) x = scalbnq(x, -e);
    augmented_correction<double>(*qr, p, q, v);
    for (auto& x : v) x = scalbnq(x, e);
  }

  // hi + lo <- K^{-1} (hi + lo) with the float64 factors applied in double-double.
  void correct_dd(std::vector<double>& hi, std::vector<double>& lo) const {
    if (shape == Shape::square) {
      lu->solve_dd(hi.data(), lo.data(), trans);
      return;
    }
    double *fh = hi.data(), *fl = lo.data(), *gh = hi.data() + p, *gl = lo.data() + p;
    qr->solve_rt_dd(gh, gl);
    qr->apply_qt_dd(fh, fl);
    std::vector<double> dh(q), dl(q);
    for (std::size_t i = 0; i < q; ++i) {  // dt = f(0:q) - h in double-double
      eft::two_sum(fh[i], -gh[i], dh[i], dl[i]);
      dl[i] += fl[i] - gl[i];
      fh[i] = gh[i];
      fl[i] = gl[i];
    }
    qr->apply_q_dd(fh, fl);
    qr->solve_r_dd(dh.data(), dl.data());
    std::copy(dh.begin(), dh.end(), gh);
    std::copy(dl.begin(), dl.end(), gl);
  }

  // out = 2^-e K^{-1} w in double, the preconditioner applied in double-double to the
  // float128 vector w; returns e.
  int precondition(const std::vector<f128>& w, double* out) const {
    const int e = scale_exponent(w);
    std::vector<double> hi(N), lo(N);
    for (std::size_t i = 0; i < N; ++i) {
      const f128 s = scalbnq(w[i], -e);
      hi[i] = static_cast<double>(s);
      lo[i] = static_cast<double>(s - hi[i]);
    }
    correct_dd(hi, lo);
    for (std::size_t i = 0; i < N; ++i) out[i] = hi[i] + lo[i];
    return e;
  }

  // w = P^{-1} K v, the product and the preconditioner both in double-double (~u^2, as
  // GMRES-IR's analysis asks), v scaled by a power of two so that K v is of order one
  // (matrices near underflow or overflow keep their second words normal).
  void preconditioned_product(const double* v, double* w) {
    const double s = std::ldexp(1.0, -std::ilogb(norm_f));
    std::vector<double> x(v, v + N), hi(N), lo(N);
    for (double& xi : x) xi *= s;
    if (shape == Shape::square) {
      const arma::mat& op = trans ? Mt() : M;
      gemv_dd(op.memptr(), N, N, x.data(), hi.data(), lo.data());
    } else {  // K [s; t] = [s + M t; M^T s]
      gemv_dd(M.memptr(), p, q, x.data() + p, hi.data(), lo.data());
      for (std::size_t i = 0; i < p; ++i) {
        double h, l;
        eft::two_sum(hi[i], x[i], h, l);
        hi[i] = h;
        lo[i] += l;
      }
      const arma::mat& mt = Mt();
      gemv_dd(mt.memptr(), q, p, x.data(), hi.data() + p, lo.data() + p);
    }
    correct_dd(hi, lo);
    for (std::size_t i = 0; i < N; ++i) w[i] = (hi[i] + lo[i]) / s;
  }

  // v <- an approximation of K^{-1} v by GMRES on K~ = P^{-1} K with the preconditioner
  // P^{-1} (the float64 factors) applied in double-double and K z extra-precise;
  // returns the number of products.
  int correct_gmres(std::vector<f128>& v) {
    const int m = static_cast<int>(std::min<std::size_t>(N, kGmresMax));
    arma::mat V(N, m + 1), H(m + 1, m, arma::fill::zeros);
    arma::vec g(m + 1, arma::fill::zeros), cs(m), sn(m);
    const int e = precondition(v, V.colptr(0));
    const double beta = arma::norm(V.col(0));
    if (beta == 0 || !std::isfinite(beta)) {
      for (auto& x : v) x = 0;
      return 0;
    }
    V.col(0) /= beta;
    g[0] = beta;
    int j = 0;
    for (; j < m;) {
      arma::vec w(N);
      preconditioned_product(V.colptr(j), w.memptr());
      const auto basis = V.cols(0, j);
      arma::vec h = basis.t() * w;
      w -= basis * h;
      const arma::vec h2 = basis.t() * w;  // CGS2: the second pass restores orthogonality
      w -= basis * h2;
      h += h2;
      const double hn = arma::norm(w);
      for (int i = 0; i <= j; ++i) H(i, j) = h[i];
      H(j + 1, j) = hn;
      for (int i = 0; i < j; ++i) {
        const double a = cs[i] * H(i, j) + sn[i] * H(i + 1, j);
        H(i + 1, j) = -sn[i] * H(i, j) + cs[i] * H(i + 1, j);
        H(i, j) = a;
      }
      givens(H(j, j), H(j + 1, j), cs[j], sn[j]);
      H(j, j) = cs[j] * H(j, j) + sn[j] * H(j + 1, j);
      H(j + 1, j) = 0;
      g[j + 1] = -sn[j] * g[j];
      g[j] = cs[j] * g[j];
      ++j;
      if (std::fabs(g[j]) <= kGmresTol * beta || hn == 0) break;
      V.col(j) = w / hn;
    }
    // y = H(0:j, 0:j)^{-1} g(0:j); the correction V y, scaled back.
    arma::vec y = g.head(j);
    for (int i = j; i-- > 0;) {
      for (int l = i + 1; l < j; ++l) y[i] -= H(i, l) * y[l];
      y[i] /= H(i, i);
    }
    const arma::vec d = V.cols(0, j - 1) * y;
    for (std::size_t i = 0; i < N; ++i) v[i] = scalbnq(static_cast<f128>(d[i]), e);
    return j;
  }

  void correct_f128(std::vector<f128>& v) {
    if (shape == Shape::square)
      lu128->solve(v, trans);
    else
      augmented_correction<f128>(*qr128, p, q, v);
  }

  Stage initial_stage() const {
    const bool f128_ok = f128_affordable();
    if (!has_f64()) return Stage::f128;
    if (f64_singular()) return f128_ok ? Stage::f128 : Stage::gmres;
    // LU-IR contracts by ~kappa u per step: below kappa u = 1 it is tried first (the loop
    // moves on once it stalls or contracts too slowly for the target, after two steps).
    // At kappa = 1e14, n = 2000 it reaches the reference in 9 steps, half GMRES-IR's time,
    // and kappa's refined solves (target 1e-8) in a sixth. GMRES-IR is tried even past
    // kappa u ~ 1 (its reach is ~u^{-1/2} u^{-1} in theory) since float128 is the last resort.
    if (std::isfinite(opt.kappa_hint) && opt.kappa_hint * kU > 1) return Stage::gmres;
    return Stage::f64;
  }

  std::string method_name(Stage stage, int gmres_iterations, bool two_words) const {
    const bool sq = shape == Shape::square;
    std::string how;
    switch (stage) {
      case Stage::f64:
        how = sq ? "LU-IR: f64 LU (dgetrf) corrections" : "IR on the augmented system: f64 QR (dgeqrf) corrections";
        break;
      case Stage::gmres:
        how = fmt::format("GMRES-IR{}: GMRES ({} products) preconditioned by the f64 {} in double-double",
                          sq ? "" : " on the augmented system", gmres_iterations, sq ? "LU" : "QR");
        break;
      case Stage::f128:
        how = sq ? "IR: float128 LU corrections" : "IR on the augmented system: float128 Householder QR corrections";
        break;
    }
    return how + fmt::format(", TwoProd/4-level TwoSum residual, {}-double iterate", two_words ? "double" : "triple");
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

  // The iterate is a triple-double (Real arithmetic, ~1 us per entry and step, and a third
  // residual pass) only where the target needs it; a double-double's 2^-106 truncation is
  // 1e4 below any target from 1e-28 up, which covers every reference (1e-6 u).
  const bool two_words = target >= 1e-28;
  Stage stage = initial_stage();
  if (stage == Stage::f128 && !f128_affordable()) {
    out.note = "no float64 factorization and the float128 one is too large; ";
  } else {
    if (stage != Stage::f64)
      out.note += stage == Stage::f128 ? "float128 corrections from the start (f64 factors singular). "
                                       : "GMRES-IR from the start (kappa u > 1). ";
    // The next correction solver once one stops contracting; false when none is left.
    auto advance = [&](const char* why) {
      if (stage == Stage::f64) {
        stage = Stage::gmres;
        out.note += fmt::format("{}: GMRES-IR. ", why);
        return true;
      }
      if (stage == Stage::gmres && f128_affordable()) {
        stage = Stage::f128;
        out.note += fmt::format("{}: float128 corrections. ", why);
        return true;
      }
      return false;
    };
    double nd_prev = arma::datum::nan;
    int k = 0;  // components of the iterate in use
    for (int it = 0; it < opt.max_iter; ++it) {
      Residual res = residual_of(c, k, r1, r2);
      if (stage == Stage::f128 && f128_singular()) {
        out.note += "the matrix is singular to the correction solver's precision; ";
        break;
      }
      switch (stage) {
        case Stage::f64: correct_f64(res.v); break;
        case Stage::gmres: out.gmres_iterations += correct_gmres(res.v); break;
        case Stage::f128: correct_f128(res.v); break;
      }
      if (two_words) {
        // c0 + c1 is exact in float128 (at most 107 bits); adding the correction rounds once
        // (2^-113), and the split back into two words truncates at 2^-106 relative.
        k = 1;
        for (std::size_t i = 0; i < N; ++i) {
          const f128 sum = static_cast<f128>(c[0][i]) + c[1][i] + res.v[i];
          c[0][i] = static_cast<double>(sum);
          c[1][i] = static_cast<double>(sum - c[0][i]);
          if (c[1][i] != 0) k = 2;
        }
      }
      for (std::size_t i = 0; i < N && !two_words; ++i) {
        double hi, mid, lo;
        split3(res.v[i], hi, mid, lo);
        z[i] += Real(hi);
        z[i] += Real(mid);
        z[i] += Real(lo);
      }
      // Re-split so the iterate is exactly the triple-double the next residual sees.
      if (!two_words) k = 1;
      for (std::size_t i = 0; i < N && !two_words; ++i) {
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
        if (advance("corrections stopped contracting")) {
          nd_prev = arma::datum::nan;
          continue;
        }
        out.note += fmt::format("corrections stopped contracting (ratio {:.2g}) at estimated error {:.3g}; ", ratio,
                                out.ref_error);
        break;
      }
      // Slow contraction: the next solver costs less than the steps still needed.
      if (stage != Stage::f128 && ratio > 1e-3 && std::log(target / est) / std::log(ratio) > 8 &&
          advance("slow contraction")) {
        nd_prev = arma::datum::nan;
        continue;
      }
      nd_prev = nd;
    }
  }
  if (!out.converged && out.note.find("stopped") == std::string::npos &&
      out.note.find("singular") == std::string::npos && out.note.find("too large") == std::string::npos)
    out.note += fmt::format("target {:.3g} not reached in {} iterations", target, out.iterations);
  out.method = method_name(stage, out.gmres_iterations, two_words);
  if (two_words)
    for (std::size_t i = 0; i < N; ++i) z[i] = Real(c[0][i]) + Real(c[1][i]);
  out.x.assign(z.begin() + wb, z.begin() + we);
  if (shape == Shape::augmented) {
    if (want_s)
      out.other.assign(z.begin() + p, z.end());
    else
      out.other.assign(z.begin(), z.begin() + p);
  }
  return out;
}

Refiner::Refiner(const arma::mat& M, Shape shape, bool want_s, const RefineOptions& opt, const LuFactors* lu,
                 const QrFactors* qr, const arma::mat* Mt)
    : impl_(new Impl(M, shape, want_s, opt, lu, qr, Mt)) {}
Refiner::~Refiner() { delete impl_; }
void Refiner::set_kappa_hint(double kappa) { impl_->set_hint(kappa); }
RefineResult Refiner::solve(const arma::vec& rhs1, const arma::vec& rhs2, double target, bool trans) {
  impl_->trans = trans && impl_->shape == Shape::square;
  return impl_->solve(rhs1, rhs2, target);
}

}  // namespace condbench::ref
