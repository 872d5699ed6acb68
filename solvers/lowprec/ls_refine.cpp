// ir.qr:... and ir.qrgmres:...: least-squares refinement in three precisions on the augmented system (Carson,
// Higham & Pranesh, "Three-precision GMRES-based iterative refinement for least squares problems", SISC 42(6),
// 2020; Bjorck 1967), with a Householder QR in u_f.
//
//   A (m x n, m > n) scaled by columns (powers of two, 2-norms into [0.5, 1)) and by mu = fl(0.1 xmax), rounded to u_f:
//   A_s = mu A S = Q [R; 0], every operation in u_f. With A^ = Q [R; 0] S^-1 / mu the preconditioner is the
//   augmented matrix of A^:  M = [alpha I, A^; A^T, 0],  alpha = 2^(-1/2) sigma_min(A)  (in double, as published).
//   The system:  [alpha I, A; A^T, 0] [s; x] = [b; 0],  s = r / alpha.
//   z0 = M^-1 [b; 0] in u_f (x0 the QR least-squares solution), then at each step:
//     rho = [b - alpha s - A x; -A^T s] in u_r, stored in u
//     LSIR (ir.qr):        dz = M^-1 rho, every operation in u_f (rho scaled by a power of two, rounded to u_f)
//     GMRES-LSIR (ir.qrgmres): GMRES in u on M^-1 K dz = M^-1 rho, the products in u_p (default u^2)
//     z += dz in u
//   M^-1 [f; g]: f^ = Q^T f; p1 = R^-T (mu S g); q = mu S R^-1 (f^_1 - alpha p1); p = Q [p1; f^_2 / alpha].
// Stopping as refine.hpp, on the augmented system: converged when its normwise backward error
// ||rho|| / (||K|| ||z|| + ||b||) <= 2u + sqrt(m+n) u_r and, unless u_r = u, the x correction ||dx|| / ||x|| <= 2u;
// at most 20 steps (the published codes' limit).
#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "solvers/lapack/shape.hpp"
#include "solvers/lowprec/eval.hpp"
#include "solvers/lowprec/gmres.hpp"
#include "solvers/lowprec/low.hpp"
#include "solvers/lowprec/name_options.hpp"
#include "solvers/lowprec/qr.hpp"
#include "solvers/lowprec/util.hpp"
#include "solvers/registry.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench::lowprec {
namespace {

struct LsSpec {
  bool gmres = false;
  Format uf = Format::fp16;
  Eval ur = Eval::quad;
  std::optional<Eval> up;
  std::optional<double> gmres_tol;  // default 1e-12 for f64 rows, 1e-6 for f32 rows (the published set-up)
  int max_steps = 20;
};

// The u_f QR of the scaled A and the preconditioner solves.
template <class T, Format F>
class LsFactors {
 public:
  using S = Low<F>;

  LsFactors(const arma::Mat<T>& A) : m_(static_cast<int>(A.n_rows)), n_(static_cast<int>(A.n_cols)), c_(A.n_cols) {
    mu_ = round_to(F, 0.1 * format_info(F).xmax());  // representable, so u_f solves use the same mu
    std::vector<S> a(A.n_elem);
    for (int j = 0; j < n_; ++j) {
      c_[j] = pow2_below(arma::norm(arma::conv_to<arma::vec>::from(A.col(j)), 2));
      for (int i = 0; i < m_; ++i) {
        const double v = mu_ * (static_cast<double>(A(i, j)) * c_[j]);
        a[static_cast<std::size_t>(j) * m_ + i] = S(v);
        if (!isfinite(a[static_cast<std::size_t>(j) * m_ + i]) && std::isfinite(v)) unfit_ = true;
      }
    }
    if (unfit_) return;
    qr_ = qr_factor(std::move(a), m_, n_);
    // alpha = 2^(-1/2) sigma_min(A), from A's singular values in double, as Carson, Higham & Pranesh's codes do.
    alpha_ = arma::min(arma::svd(arma::conv_to<arma::mat>::from(A))) / std::sqrt(2.0);
  }

