#include "studies/runner/solve_task.hpp"

#include "solvers/flops.hpp"
#include "studies/metrics/metrics.hpp"
#include "studies/reference/engine.hpp"
#include "studies/reference/reference.hpp"
#include "studies/runner/timing_only.hpp"
#include "studies/runner/csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace condbench {
namespace {

// The stored problem of one precision, widened back to double (exact).
struct Stored {
  arma::mat A;
  arma::vec b;
};

template <class T>
Stored store(const Problem& p, arma::Mat<T>& A, arma::Col<T>& b) {
  A = arma::conv_to<arma::Mat<T>>::from(p.A);
  b = arma::conv_to<arma::Col<T>>::from(p.b);
  return Stored{arma::conv_to<arma::mat>::from(A), arma::conv_to<arma::vec>::from(b)};
}

struct CaseContext {
  const Problem& problem;
  Precision precision;
  const Stored& stored;
  const ref::KappaResult& kappa;
  const ref::ReferenceSolution& reference;  // empty x when it could not be computed
  const MatrixFacts& facts;
  std::string reference_failure;            // why there is no (converged) reference
  int jobs = 1;
};

// What every row of a problem shares: identity, no outcome yet.
ResultRow identity_row(const Problem& p) {
  ResultRow r;
  const double nan = std::nan("");
  r.case_id = p.case_id;
  r.generator = p.generator;
  r.problem = p.name;
  r.kind = to_string(p.kind);
  r.m = static_cast<int>(p.A.n_rows);
  r.n = static_cast<int>(p.A.n_cols);
  r.seed = p.seed;
  r.status = "failed";  // what a skeleton becomes when its unit never reports
  r.kappa_nominal = p.kappa_nominal;
  r.kappa = r.kappa_time_s = r.ref_error = r.ref_time_s = nan;
  r.forward_error = r.forward_error_inf = r.backward_error = r.componentwise_backward_error = nan;
  r.residual_ratio = r.ls_residual_ratio = r.error_vs_true = r.residual_norm = nan;
  r.time_s = r.factor_s = r.solve_s = r.transfer_s = r.time_spread = r.gflops = nan;
  return r;
}

ResultRow base_row(const CaseContext& c) {
  ResultRow r = identity_row(c.problem);
  r.precision = to_string(c.precision);
  r.kappa = c.kappa.kappa;
  r.kappa_certified = c.kappa.certified;
  r.kappa_method = c.kappa.method;
  r.kappa_time_s = c.kappa.seconds;
  r.ref_error = c.reference.x.empty() ? std::nan("") : c.reference.ref_error;
  r.ref_converged = c.reference.converged;
  r.ref_method = c.reference.method;
  r.ref_time_s = c.reference.seconds;
  r.jobs = c.jobs;
  return r;
}

template <class T>
ResultRow run_solver(const Solver& s, const CaseContext& c, const arma::Mat<T>& A, const arma::Col<T>& b,
                     const Study& study) {
  ResultRow row = base_row(c);
  row.solver = s.info().name;
  SolveInput<T> in{A, b, c.problem.kind};
  SolveOutcome<T> out;
  std::vector<Timing> times;
  try {
    for (int i = 0; i < study.warmup; ++i) s.solve(in);
    for (int i = 0; i < study.repetitions; ++i) {
      out = s.solve(in);
      times.push_back(out.timing);
      if (out.status != Status::ok) break;
    }
  } catch (const std::exception& e) {
    out = SolveOutcome<T>::failure(std::string("exception: ") + e.what());
  }
  row.status = to_string(out.status);
  row.reason = out.reason;
  row.iterations = out.facts.iterations;
  row.fallback = out.facts.fallback;
  row.note = out.facts.note;
  row.facts = out.facts.extra.is_object() ? out.facts.extra.dump() : "{}";
  // The solver still runs without a reference (an exactly singular matrix must get a
  // clean status from every solver); its forward errors are then NaN and the note says why.
  if (!c.reference_failure.empty()) row.note += (row.note.empty() ? "" : "; ") + c.reference_failure;
  if (!times.empty()) {
    // The median repetition (the lower one of an even count), with its own phases, so
    // that time_s = factor_s + solve_s + transfer_s holds on every row.
    std::vector<Timing> sorted = times;
    std::sort(sorted.begin(), sorted.end(), [](const Timing& x, const Timing& y) { return x.total_s() < y.total_s(); });
    const Timing& med = sorted[(sorted.size() - 1) / 2];
    row.time_s = med.total_s();
    row.time_spread = row.time_s > 0 ? (sorted.back().total_s() - sorted.front().total_s()) / row.time_s : 0;
    row.factor_s = med.factor_s;
    row.solve_s = med.solve_s;
    row.transfer_s = med.transfer_s;
    row.repetitions = static_cast<int>(times.size());
    const std::string& method = s.info().flop_method.empty() ? flop_method_of(row.solver) : s.info().flop_method;
    const double device_s = med.factor_s + med.solve_s;
    if (out.status == Status::ok && device_s > 0) row.gflops = method_flops(method, row.m, row.n) / device_s * 1e-9;
  }
  if (out.status == Status::ok) {
    Metrics m = compute_metrics(c.stored.A, c.stored.b, arma::conv_to<arma::vec>::from(out.x), c.reference,
                                c.problem.kind, unit_roundoff(c.precision), c.problem.x_true, &c.facts);
    row.forward_error = m.forward_error;
    row.forward_error_inf = m.forward_error_inf;
    row.backward_error = m.backward_error;
    row.componentwise_backward_error = m.componentwise_backward_error;
    row.residual_ratio = m.residual_ratio;
    row.ls_residual_ratio = m.ls_residual_ratio;
    row.error_vs_true = m.error_vs_true;
    row.residual_norm = m.residual_norm;
  }
  return row;
}

}  // namespace

