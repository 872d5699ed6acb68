#include "studies/chains/chain_runner.hpp"

#include "studies/chains/methods.hpp"
#include "studies/chains/reference.hpp"
#include "studies/chains/theory.hpp"
#include "studies/generators/construct.hpp"
#include "studies/runner/context.hpp"
#include "studies/runner/csv.hpp"
#include "studies/runner/input_error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace condbench::chains {
namespace fs = std::filesystem;
namespace {

std::atomic<bool> g_interrupted{false};
void on_signal(int) { g_interrupted = true; }

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool wants(const std::vector<std::string>& methods, std::initializer_list<const char*> any) {
  for (const char* m : any)
    if (std::find(methods.begin(), methods.end(), m) != methods.end()) return true;
  return false;
}

ChainRow base_row(const ChainSpec& spec, std::uint64_t seed, ChainPrecision prec, const std::string& method) {
  ChainRow r;
  r.case_id = spec.case_id(seed);
  r.seed = seed;
  r.width = spec.width;
  r.layers = spec.layers();
  r.init = to_string(spec.init);
  r.scale = spec.scale;
  r.activation = to_string(spec.activation);
  r.residual = spec.residual;
  r.precision = to_string(prec);
  r.method = method;
  return r;
}

ChainRow row_of(const ChainSpec& spec, std::uint64_t seed, ChainPrecision prec, const std::string& method,
                const Measurement& m, const ChainReference& ref, const TheoryValue& th, double seconds) {
  ChainRow r = base_row(spec, seed, prec, method);
  r.depth = m.depth;
  r.layer = m.layer;
  r.quantity = m.quantity;
  r.value = m.value;
  r.status = m.status;
  r.reason = m.reason;
  r.note = m.note;
  auto get = [](const std::map<std::string, std::string>& map, const std::string& k) {
    auto it = map.find(k);
    return it == map.end() ? std::string() : it->second;
  };
  r.ref_method = get(ref.method, m.quantity);
  const std::string ref_failure = get(ref.failure, m.quantity);
  r.reference = ref_failure.empty() ? ref.value(m.depth, m.layer, m.quantity) : NAN;
  if (!ref_failure.empty()) r.note += (r.note.empty() ? "" : "; ") + ("no reference: " + ref_failure);
  const std::string ref_note = get(ref.note, m.quantity);
  if (!ref_note.empty()) r.note += (r.note.empty() ? "" : "; ") + ("reference: " + ref_note);
  r.rel_error = m.status == "ok" ? relative_error(r.value, r.reference) : NAN;
  r.theory = th.value;
  r.theory_sd = th.sd;
  r.theory_note = th.note;
  r.time_s = seconds;
  r.ref_time_s = ref.seconds;
  return r;
}

template <class T>
void run_precision(const ChainSpec& spec, std::uint64_t seed, ChainPrecision prec, const ChainProblem& problem,
                   const std::vector<std::string>& methods, std::vector<ChainRow>& rows) {
  const StoredChain<T> stored = store_chain<T>(problem);
  RefNeeds needs;
  needs.vectors = wants(methods, {"chain.backprop"});
  needs.spectrum = wants(methods, {"chain.explicit_svd", "chain.qr_sweep", "chain.qr_jacobi"});
  needs.weights = wants(methods, {"chain.monitor"});
  const ChainReference ref = chain_reference(convert_chain<double>(stored), spec.depths, spec.reference, needs);
  // The laws depend on the spec, depth and quantity only (the residual law sums a Poisson
  // mixture): once per case.
  std::map<std::pair<int, std::string>, TheoryValue> theory;
  for (const std::string& method : methods) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<Measurement> ms = run_method<T>(method, stored, spec.depths);
    const double dt = seconds_since(t0);
    for (const Measurement& m : ms) {
      auto [it, fresh] = theory.try_emplace({m.depth, m.quantity});
      if (fresh) it->second = theory_for(spec, m.depth, m.quantity);
      rows.push_back(row_of(spec, seed, prec, method, m, ref, it->second, dt));
    }
  }
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

void write_json(const fs::path& path, const nlohmann::ordered_json& j) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp);
    out << j.dump(2) << '\n';
  }
  fs::rename(tmp, path);
}

