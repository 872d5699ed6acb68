#include "studies/chains/chain_runner.hpp"

#include "studies/chains/methods.hpp"
#include "studies/chains/reference.hpp"
#include "studies/chains/theory.hpp"
#include "studies/generators/construct.hpp"
#include "studies/runner/context.hpp"
#include "studies/runner/drive.hpp"
#include "studies/runner/run_folder.hpp"
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

void install_chain_interrupt_handler() { install_interrupt_handler(); }

namespace {

// A chain study as an executor task: a case is one chain spec and seed; its units are
// the spec's precisions (each computes its own reference and runs every method), so a
// crash or a resume loses at most one precision's work of one chain.
class ChainTask : public exec::Task {
 public:
  using Case = std::pair<const ChainSpec*, std::uint64_t>;
  ChainTask(std::vector<Case> cases, ChainCaseOptions opt) : cases_(std::move(cases)), opt_(std::move(opt)) {}

  std::size_t case_count() const override { return cases_.size(); }
  std::string header() const override { return csv::join(chain_result_columns()); }
  int unit_count(std::size_t c) const override { return static_cast<int>(precisions(c).size()); }
  std::string unit_label(std::size_t c, int unit) const override {
    return "chain " + std::string(to_string(precisions(c).at(static_cast<std::size_t>(unit))));
  }
  void run_case(std::size_t c, int first_unit, exec::Emitter& emit) const override {
    const auto& [spec, seed] = cases_[c];
    const std::vector<ChainPrecision> precs = precisions(c);
    if (precs.empty()) return;
    emit.identify(skeleton(c, precs.front()));
    for (int u = first_unit; u < static_cast<int>(precs.size()); ++u) {
      if (emit.stop_requested()) return;
      if (!emit.wanted(u)) continue;
      const ChainPrecision prec = precs[static_cast<std::size_t>(u)];
      emit.begin(u, skeleton(c, prec));
      ChainCaseOptions one = opt_;
      one.precision_filter = to_string(prec);
      std::string record;
      for (const ChainRow& r : run_chain_case(*spec, seed, one)) record += format_chain_row(r);
      emit.row(u, record);
    }
  }
  std::string failed_record(std::size_t c, int unit, const std::string& skel, const std::string& why) const override {
    const std::vector<ChainPrecision> precs = precisions(c);
    const ChainPrecision prec = precs.at(static_cast<std::size_t>(unit));
    ChainRow r = skel.empty() ? parse_chain_results(header() + skeleton(c, prec), "skeleton").at(0)
                              : parse_chain_results(header() + skel, "skeleton").at(0);
    r.precision = to_string(prec);
    r.status = "failed";
    r.reason = why;
    return format_chain_row(r);
  }
  const Case& case_at(std::size_t c) const { return cases_[c]; }

 private:
  std::vector<ChainPrecision> precisions(std::size_t c) const {
    std::vector<ChainPrecision> out;
    for (ChainPrecision p : cases_[c].first->precisions)
      if (opt_.precision_filter.empty() || opt_.precision_filter == to_string(p)) out.push_back(p);
    return out;
  }
  // What a unit's rows become when it never reports: one failed row for all its methods.
  std::string skeleton(std::size_t c, ChainPrecision prec) const {
    const auto& [spec, seed] = cases_[c];
    ChainRow r = base_row(*spec, seed, prec, "chain.*");
    r.status = "failed";
    r.value = r.reference = r.rel_error = r.theory = r.theory_sd = r.time_s = r.ref_time_s = NAN;
    return format_chain_row(r);
  }

  std::vector<Case> cases_;
  ChainCaseOptions opt_;
};

}  // namespace

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
  std::vector<ChainTask::Case> cases;
  std::vector<std::size_t> selected;
  for (const auto& c : study.chains)
    for (std::uint64_t seed : c.seeds) {
      if (opt.case_filter.empty() || c.case_id(seed) == opt.case_filter) selected.push_back(cases.size());
      cases.emplace_back(&c, seed);
    }
  if (selected.empty()) throw InputError("--case", "no case of the study has id '" + opt.case_filter + "'");
  if (opt.keep_skipped) throw InputError("--keep-skipped", "a chain study has no skipped solvers to keep");
  // One BLAS thread: reproducible bits (chain_runner.hpp), whatever --threads says.
  RunOptions one_thread = opt;
  one_thread.threads = 1;
  const Execution ex = decide_execution(one_thread, 1, false, 3600, 1, {});

  ChainTask task(cases, copt);
  ChainRunResult result;
  Drive d;
  d.task = &task;
  d.cases = selected;
  d.kind = "chain";
  d.format_version = kChainResultsFormatVersion;
  d.study = study_json(study);
  d.study["solver_names"] = std::vector<std::string>(methods_in_study.begin(), methods_in_study.end());
  d.filters = {{"case", opt.case_filter}, {"solver", opt.solver_filter}, {"precision", opt.precision_filter}};
  d.label = [&](std::size_t c) { return task.case_at(c).first->case_id(task.case_at(c).second); };
  d.finish = [&](nlohmann::ordered_json& meta, const exec::ResultsFile&) {
    result.rows = parse_chain_results(read_text_file(fs::path(opt.out_dir) / "results.csv"),
                                      (fs::path(opt.out_dir) / "results.csv").string());
    int ok = 0, failed = 0, skipped = 0;
    double ref_seconds = 0;
    std::set<std::pair<std::string, std::string>> seen;  // (case, precision): one reference each
    for (const auto& r : result.rows) {
      (r.status == "ok" ? ok : r.status == "failed" ? failed : skipped)++;
      if (std::isfinite(r.ref_time_s) && seen.insert({r.case_id, r.precision}).second) ref_seconds += r.ref_time_s;
    }
    meta["reference_seconds"] = ref_seconds;
    meta["rows"] = {{"total", result.rows.size()}, {"ok", ok}, {"failed", failed}, {"skipped", skipped}};
  };
  DriveResult dr = drive(d, ex, opt);
  result.interrupted = dr.interrupted;
  result.seconds = dr.seconds;
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