std::string SkipKey::encode() const { return solver + '\t' + precision + '\t' + kind; }

SkipKey SkipKey::decode(const std::string& key) {
  SkipKey k;
  std::string* parts[] = {&k.solver, &k.precision, &k.kind};
  std::size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    std::size_t tab = i < 2 ? key.find('\t', start) : std::string::npos;
    *parts[i] = key.substr(start, tab == std::string::npos ? std::string::npos : tab - start);
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return k;
}

SolveTask::SolveTask(const Study& study, std::vector<Case> cases, SolveTaskOptions opt)
    : study_(study), cases_(std::move(cases)), opt_(std::move(opt)) {}

std::string SolveTask::header() const { return csv::join(result_columns()); }

std::string SolveTask::unit_label(std::size_t, int unit) const {
  return fmt::format("{} {}", solver_of(unit).info().name, to_string(precision_of_unit(unit)));
}

void SolveTask::run_case(std::size_t c, int first_unit, exec::Emitter& emit) const {
  const auto& [spec, seed] = cases_[c];
  const Problem p = spec->generator->generate(spec->params, spec->m, spec->n, seed);
  emit.identify(format_row(identity_row(p)));
  const int S = static_cast<int>(opt_.solvers.size());
  for (std::size_t pi = 0; pi < opt_.precisions.size(); ++pi) {
    const int first = static_cast<int>(pi) * S, last = first + S;  // units [first, last)
    if (last <= first_unit) continue;
    const Precision prec = opt_.precisions[pi];
    // Static skips first: a precision none of whose solvers runs needs no reference.
    std::vector<std::string> why(static_cast<std::size_t>(S));
    bool any_runs = false;
    for (int u = std::max(first, first_unit); u < last; ++u) {
      if (!emit.wanted(u)) continue;
      why[static_cast<std::size_t>(u - first)] = solver_of(u).why_not(p.kind, prec);
      any_runs = any_runs || why[static_cast<std::size_t>(u - first)].empty();
    }
    auto run_units = [&](auto tag) {
      using T = decltype(tag);
      arma::Mat<T> A;
      arma::Col<T> b;
      Stored stored;
      ref::KappaResult kappa;
      ref::ReferenceSolution reference;
      MatrixFacts facts;
      std::string failure;
      if (any_runs) {
        stored = store<T>(p, A, b);
        if (!stored.A.is_finite() || !stored.b.is_finite()) {
          failure = fmt::format("no reference: the problem does not fit in {} (A or b overflows to Inf when stored)",
                                to_string(prec));
        } else {
          try {
            // One float64 factorization serves kappa and the reference (studies/reference/engine.hpp).
            ref::ReferenceEngine engine(stored.A, p.kind);
            if (spec->reference) {
              kappa = engine.kappa();
              reference = engine.reference(stored.b, 1e-6 * unit_roundoff(prec));
              if (!reference.converged)
                failure = fmt::format("reference not converged (ref_error {:.2g}){}", reference.ref_error,
                                      reference.note.empty() ? "" : ": " + reference.note);
            } else {
              kappa = engine.sigma_max_only();  // kappa NaN; sigma_max for the backward errors
              reference.method = kTimingOnlyRefMethod;
              failure = "no forward errors: reference = false (timing-only)";
            }
            facts = stored.A.n_rows > stored.A.n_cols ? matrix_facts(stored.A) : MatrixFacts{};
            facts.norm1 = arma::norm(stored.A, 1);
            facts.norm_f = arma::norm(stored.A, "fro");
            if (stored.A.n_rows <= stored.A.n_cols) facts.norm2 = kappa.sigma_max;  // Lanczos's, a lower bound
          } catch (const std::exception& e) {
            failure = std::string("no reference: ") + e.what();
            reference = ref::ReferenceSolution{};
            facts = matrix_facts(stored.A);
          }
        }
      }
      CaseContext ctx{p, prec, stored, kappa, reference, facts, failure, opt_.jobs};
      for (int u = std::max(first, first_unit); u < last; ++u) {
        if (emit.stop_requested()) return;
        if (!emit.wanted(u)) continue;
        const Solver& s = solver_of(u);
        const std::string& w = why[static_cast<std::size_t>(u - first)];
        if (!w.empty()) {
          if (!opt_.keep_skipped_rows) {
            emit.tally(u, SkipKey{s.info().name, to_string(prec), to_string(p.kind)}.encode());
            continue;
          }
          ResultRow row = base_row(ctx);
          row.solver = s.info().name;
          row.status = "skipped";
          row.reason = w;
          emit.row(u, format_row(row));
          continue;
        }
        ResultRow skeleton = base_row(ctx);
        skeleton.solver = s.info().name;
        emit.begin(u, format_row(skeleton));
        emit.row(u, format_row(run_solver<T>(s, ctx, A, b, study_)));
      }
    };
    if (prec == Precision::f32)
      run_units(float{});
    else
      run_units(double{});
    if (emit.stop_requested()) return;
  }
}

