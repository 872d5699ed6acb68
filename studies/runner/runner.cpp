#include "studies/runner/runner.hpp"

#include "solvers/flops.hpp"
#include "studies/metrics/metrics.hpp"
#include "studies/reference/engine.hpp"
#include "studies/runner/case_memory.hpp"
#include "studies/runner/context.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/timing_only.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>

namespace condbench {
namespace fs = std::filesystem;
namespace {

std::atomic<bool> g_interrupted{false};

void on_signal(int) { g_interrupted = true; }

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string format_duration(double s) {
  if (!std::isfinite(s)) return "?";
  int t = static_cast<int>(s + 0.5);
  return t >= 3600 ? fmt::format("{}h{:02}m", t / 3600, t / 60 % 60) : fmt::format("{}m{:02}s", t / 60, t % 60);
}

void prepare_out_dir(const RunOptions& opt) {
  if (opt.out_dir.empty()) throw InputError("--out", "an output folder is required");
  fs::path dir(opt.out_dir);
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw InputError(opt.out_dir, "exists and is not a folder");
    if (!fs::is_empty(dir, ec) && !opt.force)
      throw InputError(opt.out_dir, "output folder exists and is not empty; pass --force to replace its results");
    if (opt.force) {
      for (const char* f : {"results.csv", "run.json", "report.html", "summary.md"}) fs::remove(dir / f, ec);
      fs::remove_all(dir / "figures", ec);
    }
  }
  fs::create_directories(dir, ec);
  if (ec) throw InputError(opt.out_dir, "cannot create output folder: " + ec.message());
}

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
};

ResultRow base_row(const CaseContext& c) {
  ResultRow r;
  const Problem& p = c.problem;
  r.case_id = p.case_id;
  r.generator = p.generator;
  r.problem = p.name;
  r.kind = to_string(p.kind);
  r.m = static_cast<int>(p.A.n_rows);
  r.n = static_cast<int>(p.A.n_cols);
  r.seed = p.seed;
  r.precision = to_string(c.precision);
  r.kappa_nominal = p.kappa_nominal;
  r.kappa = c.kappa.kappa;
  r.kappa_certified = c.kappa.certified;
  r.kappa_method = c.kappa.method;
  r.kappa_time_s = c.kappa.seconds;
  const double nan = std::nan("");
  r.forward_error = r.forward_error_inf = r.backward_error = r.componentwise_backward_error = nan;
  r.residual_ratio = r.ls_residual_ratio = r.error_vs_true = r.residual_norm = nan;
  r.time_s = r.factor_s = r.solve_s = r.transfer_s = r.time_spread = nan;
  r.ref_error = c.reference.x.empty() ? nan : c.reference.ref_error;
  r.ref_converged = c.reference.converged;
  r.ref_method = c.reference.method;
  r.gflops = nan;
  r.ref_time_s = c.reference.seconds;
  return r;
}

template <class T>
ResultRow run_solver(const Solver& s, const CaseContext& c, const arma::Mat<T>& A, const arma::Col<T>& b,
                     const Study& study) {
  ResultRow row = base_row(c);
  row.solver = s.info().name;
  if (std::string why = s.why_not(c.problem.kind, c.precision); !why.empty()) {
    row.status = "skipped";
    row.reason = why;
    return row;
  }
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

template <class T>
void run_precision(const Problem& p, Precision prec, const std::vector<const Solver*>& solvers, const Study& study,
                   bool with_reference, CsvWriter& csv, std::vector<ResultRow>& rows) {
  arma::Mat<T> A;
  arma::Col<T> b;
  Stored stored = store<T>(p, A, b);
  ref::KappaResult kappa;
  ref::ReferenceSolution reference;
  MatrixFacts facts;
  std::string failure;
  if (!stored.A.is_finite() || !stored.b.is_finite()) {
    failure = fmt::format("no reference: the problem does not fit in {} (A or b overflows to Inf when stored)",
                          to_string(prec));
  } else {
    try {
      // One float64 factorization serves kappa and the reference (studies/reference/engine.hpp).
      ref::ReferenceEngine engine(stored.A, p.kind);
      if (with_reference) {
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
  CaseContext c{p, prec, stored, kappa, reference, facts, failure};
  for (const Solver* s : solvers) {
    if (g_interrupted) return;
    rows.push_back(run_solver<T>(*s, c, A, b, study));
    csv.write(rows.back());
  }
}

void write_json(const fs::path& path, const nlohmann::ordered_json& j) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp);
    out << j.dump(2) << '\n';
  }
  fs::rename(tmp, path);
}

nlohmann::ordered_json study_json(const Study& s) {
  nlohmann::ordered_json j;
  j["path"] = s.path;
  j["name"] = s.name;
  j["description"] = s.description;
  j["seeds"] = s.seeds;
  std::vector<std::string> precs;
  for (auto p : s.precisions) precs.push_back(to_string(p));
  j["precisions"] = precs;
  j["solvers"] = s.solver_patterns;
  j["repetitions"] = s.repetitions;
  j["warmup"] = s.warmup;
  j["threads"] = s.threads;
  j["cases"] = s.case_count();
  j["text"] = s.text;
  return j;
}

std::vector<std::pair<const ProblemSpec*, std::uint64_t>> select_cases_impl(const Study& study,
                                                                           const std::string& filter) {
  std::vector<std::pair<const ProblemSpec*, std::uint64_t>> out;
  for (const ProblemSpec& spec : study.problems)
    for (std::uint64_t seed : study.seeds) {
      if (!filter.empty()) {
        std::string suffix = fmt::format(":{}x{}:s{}", spec.m, spec.n, seed);
        if (filter.size() < suffix.size() || filter.compare(filter.size() - suffix.size(), suffix.size(), suffix))
          continue;
        if (spec.generator->generate(spec.params, spec.m, spec.n, seed).case_id != filter) continue;
      }
      out.emplace_back(&spec, seed);
    }
  if (out.empty()) throw InputError("--case", "no case of the study has id '" + filter + "'");
  return out;
}

}  // namespace

