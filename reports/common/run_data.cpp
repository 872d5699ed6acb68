#include "reports/common/run_data.hpp"

#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace condbench {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  cells.push_back(cur);
  return cells;
}

double to_double(const std::string& s, const std::string& where, const std::string& col) {
  if (s == "nan" || s.empty()) return std::nan("");
  if (s == "inf") return INFINITY;
  if (s == "-inf") return -INFINITY;
  try {
    std::size_t used = 0;
    double v = std::stod(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  throw InputError(where, fmt::format("column '{}': '{}' is not a number", col, s));
}

}  // namespace

std::vector<ResultRow> parse_results_csv(const std::string& text, const std::string& where) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) throw InputError(where, "empty results file (no header)");
  std::vector<std::string> header = split_csv_line(line);
  const auto& expected = result_columns();
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  for (const auto& c : expected)
    if (!col.count(c))
      throw InputError(where + ":1", fmt::format("results of another format: column '{}' is missing (this "
                                                 "condbench reads format {})",
                                                 c, kResultsFormatVersion));
  std::vector<ResultRow> rows;
  int lineno = 1;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    std::string at = fmt::format("{}:{}", where, lineno);
    std::vector<std::string> f = split_csv_line(line);
    if (f.size() != header.size())
      throw InputError(at, fmt::format("{} fields, expected {} (half-written or corrupt row)", f.size(),
                                       header.size()));
    auto s = [&](const char* name) -> const std::string& { return f[col.at(name)]; };
    auto d = [&](const char* name) { return to_double(s(name), at, name); };
    auto i = [&](const char* name) { return static_cast<long long>(d(name)); };
    ResultRow r;
    r.case_id = s("case_id");
    r.generator = s("generator");
    r.problem = s("problem");
    r.kind = s("kind");
    r.m = static_cast<int>(i("m"));
    r.n = static_cast<int>(i("n"));
    r.seed = static_cast<std::uint64_t>(i("seed"));
    r.precision = s("precision");
    r.solver = s("solver");
    r.status = s("status");
    if (r.status != "ok" && r.status != "failed" && r.status != "skipped")
      throw InputError(at, fmt::format("status '{}' is not ok/failed/skipped", r.status));
    r.reason = s("reason");
    r.kappa_nominal = d("kappa_nominal");
    r.kappa = d("kappa");
    r.kappa_certified = s("kappa_certified") == "true";
    r.forward_error = d("forward_error");
    r.forward_error_inf = d("forward_error_inf");
    r.backward_error = d("backward_error");
    r.componentwise_backward_error = d("componentwise_backward_error");
    r.residual_ratio = d("residual_ratio");
    r.ls_residual_ratio = d("ls_residual_ratio");
    r.error_vs_true = d("error_vs_true");
    r.residual_norm = d("residual_norm");
    r.ref_error = d("ref_error");
    r.ref_converged = s("ref_converged") == "true";
    r.iterations = static_cast<int>(i("iterations"));
    r.fallback = s("fallback") == "true";
    r.note = s("note");
    r.time_s = d("time_s");
    r.factor_s = d("factor_s");
    r.solve_s = d("solve_s");
    r.transfer_s = d("transfer_s");
    r.time_spread = d("time_spread");
    r.repetitions = static_cast<int>(i("repetitions"));
    r.ref_time_s = d("ref_time_s");
    r.kappa_time_s = d("kappa_time_s");
    rows.push_back(std::move(r));
  }
  return rows;
}

RunData load_run(const std::string& dir) {
  fs::path d(dir);
  if (!fs::is_directory(d)) throw InputError(dir, "no such run folder");
  fs::path meta = d / "run.json";
  fs::path csv = d / "results.csv";
  if (!fs::exists(meta)) throw InputError(dir, "not a run folder: run.json is missing (was it made by condbench run?)");
  if (!fs::exists(csv)) throw InputError(dir, "not a run folder: results.csv is missing");
  RunData r;
  r.dir = dir;
  try {
    std::ifstream in(meta);
    r.meta = nlohmann::ordered_json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(meta.string(), std::string("half-written or corrupt JSON: ") + e.what());
  }
  if (!r.meta.contains("format_version") || r.meta["format_version"] != kResultsFormatVersion)
    throw InputError(meta.string(), fmt::format("results of format {} (this condbench reads format {}); rerun "
                                                "the study with this condbench",
                                                r.meta.value("format_version", nlohmann::json(0)).dump(),
                                                kResultsFormatVersion));
  std::ifstream in(csv);
  std::stringstream ss;
  ss << in.rdbuf();
  r.rows = parse_results_csv(ss.str(), csv.string());
  return r;
}

}  // namespace condbench