std::string SolveTask::failed_record(std::size_t c, int unit, const std::string& skeleton,
                                     const std::string& why) const {
  ResultRow row;
  if (!skeleton.empty()) {
    row = parse_results_csv(header() + skeleton, "skeleton").at(0);
  } else {
    // The case died before it was generated: its identity as far as the study says.
    const auto& [spec, seed] = cases_[c];
    row = ResultRow{};
    row.generator = spec->generator->info().name;
    std::map<std::string, std::string> params;
    for (const auto& [k, v] : spec->params) params[k] = format_param(v);
    row.case_id = make_case_id(row.generator, params, spec->m, spec->n, seed);
    row.kind = to_string(spec->generator->kind(spec->params));
    row.m = spec->m;
    row.n = spec->n;
    row.seed = seed;
    const double nan = std::nan("");
    row.kappa_nominal = row.kappa = row.kappa_time_s = row.ref_error = row.ref_time_s = nan;
    row.forward_error = row.forward_error_inf = row.backward_error = row.componentwise_backward_error = nan;
    row.residual_ratio = row.ls_residual_ratio = row.error_vs_true = row.residual_norm = nan;
    row.time_s = row.factor_s = row.solve_s = row.transfer_s = row.time_spread = row.gflops = nan;
  }
  row.solver = solver_of(unit).info().name;
  row.precision = to_string(precision_of_unit(unit));
  row.status = "failed";
  row.reason = why;
  row.jobs = opt_.jobs;
  return format_row(row);
}

}  // namespace condbench
