// condbench export RUN_DIR CASE_ID [--precision f32|f64] [--out DIR]
//
// Regenerates one case of a finished run from the study text kept in run.json and
// writes it as Matrix Market files: A.mtx and b.mtx exactly as stored in that precision
// (%.17g: bit for bit through a double parser; --exact: the exact decimal of each value), x_true.mtx (when the generator knows it), x_ref.mtx (the
// high-precision reference x* of the stored problem, 40 significant digits), case.json
// (case id, precision, kappa, ref_error, commands) and study.toml, which reruns the
// exported problem from the files through the mtx generator.
#include "reports/cli/command.hpp"
#include "reports/cli/plugin_options.hpp"
#include "reports/common/run_data.hpp"
#include "studies/generators/matrix_market.hpp"
#include "studies/reference/reference.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/runner.hpp"
#include "studies/runner/study.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>

namespace condbench::cli {
namespace {
namespace fs = std::filesystem;

struct ExportArgs {
  std::string run_dir, case_id, precision, out;
  bool force = false, exact = false;
  std::vector<std::string> plugins;
};

std::string safe_name(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  if (out.size() > 150) out = out.substr(0, 150);
  return out;
}

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

nlohmann::ordered_json number_or_null(double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nullptr; }

template <class T>
void stored_copy(const Problem& p, arma::mat& A, arma::vec& b) {
  A = arma::conv_to<arma::mat>::from(arma::conv_to<arma::Mat<T>>::from(p.A));
  b = arma::conv_to<arma::vec>::from(arma::conv_to<arma::Col<T>>::from(p.b));
}

int do_export(const ExportArgs& a) {
  load_plugins(a.plugins);  // the study names solvers; a plugin's must resolve
  RunData run = load_run(a.run_dir);
  const auto& st = run.meta["study"];
  if (!st.is_object() || !st.contains("text") || !st["text"].is_string())
    throw InputError(a.run_dir + "/run.json", "has no study text (study.text): cannot regenerate the case");
  const std::string study_path = st.value("path", std::string("study.toml"));
  Study study;
  try {
    study = parse_study(st["text"].get<std::string>(), study_path);
  } catch (const InputError& e) {
    throw InputError(a.run_dir, std::string("the run's study no longer loads (a relative matrix file path resolves "
                                            "against the current directory: run export where the study ran): ") +
                                    e.what());
  }
  auto cases = select_cases(study, a.case_id);
  const auto& [spec, seed] = cases.front();

  Precision prec = Precision::f64;
  if (!a.precision.empty()) {
    if (!parse_precision(a.precision, prec)) throw InputError("--precision", "must be f32 or f64, got '" + a.precision + "'");
  } else if (std::find(study.precisions.begin(), study.precisions.end(), Precision::f64) == study.precisions.end() &&
             !study.precisions.empty()) {
    prec = study.precisions.front();
  }
  const std::string ptext = to_string(prec);

  fs::path out = a.out.empty() ? fs::path(a.run_dir) / "export" / (safe_name(a.case_id) + "_" + ptext) : fs::path(a.out);
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_empty(out, ec) && !a.force)
    throw InputError(out.string(), "exists and is not empty; pass --force to overwrite");
  fs::create_directories(out, ec);
  if (ec) throw InputError(out.string(), "cannot create: " + ec.message());

  Problem p;
  try {
    p = spec->generator->generate(spec->params, spec->m, spec->n, seed);
  } catch (const ParamError& e) {
    throw InputError(spec->where, e.key + ": " + e.message);
  }
  arma::mat A;
  arma::vec b;
  if (prec == Precision::f32)
    stored_copy<float>(p, A, b);
  else
    stored_copy<double>(p, A, b);

  // As the runner does: kappa of the stored matrix, then the reference of the stored problem.
  ref::KappaResult kappa;
  ref::ReferenceSolution reference;
  std::string failure;
  if (!A.is_finite() || !b.is_finite()) {
    failure = "the problem does not fit in " + ptext + " (A or b overflows when stored)";
  } else {
    kappa = ref::measure_kappa(A, p.kind);
    reference = ref::reference_solution(A, b, p.kind, 1e-6 * unit_roundoff(prec), kappa.kappa);
  }

  const std::string stored_note =
      std::string(prec == Precision::f32 ? "stored in float32 (every float32 is a double: " : "stored in float64 (") +
      (a.exact ? "written as the EXACT decimal expansion of each stored binary value, every digit: an exact-arithmetic "
                 "tool (mpmath, Mathematica, Maple) reading these decimals has the stored problem exactly, and a "
                 "double parser reads them back bit for bit)"
               : "written with %.17g: a double parser reads back the stored value bit for bit, but a decimal is not "
                 "the binary value (0.1 is not 1/10): an exact-arithmetic tool (mpmath, Mathematica, Maple) reading "
                 "these decimals solves a problem that differs from the stored one by up to ~1e-17 relative per "
                 "entry, so its 'exact' solution is off by about kappa * 1e-17; condbench export --exact writes the "
                 "exact decimal of every stored value)");
  const std::vector<std::string> head{"condbench export: case " + a.case_id, "precision " + ptext};
  auto comments = [&](std::vector<std::string> extra) {
    std::vector<std::string> c = head;
    c.insert(c.end(), extra.begin(), extra.end());
    return c;
  };
  mm::write_matrix_market((out / "A.mtx").string(), A, comments({"A: " + stored_note}), a.exact);
  mm::write_matrix_market((out / "b.mtx").string(), b, comments({"b: " + stored_note}), a.exact);
  const bool have_x_true = !p.x_true.is_empty();
  if (have_x_true)
    mm::write_matrix_market((out / "x_true.mtx").string(), p.x_true,
                            comments({"x_true as generated, in double (not rounded to the working precision); "
                                      "it solves the generated problem, not necessarily the stored one"}));
  const bool have_ref = !reference.x.empty();
  if (have_ref) {
    std::vector<std::string> vals;
    for (const auto& v : reference.x) vals.push_back(v.str(39, std::ios_base::scientific));
    mm::write_matrix_market_text(
        (out / "x_ref.mtx").string(), vals,
        comments({"x_ref: high-precision reference x* of the STORED problem, 40 significant digits (more than a "
                  "double holds: these are not stored values)",
                  fmt::format("ref_error {:.3g} (estimated relative 2-norm error), converged {}", reference.ref_error,
                              reference.converged ? "yes" : "no"),
                  "method: " + reference.method}));
  }