nlohmann::ordered_json spec_json(const ChainSpec& c) {
  nlohmann::ordered_json j;
  j["key"] = c.key();
  j["where"] = c.where;
  j["width"] = c.width;
  j["depths"] = c.depths;
  j["init"] = to_string(c.init);
  j["scale"] = c.scale;
  j["activation"] = to_string(c.activation);
  j["residual"] = c.residual;
  j["seeds"] = c.seeds;
  std::vector<std::string> precs;
  for (auto p : c.precisions) precs.push_back(to_string(p));
  j["precisions"] = precs;
  j["methods"] = c.methods;
  j["reference"] = to_string(c.reference);
  return j;
}

nlohmann::ordered_json study_json(const ChainStudy& s) {
  nlohmann::ordered_json j;
  j["path"] = s.path;
  j["name"] = s.name;
  j["description"] = s.description;
  j["methods"] = s.method_patterns;
  nlohmann::ordered_json chains = nlohmann::ordered_json::array();
  for (const auto& c : s.chains) chains.push_back(spec_json(c));
  j["chains"] = chains;
  j["cases"] = s.case_count();
  j["text"] = s.text;
  return j;
}

std::string format_duration(double s) {
  if (!std::isfinite(s)) return "?";
  const int t = static_cast<int>(s + 0.5);
  return t >= 3600 ? fmt::format("{}h{:02}m", t / 3600, t / 60 % 60) : fmt::format("{}m{:02}s", t / 60, t % 60);
}

double median(std::vector<double> v) {
  std::erase_if(v, [](double x) { return std::isnan(x); });
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v[(v.size() - 1) / 2];
}

}  // namespace

std::vector<ChainRow> run_chain_case(const ChainSpec& spec, std::uint64_t seed, const ChainCaseOptions& opt) {
  std::vector<std::string> methods = spec.methods;
  if (!opt.method_filter.empty()) {
    const std::vector<std::string> keep = match_methods(opt.method_filter);
    std::erase_if(methods, [&](const std::string& m) { return std::find(keep.begin(), keep.end(), m) == keep.end(); });
  }
  std::vector<ChainRow> rows;
  if (methods.empty()) return rows;
  const ChainProblem problem = generate_chain(spec, seed);
  for (ChainPrecision prec : spec.precisions) {
    if (!opt.precision_filter.empty() && opt.precision_filter != to_string(prec)) continue;
    with_working_type(prec, [&](auto tag) { run_precision<decltype(tag)>(spec, seed, prec, problem, methods, rows); });
  }
  return rows;
}

void install_chain_interrupt_handler() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

