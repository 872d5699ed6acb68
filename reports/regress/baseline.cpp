#include "reports/regress/baseline.hpp"

#include "studies/runner/context.hpp"
#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace condbench::regress {
namespace {

using ojson = nlohmann::ordered_json;

// Three significant digits: enough for a tolerance measured in factors of 3, few
// enough that a regenerated baseline diffs only where accuracy moved.
double round3(double x) {
  if (!std::isfinite(x) || x == 0) return x;
  return std::stod(fmt::format("{:.3g}", x));
}

ojson stat_json(const LogStat& s) {
  if (s.count == 0) return nullptr;
  ojson j;
  j["median"] = round3(std::pow(10.0, s.center));
  j["min"] = round3(std::pow(10.0, s.min));
  j["max"] = round3(std::pow(10.0, s.max));
  j["sd_decades"] = round3(s.sd);
  return j;
}

ojson group_json(const GroupSummary& g) {
  ojson j;
  j["solver"] = g.key.solver;
  j["precision"] = g.key.precision;
  j["family"] = g.key.family;
  j["kappa_range"] = g.key.kappa_range;
  j["m"] = g.m;
  j["n"] = g.n;
  j["ok"] = g.ok;
  j["failed"] = g.failed;
  j["skipped"] = g.skipped;
  j["kappa"] = g.kappa.count ? ojson(round3(std::pow(10.0, g.kappa.center))) : ojson(nullptr);
  j["max_forward_error"] = g.ok ? ojson(round3(g.max_forward_error)) : ojson(nullptr);
  j["fe_u_kappa"] = stat_json(g.fe);
  j["be_u"] = stat_json(g.be);
  j["reason"] = g.reason;
  return j;
}

// Accessors that turn a malformed file into an InputError naming the place.
struct Reader {
  std::string where;
  const ojson& at(const ojson& j, const char* key) const {
    if (!j.is_object() || !j.contains(key)) throw InputError(where, fmt::format("key '{}' is missing", key));
    return j[key];
  }
  std::string str(const ojson& j, const char* key) const {
    const ojson& v = at(j, key);
    if (!v.is_string()) throw InputError(where, fmt::format("'{}' must be a string", key));
    return v.get<std::string>();
  }
  int integer(const ojson& j, const char* key) const {
    const ojson& v = at(j, key);
    if (!v.is_number_integer() || v.get<int>() < 0)
      throw InputError(where, fmt::format("'{}' must be a non-negative integer", key));
    return v.get<int>();
  }
  double positive(const ojson& j, const char* key) const {
    const ojson& v = at(j, key);
    if (!v.is_number() || !(v.get<double>() > 0))
      throw InputError(where, fmt::format("'{}' must be a positive number", key));
    return v.get<double>();
  }
  LogStat stat(const ojson& j, const char* key, int count) const {
    const ojson& v = at(j, key);
    LogStat s;
    if (v.is_null()) {
      if (count) throw InputError(where, fmt::format("'{}' is null but ok = {}", key, count));
      return s;
    }
    Reader inner{where + "." + key};
    s.count = count;
    s.center = std::log10(inner.positive(v, "median"));
    s.min = std::log10(inner.positive(v, "min"));
    s.max = std::log10(inner.positive(v, "max"));
    const ojson& sd = inner.at(v, "sd_decades");
    if (!sd.is_number() || sd.get<double>() < 0) throw InputError(where, "'sd_decades' must be >= 0");
    s.sd = sd.get<double>();
    return s;
  }
};

GroupSummary parse_group(const ojson& j, const std::string& where) {
  Reader r{where};
  GroupSummary g;
  g.key = {r.str(j, "solver"), r.str(j, "precision"), r.str(j, "family"), r.str(j, "kappa_range")};
  g.m = r.integer(j, "m");
  g.n = r.integer(j, "n");
  g.u = unit_roundoff_of(g.key.precision);
  g.ok = r.integer(j, "ok");
  g.failed = r.integer(j, "failed");
  g.skipped = r.integer(j, "skipped");
  if (g.ok) {
    g.kappa.count = g.ok;
    g.kappa.center = std::log10(r.positive(j, "kappa"));
    g.max_forward_error = r.positive(j, "max_forward_error");
  }
  g.fe = r.stat(j, "fe_u_kappa", g.ok);
  g.be = r.stat(j, "be_u", g.ok);
  g.reason = r.str(j, "reason");
  return g;
}

std::string seeds_text(const std::set<std::uint64_t>& seeds) {
  std::string s;
  for (auto x : seeds) {
    if (!s.empty()) s += ',';
    s += std::to_string(x);
  }
  return s;
}

}  // namespace