  // The run's own figures for this case, to compare with the recomputed ones.
  nlohmann::ordered_json in_run = nullptr;
  for (const auto& r : run.rows)
    if (r.case_id == a.case_id && r.precision == ptext) {
      in_run = {{"kappa", number_or_null(r.kappa)}, {"kappa_certified", r.kappa_certified},
                {"ref_error", number_or_null(r.ref_error)}, {"ref_converged", r.ref_converged}};
      break;
    }

  // A study that reruns the exported problem from the files (absolute paths).
  const std::string absA = fs::absolute(out / "A.mtx").lexically_normal().string();
  const std::string absb = fs::absolute(out / "b.mtx").lexically_normal().string();
  std::string solvers;
  for (const auto& s : study.solver_patterns) solvers += (solvers.empty() ? "" : ", ") + toml_string(s);
  std::ofstream(out / "study.toml") << fmt::format(
      "# Reruns case {} ({}) from the exported files: A and b exactly as stored in {}.\n"
      "[study]\nname = {}\nseeds = [1]\nprecisions = [\"{}\"]\nsolvers = [{}]\n\n"
      "[[problem]]\ngenerator = \"mtx\"\nfile = {}\nrhs = {}\nkind = \"{}\"\nn = {}\nm = {}\n",
      a.case_id, study_path, ptext, toml_string("export_" + safe_name(p.name)), ptext, solvers, toml_string(absA),
      toml_string(absb), to_string(p.kind), A.n_cols, A.n_rows);

  const std::string rerun = fmt::format("condbench run {} --case {} --precision {} --out DIR", shell_quote(study_path),
                                        shell_quote(a.case_id), ptext);
  nlohmann::ordered_json j;
  j["case_id"] = a.case_id;
  j["precision"] = ptext;
  j["generator"] = p.generator;
  j["problem"] = p.name;
  j["kind"] = to_string(p.kind);
  j["m"] = A.n_rows;
  j["n"] = A.n_cols;
  j["seed"] = seed;
  j["params"] = p.params;
  j["kappa_nominal"] = number_or_null(p.kappa_nominal);
  j["kappa"] = number_or_null(kappa.kappa);
  j["kappa_certified"] = kappa.certified;
  j["kappa_method"] = kappa.method;
  j["ref_error"] = have_ref ? number_or_null(reference.ref_error) : nullptr;
  j["ref_converged"] = reference.converged;
  j["ref_method"] = reference.method;
  j["ref_note"] = failure.empty() ? reference.note : failure;
  j["in_run"] = in_run;
  j["files"] = {{"A", "A.mtx"}, {"b", "b.mtx"}, {"x_true", have_x_true ? "x_true.mtx" : ""},
                {"x_ref", have_ref ? "x_ref.mtx" : ""}, {"study", "study.toml"}};
  j["values"] = a.exact ? "exact decimal expansion of every stored value" : "%.17g (bit exact through a double parser)";
  j["rerun"] = rerun;
  j["rerun_from_files"] = fmt::format("condbench run {} --out DIR", shell_quote(fs::absolute(out / "study.toml").string()));
  j["source_run"] = a.run_dir;
  std::ofstream(out / "case.json") << j.dump(2) << '\n';

  fmt::print("exported {} ({}, {}x{}, kappa {:.3g}{}, ref_error {:.2g}) to {}\n", a.case_id, ptext, A.n_rows, A.n_cols,
             kappa.kappa, kappa.certified ? "" : " not certified", reference.ref_error, out.string());
  fmt::print("rerun: {}\n", rerun);
  return 0;
}

Command make(CLI::App& app) {
  auto a = std::make_shared<ExportArgs>();
  auto* sub = app.add_subcommand("export",
                                 "write one case of a run as Matrix Market files (A, b as stored, x_true, reference x*) "
                                 "plus case.json");
  sub->add_option("run_dir", a->run_dir, "a run folder (run.json, results.csv)")->required();
  sub->add_option("case_id", a->case_id, "the case id (results.csv's case_id column)")->required();
  sub->add_option("--precision", a->precision, "f32 or f64 (default: f64 when the study ran it)");
  sub->add_option("-o,--out", a->out, "output folder (default RUN_DIR/export/CASE_PRECISION)");
  sub->add_flag("-f,--force", a->force, "overwrite a non-empty output folder");
  sub->add_flag("--exact", a->exact,
                "write A and b as the exact decimal expansion of each stored binary value (up to 767 digits), for "
                "exact-arithmetic checks in mpmath, Mathematica or Maple; default %.17g, exact only through a double "
                "parser");
  add_plugin_option(sub, a->plugins);
  return {sub, [a] { return do_export(*a); }};
}

}  // namespace
CONDBENCH_REGISTER_COMMAND(60, make);
}  // namespace condbench::cli