std::vector<std::pair<const ProblemSpec*, std::uint64_t>> select_cases(const Study& study, const std::string& case_id) {
  return select_cases_impl(study, case_id);
}

void install_interrupt_handler() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

RunResult run_study(const Study& study, const RunOptions& opt) {
  std::vector<const Solver*> solvers = study.solvers;
  if (!opt.solver_filter.empty()) {
    auto keep = SolverRegistry::instance().match(opt.solver_filter);
    std::erase_if(solvers, [&](const Solver* s) { return std::find(keep.begin(), keep.end(), s) == keep.end(); });
    if (solvers.empty()) throw InputError("--solver", "'" + opt.solver_filter + "' matches no solver of the study");
  }
  std::vector<Precision> precisions = study.precisions;
  if (!opt.precision_filter.empty()) {
    Precision p;
    if (!parse_precision(opt.precision_filter, p)) throw InputError("--precision", "unknown precision '" +
                                                                                      opt.precision_filter + "'");
    std::erase_if(precisions, [&](Precision q) { return q != p; });
    if (precisions.empty()) throw InputError("--precision", "the study does not run " + opt.precision_filter);
  }
  if (opt.threads < 0) throw InputError("--threads", "must be >= 0");
  std::vector<std::pair<const ProblemSpec*, std::uint64_t>> cases = select_cases(study, opt.case_filter);
  check_case_memory(study);  // a size too large fails here, not in the OOM killer hours later
  prepare_out_dir(opt);
  // Pinned for the whole run and recorded: OpenBLAS switches between one thread and
  // all of them around m*n = 10,000, which would otherwise bend timing curves.
  int threads = opt.threads > 0 ? opt.threads : study.threads;
  if (threads > 0) set_blas_threads(threads);

  fs::path dir(opt.out_dir);
  nlohmann::ordered_json meta;
  meta["format_version"] = kResultsFormatVersion;
  meta["status"] = "running";
  meta["command"] = opt.command_line;
  meta["start_time"] = now_iso8601();
  meta["end_time"] = nullptr;
  meta["context"] = run_context();
  meta["study"] = study_json(study);
  write_json(dir / "run.json", meta);

  CsvWriter csv((dir / "results.csv").string());
  RunResult result;
  auto t0 = std::chrono::steady_clock::now();
  const std::size_t total = cases.size() * precisions.size();
  std::size_t done = 0;
  bool tty = isatty(STDERR_FILENO);
  for (const auto& [spec, seed] : cases) {
    {
      if (g_interrupted) break;
      Problem p = spec->generator->generate(spec->params, spec->m, spec->n, seed);
      for (Precision prec : precisions) {
        if (g_interrupted) break;
        if (prec == Precision::f32)
          run_precision<float>(p, prec, solvers, study, spec->reference, csv, result.rows);
        else
          run_precision<double>(p, prec, solvers, study, spec->reference, csv, result.rows);
        ++done;
        if (opt.progress) {
          double el = seconds_since(t0);
          double eta = el / static_cast<double>(done) * static_cast<double>(total - done);
          std::string line = fmt::format("[{:>5}/{}] {:3.0f}%  elapsed {}  ETA {}  {} {}", done, total,
                                         100.0 * done / total, format_duration(el), format_duration(eta),
                                         to_string(prec), p.case_id);
          if (tty)
            fmt::print(stderr, "\r{:<140.140}", line);
          else
            fmt::print(stderr, "{}\n", line);
        }
      }
    }
  }
  if (opt.progress && tty) fmt::print(stderr, "\n");
  result.interrupted = g_interrupted;
  result.seconds = seconds_since(t0);

  int ok = 0, failed = 0, skipped = 0;
  for (const auto& r : result.rows) (r.status == "ok" ? ok : r.status == "failed" ? failed : skipped)++;
  meta["status"] = result.interrupted ? "interrupted" : "complete";
  meta["end_time"] = now_iso8601();
  meta["seconds"] = result.seconds;
  meta["rows"] = {{"total", result.rows.size()}, {"ok", ok}, {"failed", failed}, {"skipped", skipped}};
  meta["context"]["blas_threads"] = blas_threads();
  nlohmann::ordered_json fits = nlohmann::ordered_json::array();
  for (const auto& f : fit_time_exponents(result.rows))
    fits.push_back({{"solver", f.solver}, {"precision", f.precision}, {"kind", f.kind}, {"exponent", f.exponent},
                    {"n_min", f.n_min}, {"n_max", f.n_max}, {"sizes", f.sizes}});
  meta["time_exponents"] = fits;
  write_json(dir / "run.json", meta);
  return result;
}

}  // namespace condbench
