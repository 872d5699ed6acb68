#include "solvers/lowprec/refine.hpp"

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <vector>

#include "solvers/lapack/shape.hpp"
#include "solvers/lowprec/gmres.hpp"
#include "solvers/lowprec/low.hpp"
#include "solvers/lowprec/lu.hpp"
#include "solvers/lowprec/util.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench::lowprec {

Eval product_precision(const RefineSpec& s, Precision p) {
  if (s.up) return *s.up;
  return p == Precision::f32 ? Eval::f64 : Eval::dd;
}

double gmres_tolerance(const RefineSpec& s, Precision p) {
  if (s.gmres_tol) return *s.gmres_tol;
  return p == Precision::f32 ? 1e-4 : 1e-6;
}

int gmres_cap(const RefineSpec& s, int n) { return s.gmres_maxit ? *s.gmres_maxit : n; }

namespace {

// The u_f factors of A (of mu R A S with the squeeze), and the solves LU-IR and GMRES-IR need.
template <class T, Format F>
class Factors {
 public:
  using S = Low<F>;

  Factors(const arma::Mat<T>& A, bool squeeze) : n_(static_cast<int>(A.n_rows)), r_(A.n_rows, 1.0), c_(A.n_rows, 1.0) {
    if (squeeze) squeeze_scalings(A);
    std::vector<S> a(static_cast<std::size_t>(n_) * n_);
    for (int j = 0; j < n_; ++j)
      for (int i = 0; i < n_; ++i) {
        const double v = mu_ * (r_[i] * static_cast<double>(A(i, j)) * c_[j]);
        const S s(v);
        if (!isfinite(s) && std::isfinite(v)) largest_unfit_ = std::max(largest_unfit_, std::fabs(v));
        a[static_cast<std::size_t>(j) * n_ + i] = s;
      }
    if (largest_unfit_ == 0) lu_ = lu_factor(std::move(a), n_);
  }

  bool overflow() const { return largest_unfit_ > 0 || lu_.outcome == LuFactors<S>::Outcome::overflow; }
  bool breakdown() const { return lu_.outcome == LuFactors<S>::Outcome::zero_pivot; }
  double mu() const { return mu_; }

  std::string failure() const {
    const char* f = spelling(F);
    if (largest_unfit_ > 0)
      return fmt::format(
          "{} LU overflow: A does not fit in {} (an entry of magnitude {:.3g} rounds to Inf; the range "
          "ends at {:.6g}){}",
          f, f, largest_unfit_, format_info(F).xmax(), F == Format::fp16 ? "; try :scale=squeeze" : "");
    if (lu_.outcome == LuFactors<S>::Outcome::overflow)
      return fmt::format("{} LU overflow: an entry of L or U in column {} is Inf or NaN", f, lu_.column + 1);
    if (breakdown())
      return fmt::format("{} LU breakdown: pivot {} is exactly zero (A rounded to {} is singular in {} arithmetic)", f,
                         lu_.column + 1, f, f);
    return {};
  }

  // LU-IR: A^-1 v with the factors, every operation in u_f. v (times R) is scaled by a power of two to infinity
  // norm in [0.5, 1) and rounded to u_f; the solution is scaled back (times mu S) and rounded to T.
  std::vector<T> solve_low(const std::vector<T>& v) const {
    std::vector<double> w(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) w[i] = static_cast<double>(v[i]) * r_[i];  // exact
    const double s = pow2_below(norm_inf(w));
    std::vector<S> y(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) y[i] = S(w[i] * s);
    lu_solve_in_place(lu_.a, lu_.piv, n_, y);
    std::vector<T> out(v.size());
    for (std::size_t j = 0; j < v.size(); ++j) out[j] = static_cast<T>(static_cast<double>(y[j]) * (mu_ * c_[j] / s));
    return out;
  }

  // GMRES-IR: M^-1 y with M^-1 = mu S (LU)^-1 P R, every operation in P, rounded to T. fac: factors_in<P>().
  template <class P>
  void precond(const std::vector<P>& fac, std::vector<P>& y, std::vector<T>& out) const {
    for (int i = 0; i < n_; ++i) y[i] = y[i] * widen<P>(r_[i]);  // exact: a power of two
    lu_solve_in_place(fac, lu_.piv, n_, y);
    for (int j = 0; j < n_; ++j) out[j] = narrow<T>(y[j] * widen<P>(mu_ * c_[j]));
  }