  std::string failure() const {
    const char* f = spelling(F);
    if (unfit_) return fmt::format("{} QR overflow: the scaled A does not fit in {}", f, f);
    if (qr_.overflow)
      return fmt::format("{} QR overflow: an entry of R or a reflector in column {} is Inf or NaN", f, qr_.column + 1);
    if (qr_.zero_diagonal)
      return fmt::format("{} QR breakdown: column {} is zero below the diagonal (rank deficient in {})", f,
                         qr_.column + 1, f);
    if (!(alpha_ > 0)) return "A is rank deficient (sigma_min = 0): alpha = 0";
    return {};
  }
  bool overflow() const { return unfit_ || qr_.overflow; }
  double alpha() const { return alpha_; }

  template <class P>
  struct InP {
    std::vector<P> fac, tau;
  };
  template <class P>
  InP<P> factors_in() const {
    InP<P> p;
    for (const S& v : qr_.a) p.fac.push_back(widen<P>(static_cast<double>(v)));
    for (const S& v : qr_.tau) p.tau.push_back(widen<P>(static_cast<double>(v)));
    return p;
  }

  // M^-1 [f; g] in P (y holds f then g, m + n entries; overwritten with [p; q]).
  template <class P>
  void precond(const InP<P>& fp, std::vector<P>& y) const {
    std::vector<P> f(y.begin(), y.begin() + m_), g(y.begin() + m_, y.end());
    apply_q(fp.fac, fp.tau, m_, n_, f, true);
    const P alpha = widen<P>(alpha_), mu = widen<P>(mu_);
    std::vector<P> p1(m_, widen<P>(0.0));
    for (int j = 0; j < n_; ++j) p1[j] = mu * (widen<P>(c_[j]) * g[j]);
    solve_r(fp.fac, m_, n_, p1, true);
    std::vector<P> q(n_);
    for (int j = 0; j < n_; ++j) q[j] = f[j] - alpha * p1[j];
    solve_r(fp.fac, m_, n_, q, false);
    for (int j = 0; j < n_; ++j) q[j] = mu * (widen<P>(c_[j]) * q[j]);
    for (int i = n_; i < m_; ++i) p1[i] = f[i] / alpha;
    apply_q(fp.fac, fp.tau, m_, n_, p1, false);
    std::copy(p1.begin(), p1.end(), y.begin());
    std::copy(q.begin(), q.end(), y.begin() + m_);
  }

  // LSIR: M^-1 v with every operation in u_f; v scaled by a power of two into [0.5, 1) and rounded to u_f.
  std::vector<T> solve_low(const std::vector<T>& v) const {
    const double s = pow2_below(norm_inf(v));
    std::vector<S> y(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) y[i] = S(static_cast<double>(v[i]) * s);
    precond(low_, y);
    std::vector<T> out(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) out[i] = static_cast<T>(static_cast<double>(y[i]) / s);
    return out;
  }

  void prepare_low() { low_ = {qr_.a, qr_.tau}; }