ChainRunResult run_chain_study(const ChainStudy& study, const RunOptions& opt) {
  ChainCaseOptions copt;
  copt.method_filter = opt.solver_filter;
  copt.precision_filter = opt.precision_filter;
  std::set<std::string> methods_in_study, precisions_in_study;
  for (const auto& c : study.chains) {
    methods_in_study.insert(c.methods.begin(), c.methods.end());
    for (auto p : c.precisions) precisions_in_study.insert(to_string(p));
  }
  if (!copt.method_filter.empty()) {
    const auto hits = match_methods(copt.method_filter);
    if (std::none_of(hits.begin(), hits.end(), [&](const std::string& m) { return methods_in_study.count(m); }))
      throw InputError("--solver", "'" + copt.method_filter + "' matches no method of the chain study");
  }
  if (!copt.precision_filter.empty() && !precisions_in_study.count(copt.precision_filter))
    throw InputError("--precision", "the study does not run " + copt.precision_filter);
  std::vector<std::pair<const ChainSpec*, std::uint64_t>> cases;
  for (const auto& c : study.chains)
    for (std::uint64_t seed : c.seeds)
      if (opt.case_filter.empty() || c.case_id(seed) == opt.case_filter) cases.emplace_back(&c, seed);
  if (cases.empty()) throw InputError("--case", "no case of the study has id '" + opt.case_filter + "'");
  prepare_out_dir(opt);
  // One BLAS thread: reproducible bits (chain_runner.hpp), whatever --threads says.
  SingleThreadedBlas one_thread;

  const fs::path dir(opt.out_dir);
  nlohmann::ordered_json meta;
  meta["format_version"] = kChainResultsFormatVersion;
  meta["task"] = "chain";
  meta["status"] = "running";
  meta["command"] = opt.command_line;
  meta["start_time"] = now_iso8601();
  meta["end_time"] = nullptr;
  meta["context"] = run_context();
  meta["study"] = study_json(study);
  write_json(dir / "run.json", meta);

  std::ofstream csv(dir / "results.csv");
  csv << csv::join(chain_result_columns()) << std::flush;
  ChainRunResult result;
  const auto t0 = std::chrono::steady_clock::now();
  const bool tty = isatty(STDERR_FILENO);
  double ref_seconds = 0;
  std::size_t done = 0;
  for (const auto& [spec, seed] : cases) {
    if (g_interrupted) break;
    std::vector<ChainRow> rows = run_chain_case(*spec, seed, copt);
    std::set<std::string> seen;
    for (const ChainRow& r : rows) {
      csv << format_chain_row(r);
      if (seen.insert(r.precision).second) ref_seconds += r.ref_time_s;
    }
    csv << std::flush;
    result.rows.insert(result.rows.end(), rows.begin(), rows.end());
    ++done;
    if (opt.progress) {
      const double el = seconds_since(t0);
      const double eta = el / static_cast<double>(done) * static_cast<double>(cases.size() - done);
      const std::string line =
          fmt::format("[{:>5}/{}] {:3.0f}%  elapsed {}  ETA {}  {}", done, cases.size(), 100.0 * done / cases.size(),
                      format_duration(el), format_duration(eta), spec->case_id(seed));
      if (tty)
        fmt::print(stderr, "\r{:<140.140}", line);
      else
        fmt::print(stderr, "{}\n", line);
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
  meta["reference_seconds"] = ref_seconds;
  meta["rows"] = {{"total", result.rows.size()}, {"ok", ok}, {"failed", failed}, {"skipped", skipped}};
  meta["context"]["blas_threads"] = 1;
  write_json(dir / "run.json", meta);
  return result;
}

bool is_chain_run(const std::string& dir) {
  const fs::path d(dir);
  std::ifstream meta(d / "run.json");
  if (meta) {
    try {
      const auto j = nlohmann::json::parse(meta);
      if (j.is_object() && j.contains("task")) return j["task"] == "chain";
    } catch (const nlohmann::json::exception&) {
    }
  }
  std::ifstream csv(d / "results.csv");
  std::string first;
  return csv && std::getline(csv, first) && is_chain_results_header(first);
}

std::string format_chain_summary(const std::vector<ChainRow>& rows) {
  struct Line {
    int ok = 0, failed = 0;
    std::map<std::string, std::vector<double>> errors;
  };
  std::map<std::pair<std::string, std::string>, Line> lines;
  for (const auto& r : rows) {
    Line& l = lines[{r.method, r.precision}];
    (r.status == "ok" ? l.ok : l.failed)++;
    // Only against a finite, nonzero reference: an exactly singular product's inf = inf says little.
    // log10 kappa in decades off: relative to a log10 kappa near 0 (orthogonal chains) says little too.
    if (r.status == "ok" && std::isfinite(r.reference) && r.reference != 0)
      l.errors[r.quantity].push_back(r.quantity == "log10_kappa" ? std::fabs(r.value - r.reference) : r.rel_error);
  }
  std::string s = fmt::format("{:<20} {:<5} {:>7} {:>7}  {}\n", "method", "prec", "ok", "failed",
                              "median error against the reference (relative; log10_kappa: decades)");
  for (const auto& [key, l] : lines) {
    std::string errs;
    for (const char* q : {"grad_norm", "log10_kappa", "sigma_min", "weight_kappa"}) {
      auto it = l.errors.find(q);
      if (it != l.errors.end()) errs += fmt::format("{} {:.1e}  ", q, median(it->second));
    }
    s += fmt::format("{:<20} {:<5} {:>7} {:>7}  {}\n", key.first, key.second, l.ok, l.failed, errs);
  }
  return s;
}

}  // namespace condbench::chains