  template <class P>
  std::vector<P> factors_in() const {
    std::vector<P> f(lu_.a.size());
    for (std::size_t i = 0; i < f.size(); ++i) f[i] = widen<P>(static_cast<double>(lu_.a[i]));
    return f;
  }

 private:
  // Higham, Pranesh & Zounon (SISC 41(4), 2019), two-sided diagonal scaling: rows, then columns, by powers of two
  // (exact, as LAPACK's dgeequb) bringing each row's and then each column's largest magnitude into [0.5, 1); then
  // mu = theta xmax, theta = 0.1, so the largest entry is at most a tenth of the range.
  void squeeze_scalings(const arma::Mat<T>& A) {
    for (int i = 0; i < n_; ++i) {
      double m = 0;
      for (int j = 0; j < n_; ++j) m = std::max(m, std::fabs(static_cast<double>(A(i, j))));
      r_[i] = pow2_below(m);
    }
    for (int j = 0; j < n_; ++j) {
      double m = 0;
      for (int i = 0; i < n_; ++i) m = std::max(m, std::fabs(r_[i] * static_cast<double>(A(i, j))));
      c_[j] = pow2_below(m);
    }
    mu_ = 0.1 * format_info(F).xmax();
  }

  int n_;
  std::vector<double> r_, c_;  // row and column scalings: powers of two, 1 without the squeeze
  double mu_ = 1;
  double largest_unfit_ = 0;  // > 0: an entry of A (scaled) overflowed when rounded to u_f
  LuFactors<S> lu_;
};

// r = b - A x in P, rounded once to T.
template <class T, class P>
void residual_in(const arma::Mat<T>& A, const arma::Col<T>& b, const std::vector<T>& x, std::vector<T>& r) {
  const std::size_t m = A.n_rows;
  std::vector<P> acc(m);
  for (std::size_t i = 0; i < m; ++i) acc[i] = widen<P>(b[i]);
  for (std::size_t j = 0; j < A.n_cols; ++j) {
    const P xj = widen<P>(x[j]);
    const T* col = A.colptr(j);
    for (std::size_t i = 0; i < m; ++i) acc[i] = acc[i] - widen<P>(col[i]) * xj;
  }
  for (std::size_t i = 0; i < m; ++i) r[i] = narrow<T>(acc[i]);
}

struct BackwardErrors {
  double normwise = 0, componentwise = 0;
};

// Infinity-norm normwise ||r|| / (||A|| ||x|| + ||b||) and componentwise max |r_i| / (|A||x| + |b|)_i, in double,
// from the residual the step computed.
template <class T>
BackwardErrors backward_errors(const arma::Mat<T>& A, const arma::Col<T>& b, const std::vector<T>& x,
                               const std::vector<T>& r, double norm_a) {
  const std::size_t n = A.n_rows;
  std::vector<double> den(n);
  for (std::size_t i = 0; i < n; ++i) den[i] = std::fabs(static_cast<double>(b[i]));
  for (std::size_t j = 0; j < A.n_cols; ++j) {
    const double xj = std::fabs(static_cast<double>(x[j]));
    const T* col = A.colptr(j);
    for (std::size_t i = 0; i < n; ++i) den[i] += std::fabs(static_cast<double>(col[i])) * xj;
  }
  BackwardErrors e;
  double bn = 0;
  for (std::size_t i = 0; i < n; ++i) {
    e.componentwise = std::max(e.componentwise, ratio(std::fabs(static_cast<double>(r[i])), den[i]));
    bn = std::max(bn, std::fabs(static_cast<double>(b[i])));
  }
  e.normwise = ratio(norm_inf(r), norm_a * norm_inf(x) + bn);
  return e;
}

template <class T>
using Step = std::function<void(const std::vector<T>&, std::vector<T>&)>;

// r = b - A x in u_r, stored in u.
template <class T>
Step<T> residual_step(const SolveInput<T>& in, Eval ur) {
  return with_eval(ur, [&](auto p0) {
    using P = decltype(p0);
    return Step<T>([&in](const std::vector<T>& x, std::vector<T>& r) { residual_in<T, P>(in.A, in.b, x, r); });
  });
}

struct GmresCount {
  int total = 0, capped = 0;
};

// GMRES-IR's correction: GMRES in u on M^-1 A d = M^-1 r, the products M^-1 A v and M^-1 r in u_p; r is first
// scaled by a power of two to norm [0.5, 1) (exact). The factors and A are converted to u_p once.
template <class T, Format F>
Step<T> gmres_step(const SolveInput<T>& in, const Factors<T, F>& fac, Eval up, double tol, int cap, GmresCount& count) {
  return with_eval(up, [&](auto p0) {
    using P = decltype(p0);
    const int n = static_cast<int>(in.A.n_rows);
    auto fp = std::make_shared<const std::vector<P>>(fac.template factors_in<P>());
    auto ap = std::make_shared<std::vector<P>>(in.A.n_elem);
    for (std::size_t i = 0; i < in.A.n_elem; ++i) (*ap)[i] = widen<P>(in.A[i]);
    return Step<T>([&fac, &count, n, tol, cap, fp, ap](const std::vector<T>& r, std::vector<T>& d) {
      auto op = [&](const std::vector<T>& v, std::vector<T>& w) {
        std::vector<P> y(n, widen<P>(0.0));
        for (int j = 0; j < n; ++j) {
          const P vj = widen<P>(v[j]);
          const P* col = &(*ap)[static_cast<std::size_t>(j) * n];
          for (int i = 0; i < n; ++i) y[i] = y[i] + col[i] * vj;
        }
        fac.precond(*fp, y, w);
      };
      const T s = static_cast<T>(pow2_below(norm_inf(r)));
      std::vector<P> y(n);
      for (int i = 0; i < n; ++i) y[i] = widen<P>(r[i] * s);
      std::vector<T> z(n);
      fac.precond(*fp, y, z);
      const GmresResult<T> g = gmres<T>(op, z, static_cast<T>(tol), cap);
      count.total += g.iterations;
      if (!g.reached_tol) ++count.capped;
      d.resize(n);
      for (int i = 0; i < n; ++i) d[i] = g.x[i] / s;
    });
  });
}

struct Tolerances {
  double backward = 0, correction = 0;
  bool test_correction = true;  // u_r < u
};

struct Outcome {
  int steps = 0;
  std::string stop, why;
  BackwardErrors be;
  double dx = std::numeric_limits<double>::quiet_NaN();  // the last correction relative to x
};

// The refinement loop of refine.hpp, from x (updated in place).
template <class T>
Outcome iterate(const SolveInput<T>& in, std::vector<T>& x, const Step<T>& residual, const Step<T>& correction,
                const Tolerances& tol, int max_steps) {
  const std::size_t n = x.size();
  const double norm_a = arma::norm(arma::conv_to<arma::mat>::from(in.A), "inf");
  std::vector<T> r(n), d(n);
  double d_prev = 0;
  Outcome o;
  for (int& k = o.steps;; ++k) {
    residual(x, r);
    o.be = backward_errors(in.A, in.b, x, r, norm_a);
    o.dx = k == 0 ? std::numeric_limits<double>::quiet_NaN() : ratio(d_prev, norm_inf(x));
    const bool be_ok = o.be.normwise <= tol.backward && o.be.componentwise <= tol.backward;
    if (be_ok && (!tol.test_correction || (k > 0 && o.dx <= tol.correction))) {
      o.stop = "converged";
      return o;
    }
    if (k == max_steps) {
      o.stop = "max_steps";
      o.why = fmt::format("not converged in {} steps", k);
      return o;
    }
    correction(r, d);
    std::vector<T> next(n);
    for (std::size_t i = 0; i < n; ++i) next[i] = x[i] + d[i];
    d_prev = norm_inf(d);
    if (!std::isfinite(d_prev) || !all_finite(next)) {
      o.stop = "correction_overflow";
      o.why = fmt::format("step {}: the correction is not finite", k + 1);
      return o;
    }
    x = std::move(next);
  }
}

template <class T, Format F>
SolveOutcome<T> run(const SolveInput<T>& in, const RefineSpec& spec) {
  const Precision prec = precision_of<T>();
  const int n = static_cast<int>(in.A.n_rows);
  const double u = unit_roundoff(prec), u_r = unit_roundoff(spec.ur);
  const Tolerances tol{2 * u + std::sqrt(static_cast<double>(n)) * u_r, 2 * u, u_r < u};
  const bool gmres_ir = spec.method == Method::gmres;

  nlohmann::ordered_json facts;
  facts["uf"] = spelling(F);
  facts["u"] = to_string(prec);
  facts["ur"] = to_string(spec.ur);
  if (gmres_ir) {
    facts["up"] = to_string(product_precision(spec, prec));
    facts["gmres_tol"] = gmres_tolerance(spec, prec);
    facts["gmres_maxit"] = gmres_cap(spec, n);
  }
  if (spec.squeeze) facts["scale"] = "squeeze";

  Stopwatch sw;
  const Factors<T, F> fac(in.A, spec.squeeze);
  const double factor_s = sw.lap();
  if (spec.squeeze) facts["mu"] = fac.mu();
  auto finish = [&](SolveOutcome<T> out, int steps, const std::string& stop) {
    out.facts.iterations = steps;
    facts["steps"] = steps;
    facts["stop"] = stop;
    facts["lu_overflow"] = fac.overflow();
    facts["lu_breakdown"] = fac.breakdown();
    facts["max_steps"] = spec.max_steps;
    out.facts.extra = facts;
    return out;
  };
  if (std::string why = fac.failure(); !why.empty())
    return finish(shape::failed_after<T>(why, factor_s), 0, fac.overflow() ? "lu_overflow" : "lu_breakdown");

  GmresCount count;
  const Step<T> correction =
      gmres_ir ? gmres_step<T, F>(in, fac, product_precision(spec, prec), gmres_tolerance(spec, prec),
                                  gmres_cap(spec, n), count)
               : Step<T>([&fac](const std::vector<T>& r, std::vector<T>& d) { d = fac.solve_low(r); });
  std::vector<T> x = fac.solve_low(std::vector<T>(in.b.begin(), in.b.end()));
  if (!all_finite(x)) {
    x.assign(n, T(0));
    facts["x0_zeroed"] = true;
  }
  const Outcome o = iterate(in, x, residual_step(in, spec.ur), correction, tol, spec.max_steps);
  if (gmres_ir) {
    facts["gmres_iterations"] = count.total;
    facts["gmres_capped"] = count.capped;
  }
  facts["nbe"] = number_or_null(o.be.normwise);
  facts["cbe"] = number_or_null(o.be.componentwise);
  facts["dx"] = number_or_null(o.dx);
  SolveOutcome<T> out = shape::solved<T>(arma::Col<T>(x), factor_s, sw.lap());
  if (o.stop != "converged") {
    out.status = Status::failed;
    out.reason = fmt::format(
        "{}{}: backward errors {:.1e} normwise, {:.1e} componentwise, last correction {} (need <= {:.1e}{}); the "
        "last iterate is kept",
        o.why,
        o.stop == "correction_overflow" && !gmres_ir
            ? fmt::format(" (overflow in the {} triangular solves)", spelling(F))
            : std::string(),
        o.be.normwise, o.be.componentwise, std::isfinite(o.dx) ? fmt::format("{:.1e}", o.dx) : std::string("-"),
        tol.backward, tol.test_correction ? fmt::format(" and {:.1e}", tol.correction) : std::string());
  }
  return finish(std::move(out), o.steps, o.stop);
}

template <class T>
std::string precision_error(const RefineSpec& spec) {
  const Precision p = precision_of<T>();
  const double u = unit_roundoff(p);
  if (format_info(spec.uf).u() < u)
    return fmt::format("u_f = {} is more precise than the working precision {}", spelling(spec.uf), to_string(p));
  if (unit_roundoff(spec.ur) > u)
    return fmt::format("u_r = {} is less precise than the working precision {}", to_string(spec.ur), to_string(p));
  if (spec.method == Method::gmres && unit_roundoff(product_precision(spec, p)) > u)
    return fmt::format("u_p = {} is less precise than the working precision {}", to_string(product_precision(spec, p)),
                       to_string(p));
  return {};
}

}  // namespace

template <class T>
SolveOutcome<T> refine(const SolveInput<T>& in, const RefineSpec& spec) {
  if (std::string e = shape::square_error(in); !e.empty()) return SolveOutcome<T>::failure(e);
  if (std::string e = precision_error<T>(spec); !e.empty()) return SolveOutcome<T>::failure(e);
  switch (spec.uf) {
    case Format::fp16:
      return run<T, Format::fp16>(in, spec);
    case Format::bf16:
      return run<T, Format::bf16>(in, spec);
    case Format::tf32:
      return run<T, Format::tf32>(in, spec);
    case Format::fp32:
      return run<T, Format::fp32>(in, spec);
    case Format::fp64:
      break;
  }
  if constexpr (std::is_same_v<T, double>) return run<T, Format::fp64>(in, spec);
  return SolveOutcome<T>::failure("u_f = f64 needs f64 working precision");
}

template SolveOutcome<float> refine(const SolveInput<float>&, const RefineSpec&);
template SolveOutcome<double> refine(const SolveInput<double>&, const RefineSpec&);

}  // namespace condbench::lowprec
