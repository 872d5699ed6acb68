// kappa_2(A) = sigma_max / sigma_min from two Lanczos processes (lanczos.hpp): on B^T B
// (products with A: float32 ones with float64 block sums past 256 rows where their error
// bound allows, gram32.hpp, else float64) for sigma_max^2 and on (B^T B)^{-1} (solves with
// the engine's float64 factors, or refined solves where kappa u makes those inaccurate) for
// 1/sigma_min^2.
//
// What is reported: sigma_max = ||B w|| / ||w|| minus its error bound for the Ritz vector w
// (a float64 product, its rounding bounded), and sigma_min = ||B x|| / ||x|| plus its error
// bound for x = (B^T B)^{-1} y (refined, held in extended precision) from the Ritz vector y,
// that product extra-precise (residual.hpp).
// Any w and x bound sigma_max from below and sigma_min from above, so kappa is always a
// rigorous LOWER bound. Certified: the Lanczos bounds
// show the true kappa is at most kappa / 0.99, except on an event of probability <= 1e-9
// (four events of 2.5e-10: the a posteriori bound and the a priori Kuczynski-Wozniakowski
// bound, for each of the two processes; a process that exhausts its Krylov space is exact).
#include "studies/reference/engine.hpp"
#include "studies/reference/gram32.hpp"
#include "studies/reference/lanczos.hpp"
#include "studies/reference/lapack.hpp"
#include "studies/reference/refine.hpp"
#include "studies/reference/residual.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <random>