std::string spread_key(const std::string& solver, const std::string& precision) { return solver + " " + precision; }

std::map<std::string, Spread> pooled_spread(const std::map<GroupKey, GroupSummary>& groups,
                                            const ToleranceModel& tolerance) {
  struct Acc {
    double fe = 0, be = 0;
    int dof = 0, groups = 0, failed = 0, runs = 0;
  };
  std::map<std::string, Acc> acc;
  for (const auto& [key, g] : groups) {
    Acc& a = acc[spread_key(key.solver, key.precision)];
    if (g.ok > 0) {
      a.failed += g.failed;
      a.runs += g.ok + g.failed;
    }
    if (g.fe.count < 2 || g.max_forward_error >= tolerance.saturation) continue;
    a.fe += (g.fe.count - 1) * g.fe.sd * g.fe.sd;
    a.be += (g.be.count - 1) * g.be.sd * g.be.sd;
    a.dof += g.fe.count - 1;
    ++a.groups;
  }
  std::map<std::string, Spread> out;
  for (const auto& [key, a] : acc) {
    Spread s;
    if (a.dof > 0) s = Spread{std::sqrt(a.fe / a.dof), std::sqrt(a.be / a.dof), a.groups};
    s.failure_rate = a.runs ? static_cast<double>(a.failed) / a.runs : 0;
    out[key] = s;
  }
  return out;
}

Baseline make_baseline(const std::vector<RunData>& runs, const std::string& command, const ToleranceModel& tolerance) {
  if (runs.empty()) throw InputError("baseline", "no run folder given");
  const RunData& first = runs.front();
  auto block = [](const RunData& r, const char* key) { return r.meta.value(key, ojson::object()); };
  std::vector<ResultRow> rows;
  std::set<std::uint64_t> seeds;
  ojson sources = ojson::array();
  for (const RunData& run : runs) {
    std::string status = run.meta.value("status", std::string("unknown"));
    if (status != "complete")
      throw InputError(run.dir, fmt::format("run is '{}', not complete: a baseline needs every row", status));
    std::string name = block(run, "study").value("name", std::string());
    std::string first_name = block(first, "study").value("name", std::string());
    if (name != first_name)
      throw InputError(run.dir, fmt::format("run of study '{}', but {} is of study '{}': a baseline is of one study",
                                            name, first.dir, first_name));
    std::set<std::uint64_t> run_seeds;
    for (const ResultRow& r : run.rows) run_seeds.insert(r.seed);
    for (auto s : run_seeds)
      if (seeds.count(s))
        throw InputError(run.dir, fmt::format("seed {} is also in an earlier run: runs must have other seeds", s));
    seeds.insert(run_seeds.begin(), run_seeds.end());
    rows.insert(rows.end(), run.rows.begin(), run.rows.end());
    ojson src;
    src["dir"] = run.dir;
    src["start_time"] = run.meta.value("start_time", ojson(nullptr));
    src["git_commit"] = block(run, "context").value("git_commit", ojson(nullptr));
    src["seeds"] = seeds_text(run_seeds);
    sources.push_back(src);
  }
  if (rows.empty()) throw InputError(first.dir, "the run has no rows");

  Baseline b;
  b.created["time"] = now_iso8601();
  b.created["command"] = command;
  b.created["condbench_version"] = condbench_version();
  b.created["runs"] = sources;
  const ojson st = block(first, "study");
  b.study["name"] = st.value("name", std::string());
  b.study["path"] = st.value("path", std::string());
  b.study["description"] = st.value("description", std::string());
  b.study["seeds"] = std::vector<std::uint64_t>(seeds.begin(), seeds.end());
  b.study["text"] = st.value("text", std::string());
  b.context = block(first, "context");
  b.tolerance = tolerance;
  for (auto& [key, g] : summarize_groups(rows))
    if (g.ok + g.failed > 0) b.groups.emplace(key, g);
  b.spread = pooled_spread(b.groups, b.tolerance);
  return b;
}