 private:
  int m_, n_;
  std::vector<double> c_;
  double mu_ = 1, alpha_ = 0;
  bool unfit_ = false;
  QrFactors<S> qr_;
  InP<S> low_;
};

// rho = [b - alpha s - A x; -A^T s] in P, rounded to T; z = [s; x].
template <class T, class P>
void augmented_residual(const arma::Mat<T>& A, const arma::Col<T>& b, T alpha, const std::vector<T>& z,
                        std::vector<T>& rho) {
  const std::size_t m = A.n_rows, n = A.n_cols;
  std::vector<P> f(m), g(n, widen<P>(0.0));
  const P a = widen<P>(alpha);
  for (std::size_t i = 0; i < m; ++i) f[i] = widen<P>(b[i]) - a * widen<P>(z[i]);
  for (std::size_t j = 0; j < n; ++j) {
    const P xj = widen<P>(z[m + j]);
    const T* col = A.colptr(j);
    for (std::size_t i = 0; i < m; ++i) {
      const P aij = widen<P>(col[i]);
      f[i] = f[i] - aij * xj;
      g[j] = g[j] - aij * widen<P>(z[i]);
    }
  }
  for (std::size_t i = 0; i < m; ++i) rho[i] = narrow<T>(f[i]);
  for (std::size_t j = 0; j < n; ++j) rho[m + j] = narrow<T>(g[j]);
}

template <class T, Format F>
SolveOutcome<T> run_ls(const SolveInput<T>& in, const LsSpec& spec) {
  using Vec = std::vector<T>;
  const Precision prec = precision_of<T>();
  const int m = static_cast<int>(in.A.n_rows), n = static_cast<int>(in.A.n_cols), N = m + n;
  const double u = unit_roundoff(prec), u_r = unit_roundoff(spec.ur);
  const bool extra_precise = u_r < u;
  const double tol_b = 2 * u + std::sqrt(static_cast<double>(N)) * u_r, tol_d = 2 * u;
  const Eval up = spec.up ? *spec.up : prec == Precision::f32 ? Eval::f64 : Eval::dd;
  const double gtol = spec.gmres_tol ? *spec.gmres_tol : prec == Precision::f32 ? 1e-6 : 1e-12;

  nlohmann::ordered_json facts;
  facts["uf"] = spelling(F);
  facts["u"] = to_string(prec);
  facts["ur"] = to_string(spec.ur);
  if (spec.gmres) {
    facts["up"] = to_string(up);
    facts["gmres_tol"] = gtol;
    facts["gmres_maxit"] = N;
  }
  Stopwatch sw;
  LsFactors<T, F> fac(in.A);
  const double factor_s = sw.lap();
  auto finish = [&](SolveOutcome<T> out, int steps, const std::string& stop) {
    out.facts.iterations = steps;
    facts["steps"] = steps;
    facts["stop"] = stop;
    facts["qr_overflow"] = fac.overflow();
    facts["max_steps"] = spec.max_steps;
    out.facts.extra = facts;
    return out;
  };
  if (std::string why = fac.failure(); !why.empty())
    return finish(shape::failed_after<T>(why, factor_s), 0, fac.overflow() ? "qr_overflow" : "qr_breakdown");
  fac.prepare_low();
  const T alpha = static_cast<T>(fac.alpha());
  facts["alpha"] = static_cast<double>(alpha);

  const std::function<void(const Vec&, Vec&)> residual = with_eval(spec.ur, [&](auto p0) {
    using P = decltype(p0);
    return std::function<void(const Vec&, Vec&)>(
        [&](const Vec& z, Vec& rho) { augmented_residual<T, P>(in.A, in.b, alpha, z, rho); });
  });
  int gmres_total = 0, gmres_capped = 0;
  const std::function<void(const Vec&, Vec&)> correction = [&]() -> std::function<void(const Vec&, Vec&)> {
    if (!spec.gmres) return [&](const Vec& r, Vec& d) { d = fac.solve_low(r); };
    return with_eval(up, [&](auto p0) {
      using P = decltype(p0);
      auto fp = std::make_shared<const typename LsFactors<T, F>::template InP<P>>(fac.template factors_in<P>());
      return std::function<void(const Vec&, Vec&)>([&, fp](const Vec& r, Vec& d) {
        // M^-1 K v: K v = [alpha v_s + A v_x; A^T v_s] and M^-1 of it, all in P.
        auto op = [&](const Vec& v, Vec& w) {
          std::vector<P> y(N, widen<P>(0.0));
          const P a = widen<P>(alpha);
          for (int i = 0; i < m; ++i) y[i] = a * widen<P>(v[i]);
          for (int j = 0; j < n; ++j) {
            const P xj = widen<P>(v[m + j]);
            const T* col = in.A.colptr(j);
            for (int i = 0; i < m; ++i) {
              const P aij = widen<P>(col[i]);
              y[i] = y[i] + aij * xj;
              y[m + j] = y[m + j] + aij * widen<P>(v[i]);
            }
          }
          fac.precond(*fp, y);
          w.resize(N);
          for (int i = 0; i < N; ++i) w[i] = narrow<T>(y[i]);
        };
        const T s = static_cast<T>(pow2_below(norm_inf(r)));
        std::vector<P> y(N);
        for (int i = 0; i < N; ++i) y[i] = widen<P>(r[i] * s);
        fac.precond(*fp, y);
        Vec zr(N);
        for (int i = 0; i < N; ++i) zr[i] = narrow<T>(y[i]);
        const GmresResult<T> g = gmres<T>(op, zr, static_cast<T>(gtol), N);
        gmres_total += g.iterations;
        if (!g.reached_tol) ++gmres_capped;
        d.resize(N);
        for (int i = 0; i < N; ++i) d[i] = g.x[i] / s;
      });
    });
  }();

  Vec rhs(N, T(0));
  std::copy(in.b.begin(), in.b.end(), rhs.begin());
  Vec z = fac.solve_low(rhs);
  if (!all_finite(z)) {
    z.assign(N, T(0));
    facts["x0_zeroed"] = true;
  }
  const double norm_k = std::max(static_cast<double>(alpha) + arma::norm(arma::conv_to<arma::mat>::from(in.A), "inf"),
                                 arma::norm(arma::conv_to<arma::mat>::from(in.A), 1));
  const double norm_b = arma::norm(arma::conv_to<arma::vec>::from(in.b), "inf");
  auto x_part = [&](const Vec& v) { return Vec(v.begin() + m, v.end()); };
  Vec rho(N), d(N);
  double d_prev = std::numeric_limits<double>::quiet_NaN(), dx = d_prev, nbe = 0;
  std::string stop, why;
  int k = 0;
  for (;; ++k) {
    residual(z, rho);
    nbe = ratio(norm_inf(rho), norm_k * norm_inf(z) + norm_b);
    const double xn = norm_inf(x_part(z));
    dx = k == 0 ? std::numeric_limits<double>::quiet_NaN() : ratio(d_prev, xn);
    if (nbe <= tol_b && (!extra_precise || (k > 0 && dx <= tol_d))) {
      stop = "converged";
      break;
    }
    if (k == spec.max_steps) {
      stop = "max_steps";
      why = fmt::format("not converged in {} steps", k);
      break;
    }
    correction(rho, d);
    Vec next(N);
    for (int i = 0; i < N; ++i) next[i] = z[i] + d[i];
    const double dn = norm_inf(x_part(d));
    if (!std::isfinite(dn) || !all_finite(next)) {
      stop = "correction_overflow";
      why = fmt::format("step {}: the correction is not finite", k + 1);
      break;
    }
    z = std::move(next);
    d_prev = dn;
  }
  if (spec.gmres) {
    facts["gmres_iterations"] = gmres_total;
    facts["gmres_capped"] = gmres_capped;
  }
  facts["nbe"] = number_or_null(nbe);
  facts["dx"] = number_or_null(dx);
  const double solve_s = sw.lap();
  SolveOutcome<T> out = shape::solved<T>(arma::Col<T>(x_part(z)), factor_s, solve_s);
  if (stop != "converged") {
    out.status = Status::failed;
    out.reason = fmt::format(
        "{}: augmented-system backward error {:.1e}, last x correction {} (need <= {:.1e}{}); the "
        "last iterate is kept",
        why, nbe, std::isfinite(dx) ? fmt::format("{:.1e}", dx) : std::string("-"), tol_b,
        extra_precise ? fmt::format(" and {:.1e}", tol_d) : std::string());
  }
  return finish(std::move(out), k, stop);
}

template <class T>
SolveOutcome<T> refine_ls(const SolveInput<T>& in, const LsSpec& spec) {
  if (std::string e = shape::tall_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
  if (in.A.n_rows == in.A.n_cols) return SolveOutcome<T>::failure("needs m > n (a least-squares problem)");
  const double u = unit_roundoff(precision_of<T>());
  if (format_info(spec.uf).u() < u || unit_roundoff(spec.ur) > u)
    return SolveOutcome<T>::failure(fmt::format("needs u_r <= u <= u_f; u = {}", to_string(precision_of<T>())));
  switch (spec.uf) {
    case Format::fp16:
      return run_ls<T, Format::fp16>(in, spec);
    case Format::bf16:
      return run_ls<T, Format::bf16>(in, spec);
    case Format::tf32:
      return run_ls<T, Format::tf32>(in, spec);
    case Format::fp32:
      return run_ls<T, Format::fp32>(in, spec);
    case Format::fp64:
      break;
  }
  if constexpr (std::is_same_v<T, double>) return run_ls<T, Format::fp64>(in, spec);
  return SolveOutcome<T>::failure("u_f = f64 needs f64 working precision");
}

class LsRefinementSolver : public SolverT<LsRefinementSolver> {
 public:
  LsRefinementSolver(SolverInfo info, LsSpec spec) : info_(std::move(info)), spec_(spec) {}
  const SolverInfo& info() const override { return info_; }
  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    return refine_ls(in, spec_);
  }

 private:
  SolverInfo info_;
  LsSpec spec_;
};

std::unique_ptr<Solver> make_ls(const std::string& name, bool gmres) {
  const std::string prefix = gmres ? "ir.qrgmres:" : "ir.qr:";
  const std::vector<std::string> order = gmres ? std::vector<std::string>{"uf", "ur", "up", "tol", "steps"}
                                               : std::vector<std::string>{"uf", "ur", "steps"};
  LsSpec spec;
  spec.gmres = gmres;
  SharedOptions<LsSpec> shared;
  for (const auto& [key, value] : family_options(name, prefix, order)) shared.take(spec, name, key, value);
  shared.require(name, prefix + "uf=fp16:ur=quad");
  SolverInfo info;
  info.name = name;
  info.description = fmt::format(
      "{}: {} Householder QR (columns scaled, mu = 0.1 xmax), augmented system; residual "
      "in {}{}; <= {} steps",
      gmres ? "GMRES-LSIR" : "LSIR", spelling(spec.uf), to_string(spec.ur),
      gmres ? ", GMRES in u with products in " + std::string(spec.up ? to_string(*spec.up) : "u^2")
            : std::string(", corrections in u_f"),
      spec.max_steps);
  info.kinds = KindSet{ProblemKind::least_squares};
  info.f32 = spec.uf != Format::fp64;
  info.f64 = spec.ur != Eval::f32 && (!spec.up || *spec.up != Eval::f32);
  if (!info.f32 && !info.f64) bad_solver_name(name, "no working precision fits u_r <= u <= u_f");
  info.flop_method = "qr";
  return std::make_unique<LsRefinementSolver>(std::move(info), spec);
}

const char* const kQrGrammar =
    "ir.qr:uf=<fp16|bf16|tf32|f32|f64>:ur=<f32|f64|dd|quad>[:steps=N]  LSIR (Carson, Higham & Pranesh 2020): "
    "least squares by refinement of the augmented system [alpha I, A; A^T, 0], corrections from a Householder QR "
    "in u_f (columns scaled, mu = 0.1 xmax), every operation rounded; residual in u_r; at most N steps (20)";
const char* const kQrGmresGrammar =
    "ir.qrgmres:uf=<fp16|bf16|tf32|f32|f64>:ur=<f32|f64|dd|quad>[:up=<f32|f64|dd|quad>][:tol=X][:steps=N]  "
    "GMRES-LSIR: the same, GMRES in u (tol 1e-12 with f64 rows, 1e-6 with f32, as published; at most m+n iterations "
    "per step) preconditioned by the QR's augmented matrix, products in u_p (default u^2)";

[[maybe_unused]] const bool registered = [] {
  SolverRegistry& reg = SolverRegistry::instance();
  reg.add_family({"ir.qr:", kQrGrammar, [](const std::string& s) { return make_ls(s, false); }});
  reg.add_family({"ir.qrgmres:", kQrGmresGrammar, [](const std::string& s) { return make_ls(s, true); }});
  return true;
}();

}  // namespace
}  // namespace condbench::lowprec
