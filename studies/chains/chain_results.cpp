#include "studies/chains/chain_results.hpp"

#include "studies/runner/csv.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/results.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>

namespace condbench::chains {

const std::vector<std::string>& chain_result_columns() {
  static const std::vector<std::string> cols{
      "task",       "case_id",     "seed",      "width",  "layers",     "depth", "layer",     "init",      "scale",
      "activation", "residual",    "precision", "method", "quantity",   "value", "reference", "rel_error", "theory",
      "theory_sd",  "theory_note", "status",    "reason", "ref_method", "note",  "time_s",    "ref_time_s"};
  return cols;
}

std::string format_chain_row(const ChainRow& r) {
  auto d = format_double;
  auto i = [](auto x) { return std::to_string(x); };
  return csv::join({r.task,
                    r.case_id,
                    i(r.seed),
                    i(r.width),
                    i(r.layers),
                    i(r.depth),
                    i(r.layer),
                    r.init,
                    d(r.scale),
                    r.activation,
                    r.residual ? "true" : "false",
                    r.precision,
                    r.method,
                    r.quantity,
                    d(r.value),
                    d(r.reference),
                    d(r.rel_error),
                    d(r.theory),
                    d(r.theory_sd),
                    r.theory_note,
                    r.status,
                    r.reason,
                    r.ref_method,
                    r.note,
                    d(r.time_s),
                    d(r.ref_time_s)});
}

double relative_error(double value, double reference) {
  if (std::isnan(value) || std::isnan(reference)) return NAN;
  if (value == reference) return 0;
  if (std::isinf(reference) || reference == 0) return INFINITY;
  return std::fabs(value - reference) / std::fabs(reference);
}

bool is_chain_results_header(const std::string& first_line) {
  std::string s = first_line;
  if (s.rfind("\xEF\xBB\xBF", 0) == 0) s.erase(0, 3);  // a byte order mark
  return s.rfind("task,", 0) == 0 || s == "task";
}

namespace {

double number(const std::string& s, const std::string& at, const char* col) {
  if (s == "nan" || s == "NaN" || s.empty()) return NAN;
  if (s == "inf" || s == "Infinity") return INFINITY;
  if (s == "-inf" || s == "-Infinity") return -INFINITY;
  try {
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  throw InputError(at, fmt::format("column '{}': '{}' is not a number", col, s));
}

long long integer(const std::string& s, const std::string& at, const char* col) {
  const double v = number(s, at, col);
  if (!std::isfinite(v) || v != std::floor(v))
    throw InputError(at, fmt::format("column '{}': '{}' is not an integer", col, s));
  return static_cast<long long>(v);
}

}  // namespace

std::vector<ChainRow> parse_chain_results(const std::string& text, const std::string& where) {
  std::vector<csv::Record> records = csv::parse(text, where);
  if (records.empty()) throw InputError(where, "empty results file (no header)");
  const std::vector<std::string>& header = records[0].fields;
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  for (const auto& c : chain_result_columns())
    if (!col.count(c))
      throw InputError(where + ":1", fmt::format("not a chain results file: column '{}' is missing", c));
  std::vector<ChainRow> rows;
  for (std::size_t k = 1; k < records.size(); ++k) {
    const std::vector<std::string>& f = records[k].fields;
    const std::string at = fmt::format("{}:{}", where, records[k].line);
    if (f.size() != header.size())
      throw InputError(at, fmt::format("{} fields, expected {} as in the header (half-written or corrupt row)",
                                       f.size(), header.size()));
    auto s = [&](const char* name) -> const std::string& { return f[col.at(name)]; };
    auto d = [&](const char* name) { return number(s(name), at, name); };
    auto i = [&](const char* name) { return integer(s(name), at, name); };
    ChainRow r;
    r.task = s("task");
    if (r.task != "chain") throw InputError(at, fmt::format("column 'task': '{}' is not chain", r.task));
    r.case_id = s("case_id");
    r.seed = static_cast<std::uint64_t>(i("seed"));
    r.width = static_cast<int>(i("width"));
    r.layers = static_cast<int>(i("layers"));
    r.depth = static_cast<int>(i("depth"));
    r.layer = static_cast<int>(i("layer"));
    r.init = s("init");
    r.scale = d("scale");
    r.activation = s("activation");
    r.residual = s("residual") == "true";
    r.precision = s("precision");
    r.method = s("method");
    r.quantity = s("quantity");
    r.value = d("value");
    r.reference = d("reference");
    r.rel_error = d("rel_error");
    r.theory = d("theory");
    r.theory_sd = d("theory_sd");
    r.theory_note = s("theory_note");
    r.status = s("status");
    if (r.status != "ok" && r.status != "failed" && r.status != "skipped")
      throw InputError(at, fmt::format("column 'status': '{}' is not ok, failed or skipped", r.status));
    r.reason = s("reason");
    r.ref_method = s("ref_method");
    r.note = s("note");
    r.time_s = d("time_s");
    r.ref_time_s = d("ref_time_s");
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace condbench::chains