std::string baseline_to_text(const Baseline& b) {
  auto indent = [](const std::string& s, int n) {
    std::string pad(n, ' '), out;
    for (char c : s) out += c == '\n' ? "\n" + pad : std::string(1, c);
    return out;
  };
  ojson spread = ojson::object();
  for (const auto& [key, s] : b.spread)
    spread[key] = {{"forward", round3(s.forward)},
                   {"backward", round3(s.backward)},
                   {"groups", s.groups},
                   {"sporadic_failure_rate", round3(s.failure_rate)}};
  std::string out = "{\n";
  out += fmt::format("  \"format\": {},\n", ojson(kBaselineFormat).dump());
  out += fmt::format("  \"format_version\": {},\n", kBaselineFormatVersion);
  out += fmt::format("  \"created\": {},\n", indent(b.created.dump(2), 2));
  out += fmt::format("  \"study\": {},\n", indent(b.study.dump(2), 2));
  out += fmt::format("  \"context\": {},\n", indent(b.context.dump(2), 2));
  out += fmt::format("  \"tolerance\": {},\n", indent(to_json(b.tolerance).dump(2), 2));
  out += fmt::format("  \"seed_spread\": {},\n", indent(spread.dump(2), 2));
  out += "  \"groups\": [";
  bool first = true;
  for (const auto& [key, g] : b.groups) {
    out += (first ? "\n    " : ",\n    ") + group_json(g).dump();
    first = false;
  }
  out += "\n  ]\n}\n";
  return out;
}

Baseline parse_baseline(const std::string& text, const std::string& where) {
  ojson j;
  try {
    j = ojson::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where, std::string("not a baseline (invalid JSON): ") + e.what());
  }
  Reader r{where};
  if (!j.is_object() || j.value("format", std::string()) != kBaselineFormat)
    throw InputError(where, fmt::format("not a condbench baseline (\"format\" is not \"{}\")", kBaselineFormat));
  if (r.at(j, "format_version") != kBaselineFormatVersion)
    throw InputError(where, fmt::format("baseline format {} (this condbench reads {}); regenerate it with "
                                        "condbench baseline",
                                        j["format_version"].dump(), kBaselineFormatVersion));
  Baseline b;
  b.created = r.at(j, "created");
  b.study = r.at(j, "study");
  b.context = r.at(j, "context");
  if (!b.study.is_object() || !b.context.is_object()) throw InputError(where, "'study' and 'context' must be objects");
  b.tolerance = tolerance_from_json(r.at(j, "tolerance"), where);
  const ojson& groups = r.at(j, "groups");
  if (!groups.is_array()) throw InputError(where, "'groups' must be an array");
  for (std::size_t i = 0; i < groups.size(); ++i) {
    GroupSummary g = parse_group(groups[i], fmt::format("{}: groups[{}]", where, i));
    if (!b.groups.emplace(g.key, g).second)
      throw InputError(where, fmt::format("groups[{}] repeats {} {} {} {}", i, g.key.solver, g.key.precision,
                                          g.key.family, g.key.kappa_range));
  }
  // The spread is recomputed from the groups rather than trusted from the file.
  b.spread = pooled_spread(b.groups, b.tolerance);
  return b;
}

Baseline load_baseline(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot read the baseline file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_baseline(ss.str(), path);
}

}  // namespace condbench::regress