namespace condbench::ref {
namespace {

constexpr double kU = 0x1p-53;
constexpr double kDelta = 2.5e-10;       // failure probability of each of the four bounds
constexpr double kGoal = 1 / 0.99;       // certified: kappa_true <= kappa / 0.99
constexpr double kTopGoal = 1.004;       // sigma_max's share of kGoal
constexpr double kNormGoal = 1.05;       // timing-only rows: ||A||_2 within 5% (backward errors only)
constexpr double kOpErrorAbort = 2e-3;   // past this the modelled rounding swamps the bound
constexpr double kOpErrorF32 = 5e-4;     // the float32 Gram products' largest error worth their speed
constexpr arma::uword kGram32MinSize = 256;  // below, float64 products cost little
constexpr double kKwExact = 1e-6;        // the a priori bound is used only with negligible rounding
constexpr double kSolveTarget = 1e-8;    // refined solves inside the Lanczos process (op_error ~4e-8)
constexpr std::uint64_t kSeedTop = 0x6b617070612d31, kSeedBottom = 0x6b617070612d32, kSeedProbe = 0x6b617070612d33;

// ||M x||_2 with an extra-precise product, and a bound on its error; norm_f = ||M||_F.
double exact_norm(const arma::mat& M, double norm_f, const arma::vec& x, double& err) {
  const ResidualResult rr = residual(M, norm_f, MultiVec{{x.memptr(), nullptr, nullptr}, 1}, {});
  double s = 0;
  for (const auto& v : rr.r) s += static_cast<double>(v) * static_cast<double>(v);
  err = rr.err_bound + 4 * kU * std::sqrt(s);  // plus the double rounding of the norm itself
  return std::sqrt(s);
}

// The same for a vector held as Real (the refined solves' result), split into a triple-double:
// past kappa ~ 1/u a double vector cannot show sigma_min (its rounding alone moves ||M x||
// by ~u sigma_max ||x||).
double exact_norm(const arma::mat& M, double norm_f, const std::vector<Real>& x, double& xnorm, double& err) {
  arma::vec c[3];
  for (auto& v : c) v.set_size(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    Real rem = x[i];
    for (auto& v : c) {
      v[i] = rem.convert_to<double>();
      rem -= v[i];
    }
  }
  const ResidualResult rr =
      residual(M, norm_f, MultiVec{{c[0].memptr(), c[1].memptr(), c[2].memptr()}, 3}, {});
  double s = 0;
  for (const auto& v : rr.r) s += static_cast<double>(v) * static_cast<double>(v);
  xnorm = arma::norm(c[0]);
  err = rr.err_bound + 4 * kU * std::sqrt(s);
  return std::sqrt(s);
}

// ||B w|| / ||w|| rounded down, B w a float64 product (dgemv on A or A^T): for sigma_max,
// where its rounding, at most gamma_q ||A||_F ||w|| (q the inner dimension), is ~1e-11
// relative at most; an extra-precise product costs a whole pass more.
double norm_ratio_lower(const arma::mat& A, double norm_f, const arma::vec& w) {
  const bool tall = A.n_rows >= A.n_cols;
  const int m = static_cast<int>(A.n_rows), n = static_cast<int>(A.n_cols), one = 1;
  const double alpha = 1, zero = 0;
  arma::vec y(tall ? A.n_rows : A.n_cols);
  dgemv_(tall ? "N" : "T", &m, &n, &alpha, A.memptr(), &m, w.memptr(), &one, &zero, y.memptr(), &one, 1);
  const double q = static_cast<double>(std::min(A.n_rows, A.n_cols)), p = static_cast<double>(y.n_elem);
  const double gq = q * kU / (1 - q * kU), gnorm = (p + q + 2) * kU;  // the norms' own rounding
  const double wn = arma::norm(w) * (1 + gnorm);
  return std::max((arma::norm(y) * (1 - gnorm) - gq * norm_f * wn) / wn, 0.0);
}

arma::vec to_vec(const std::vector<Real>& v) {
  arma::vec out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = v[i].convert_to<double>();
  return out;
}

double elapsed(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

struct ReferenceEngine::Side {
  std::unique_ptr<Lanczos> lz;
  double ratio = arma::datum::inf;  // sqrt(upper / theta): the bound's factor on sigma
  bool certified = false;
  std::string how;                  // which bound certified it, or why not
  std::string products_in;  // "" (float64), or how the float32 Gram products ran
  double op_error = 0;
  bool too_inexact = false;  // stopped because op_error passed max_op_error

  // Runs until sqrt(upper / theta) <= goal, the a priori step count, or an abort.
  void run(const Lanczos::Apply& apply, arma::uword d, double goal, std::uint64_t seed,
           const std::function<double(double)>& op_error_of, double max_op_error = kOpErrorAbort) {
    const double eps = 1 - 1 / (goal * goal);
    const int kw = kw_steps(d, eps, kDelta);
    lz = std::make_unique<Lanczos>(d, kw, seed);
    while (lz->steps() < kw && !lz->exhausted()) {
      lz->step(apply);
      const double theta = lz->theta();
      if (!std::isfinite(theta) || theta <= 0) {
        how = theta == 0 ? "the operator is zero" : "non-finite products";
        return;
      }
      op_error = op_error_of(theta);
      // Too inexact for the bound: stop, but only after a few steps, which estimate theta
      // (and so kappa) well enough to pick the refined solves' method.
      if (!(op_error <= max_op_error)) {
        how = fmt::format("operator error {:.2g} too large for the bound", op_error);
        too_inexact = lz->steps() >= 5;
        if (too_inexact) return;
        continue;
      }
      how.clear();
      ratio = std::sqrt(lz->upper(kDelta, op_error) / theta);
      if (ratio <= goal) {
        certified = true;
        how = lz->exhausted() ? "whole Krylov space" : "a posteriori bound";
        return;
      }
    }
    if (op_error <= kKwExact && lz->steps() >= kw) {
      certified = true;
      ratio = goal;
      how = "a priori KW bound";
    } else if (how.empty()) {
      how = "bound not reached";
    }
  }

  double theta() const { return lz ? lz->theta() : arma::datum::nan; }
  int steps() const { return lz ? lz->steps() : 0; }
};

ReferenceEngine::Side ReferenceEngine::sigma_max_side(double goal, bool lend_spare) {
  // Past a few hundred rows, first the float32 copy (gram32.hpp): a third of the cost per
  // product, when its error bound is small enough not to cost the bound many steps.
  if (std::min(A_.n_rows, A_.n_cols) >= kGram32MinSize) {
    float* storage = nullptr;
    if (lend_spare && !lu_ && !qr_) {
      spare_.set_size(A_.n_rows, A_.n_cols);  // m n doubles hold m n floats
      storage = reinterpret_cast<float*>(spare_.memptr());
    }
    Gram32 g32(A_, norm_f_of_A(), storage);
    if (g32.usable()) {
      Side s;
      s.run([&](const double* in, double* out) { g32.apply(in, out); }, std::min(A_.n_rows, A_.n_cols), goal,
            kSeedTop, [&](double theta) { return 2.5 * g32.op_error(theta); }, kOpErrorF32);
      // Certified, or ended for a reason float64 products share (a zero operator); else
      // float64 products from the start, which also allow the a priori bound (kKwExact).
      if (s.certified || (!s.too_inexact && s.lz && s.lz->theta() <= 0)) {
        s.products_in = fmt::format(" in float32, float64 sums of {}-term blocks", Gram32::kBlock);
        return s;
      }
    }
  }
  // B^T B v with two float64 matrix-vector products on A (A A^T when m < n).
  const bool tall = A_.n_rows >= A_.n_cols;
  const int m = static_cast<int>(A_.n_rows), n = static_cast<int>(A_.n_cols), one = 1;
  const double alpha = 1, zero = 0;
  arma::vec tmp(tall ? A_.n_rows : A_.n_cols);
  auto gram = [&](const double* in, double* out) {
    dgemv_(tall ? "N" : "T", &m, &n, &alpha, A_.memptr(), &m, in, &one, &zero, tmp.memptr(), &one, 1);
    dgemv_(tall ? "T" : "N", &m, &n, &alpha, A_.memptr(), &m, tmp.memptr(), &one, &zero, out, &one, 1);
  };
  // Each product is exact for A + E with |E| <= gamma_p |A| (p = the inner dimension), so
  // ||E|| <= gamma_p ||A||_F: relative to ||B^T B|| = theta, about 2 gamma_p ||A||_F / sqrt(theta).
  const double p = static_cast<double>(std::max(A_.n_rows, A_.n_cols));
  const double gamma = p * kU / (1 - p * kU), norm_f = norm_f_of_A();
  Side s;
  s.run(gram, std::min(A_.n_rows, A_.n_cols), goal, kSeedTop,
        [&](double theta) { return 2.5 * gamma * norm_f / std::sqrt(theta); });
  return s;
}

ReferenceEngine::Side ReferenceEngine::sigma_min_side(double goal, double sigma_max) {
  factorize();
  const arma::mat& Bm = B();
  const arma::uword q = Bm.n_cols;
  arma::vec tmp(q);
  Lanczos::Apply inverse_gram = [&](const double* in, double* out) {
    std::copy(in, in + q, out);
    if (lu_) {
      lu_->solve(out, 1, true);
      lu_->solve(out, 1, false);
    } else {
      qr_->solve_rt(out);
      qr_->solve_r(out);
    }
  };
  // The solves' backward error eta, measured once on a Gaussian probe with an extra-precise
  // residual; the operator's relative error is then <= 2 kappa eta (kappa = sigma_max
  // sqrt(theta)), counted twice for safety.
  arma::vec v(q);
  std::mt19937_64 eng(kSeedProbe);
  std::normal_distribution<double> normal;
  for (double& x : v) x = normal(eng);
  arma::vec w(q);
  double eta = 1;
  if (lu_) {
    arma::vec z = v;  // z = A^-T v, then w = A^-1 z: the same two solves as inverse_gram(v)
    lu_->solve(z.memptr(), 1, true);
    w = z;
    lu_->solve(w.memptr(), 1, false);
    const ResidualResult rr = residual(A_, norm_f_of_A(), MultiVec{{w.memptr(), nullptr, nullptr}, 1},
                                       {{z.memptr(), 1.0}});
    double rn = 0;
    for (const auto& x : rr.r) rn += static_cast<double>(x) * static_cast<double>(x);
    eta = (std::sqrt(rn) + rr.err_bound) / (sigma_max * arma::norm(w) + arma::norm(z));
  } else {
    inverse_gram(v.memptr(), w.memptr());
    const arma::vec qrw = qr_->times(w);  // the factors' product, against B w extra-precise
    const ResidualResult rr =
        residual(Bm, norm_f_of_A(), MultiVec{{w.memptr(), nullptr, nullptr}, 1}, {{qrw.memptr(), 1.0}});
    double rn = 0;
    for (const auto& x : rr.r) rn += static_cast<double>(x) * static_cast<double>(x);
    eta = (std::sqrt(rn) + rr.err_bound) / (sigma_max * arma::norm(w));
  }
  eta = std::max(eta, kU);
  Side s;
  s.run(inverse_gram, q, goal, kSeedBottom,
        [&](double theta) { return 4 * eta * sigma_max * std::sqrt(theta) + 4 * static_cast<double>(q) * kU; });
  return s;
}

ReferenceEngine::Side ReferenceEngine::sigma_min_refined(double goal, double kappa_est) {
  const bool square = A_.n_rows == A_.n_cols;
  Refiner& ref = refiner(false, kappa_est);  // past kappa u ~ 1: GMRES-IR at once, not after LU-IR stalls
  const arma::uword q = B().n_cols;
  double worst = 0;
  bool failed = false;
  std::string why;
  Lanczos::Apply inverse_gram = [&](const double* in, double* out) {
    const arma::vec v(const_cast<double*>(in), q, false, true);
    arma::vec w;
    if (square) {
      const RefineResult z = ref.solve(v, arma::vec(), kSolveTarget, true);
      const RefineResult x = ref.solve(to_vec(z.x), arma::vec(), kSolveTarget, false);
      failed = failed || !z.converged || !x.converged;
      if (failed && why.empty()) why = !z.converged ? z.note : x.note;
      worst = std::max({worst, z.ref_error, x.ref_error});
      w = to_vec(x.x);
    } else {
      const RefineResult t = ref.solve(arma::vec(), -v, kSolveTarget);
      failed = failed || !t.converged;
      if (failed && why.empty()) why = t.note;
      worst = std::max(worst, t.ref_error);
      w = to_vec(t.x);
    }
    std::copy(w.begin(), w.end(), out);
  };
  Side s;
  s.run(inverse_gram, q, goal, kSeedBottom, [&](double) {
    return failed ? arma::datum::inf : 4 * worst + 4 * static_cast<double>(q) * kU;
  });
  if (failed) {
    s.certified = false;
    while (!why.empty() && (why.back() == ' ' || why.back() == ';')) why.pop_back();
    s.how = "refined solve did not converge: " + why;
  }
  return s;
}

// sigma_min <= ||B x|| / ||x|| for x = (B^T B)^{-1} y, one more inverse-iteration step from
// the Ritz vector y, solved (refined) to 1e-4 / kappa so that B x is y-like to 1e-4 and
// held in extended precision; B x extra-precise. Falls back to the double vector y.
double ReferenceEngine::sigma_min_upper(const arma::vec& y, double kappa_est) {
  // ||B x|| / ||x|| bounds sigma_min for ANY x: the solves' accuracy only decides how
  // close it comes. First two float64 inverse-iteration steps from y (they also find the
  // near-null direction of an exactly singular matrix); their rounding moves ||B x|| by
  // ~u sigma_max ||x||, i.e. sigma_min by ~kappa u relative.
  double err = 0, xnorm = 0;
  arma::vec w = y;
  for (int step = 0; step < 2 && w.is_finite(); ++step) {
    if (lu_) {
      lu_->solve(w.memptr(), 1, true);
      lu_->solve(w.memptr(), 1, false);
    } else {
      qr_->solve_rt(w.memptr());
      qr_->solve_r(w.memptr());
    }
    w /= arma::norm(w);
  }
  if (!w.is_finite()) w = y;
  double bound = (exact_norm(B(), norm_f_of_A(), w, err) + err) / (1 - 4 * kU);
  if (kappa_est * kU <= 1e-4) return bound;  // within ~1e-4 relative already
  // Past that, x = (B^T B)^{-1} y refined to 1e-4 / kappa and held in extended precision.
  const double target = std::max(std::min(kSolveTarget, 1e-4 / kappa_est), 1e-30);
  Refiner& ref = refiner(false, kappa_est);
  RefineResult x;
  if (lu_) {
    // z = A^{-T} y to 1e-6 (x = A^{-1} z, so ||A x|| / ||x|| = ||z|| / ||A^{-1} z|| is near
    // sigma_min only if z points along u_min).
    arma::vec z = y;
    lu_->solve(z.memptr(), 1, true);
    const RefineResult zr = ref.solve(y, arma::vec(), 1e-6, true);
    if (zr.converged) z = to_vec(zr.x);
    x = ref.solve(z, arma::vec(), target);
  } else {
    x = ref.solve(arma::vec(), -y, target);
  }
  const double bx = exact_norm(B(), norm_f_of_A(), x.x, xnorm, err);
  if (xnorm > 0 && std::isfinite(bx)) bound = std::min(bound, (bx + err) / (xnorm * (1 - 4 * kU)));
  return bound;
}

const KappaResult& ReferenceEngine::kappa() {
  if (kappa_) return *kappa_;
  kappa_ = std::make_unique<KappaResult>();
  KappaResult& out = *kappa_;
  const auto t0 = std::chrono::steady_clock::now();
  const double factor_before = factor_s_;
  auto finish = [&]() -> const KappaResult& {
    out.seconds = elapsed(t0) - (factor_s_ - factor_before);
    unscale(out);
    return out;
  };
  if (A_.is_empty() || !finite_A()) {
    out.method = "not measured: empty or non-finite matrix";
    return finish();
  }
  Side top = sigma_max_side(kTopGoal, true);
  const double smax_lo = top.lz ? norm_ratio_lower(A_, norm_f_of_A(), top.lz->ritz_vector()) : 0.0;
  if (!(smax_lo > 0)) {
    out.sigma_max = 0;
    out.method = "not measured: A is zero";
    return finish();
  }
  const double top_ratio = top.certified ? top.ratio * std::sqrt(top.theta()) / smax_lo : arma::datum::inf;
  const double bottom_goal = std::max(kGoal / top_ratio / 1.001, 1.001);

  Side bottom = sigma_min_side(bottom_goal, smax_lo);
  const char* solves = lu_ ? "f64 LU solves" : "f64 QR solves";
  // Every Ritz vector gives a rigorous upper bound on sigma_min: keep the smallest. The
  // float64 one matters when the refined solves fail (an exactly singular matrix).
  double smin_hi = bottom.lz ? sigma_min_upper(bottom.lz->ritz_vector(), smax_lo * std::sqrt(bottom.theta()))
                             : arma::datum::inf;
  const int f64_products = bottom.steps();
  if (!bottom.certified) {
    const std::string f64_why = bottom.how;
    bottom = sigma_min_refined(bottom_goal, smax_lo * std::sqrt(bottom.theta()));
    bottom.how += fmt::format(" (f64 solves: {})", f64_why);
    solves = "refined solves";
    if (bottom.lz)
      smin_hi = std::min(smin_hi, sigma_min_upper(bottom.lz->ritz_vector(), smax_lo * std::sqrt(bottom.theta())));
  }
  out.sigma_max = smax_lo;
  out.sigma_min = smin_hi;
  out.kappa = smax_lo / smin_hi;
  out.refined_solves = solves == std::string("refined solves");
  out.products = top.steps() + bottom.steps() + (out.refined_solves ? f64_products : 0);
  const double bottom_ratio = bottom.certified ? bottom.ratio * std::sqrt(bottom.theta()) * smin_hi : arma::datum::inf;
  out.certified = top.certified && bottom.certified && top_ratio * bottom_ratio <= kGoal;
  const bool exact = top.how == "whole Krylov space" && bottom.how.rfind("whole Krylov space", 0) == 0;
  const std::string detail = fmt::format(
      "Lanczos on B^T B ({} products{}, {}) and on (B^T B)^-1 by {} ({} products, {}); B = A{}; the value is a "
      "lower bound (Rayleigh quotients with their rounding bounded)",
      top.steps(), top.products_in, top.how, solves, bottom.steps(), bottom.how, A_.n_rows < A_.n_cols ? "^T" : "");
  if (out.certified)
    out.method = fmt::format("{}, within 1%: {}", exact ? "deterministic" : "probabilistic (P[> 1% low] <= 1e-9)",
                             detail);
  else
    out.method = fmt::format("not certified: {}; kappa is a lower bound, the true kappa may be far larger", detail);
  return finish();
}

// sigma of the caller's matrix from those of 2^e A (engine.hpp); kappa does not change.
void ReferenceEngine::unscale(KappaResult& k) const {
  if (e_ == 0) return;
  k.sigma_max = std::ldexp(k.sigma_max, -e_);
  k.sigma_min = std::ldexp(k.sigma_min, -e_);
  k.method += fmt::format("; computed on 2^{} A (exact scaling)", e_);
}

KappaResult ReferenceEngine::sigma_max_only() {
  const auto t0 = std::chrono::steady_clock::now();
  KappaResult out;
  out.method = "not measured: reference = false";
  if (!A_.is_empty() && finite_A()) {
    Side top = sigma_max_side(kNormGoal, false);
    out.sigma_max = norm_ratio_lower(A_, norm_f_of_A(), top.lz->ritz_vector());
    out.method += fmt::format(" (sigma_max, a lower bound within 5%{}, by Lanczos on B^T B: {} products{}, {})",
                              top.certified ? "" : " not certified", top.steps(), top.products_in, top.how);
  }
  out.seconds = elapsed(t0) + scan_s_;  // no reference to carry the scan's cost here
  unscale(out);
  return out;
}

KappaResult measure_kappa(const arma::mat& A, ProblemKind kind) {
  ReferenceEngine engine(A, kind);
  KappaResult k = engine.kappa();
  k.seconds += engine.factor_seconds();  // alone, the factorization is kappa's own cost
  return k;
}

}  // namespace condbench::ref
