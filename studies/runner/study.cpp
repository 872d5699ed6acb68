#include "studies/runner/study.hpp"

#include "studies/generators/grammar.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/run_folder.hpp"
#include "studies/runner/study_plugins.hpp"
#include "studies/runner/worker_table.hpp"
#include "studies/runner/stacks.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <set>

namespace condbench {
namespace {

std::string at(const std::string& path, const toml::source_region& src) {
  if (!src.begin) return path;
  return fmt::format("{}:{}:{}", path, src.begin.line, src.begin.column);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// One scalar TOML value as a generator parameter.
ParamValue scalar(const toml::node& node, const std::string& where, const std::string& key) {
  if (auto v = node.as_integer()) return static_cast<double>(v->get());
  if (auto v = node.as_floating_point()) return v->get();
  if (auto v = node.as_string()) return v->get();
  if (auto v = node.as_boolean()) return v->get();
  throw InputError(where, fmt::format("'{}' must be a number, string or boolean (or a list of them)", key));
}

// kappa = { from = 1, to = 1e16, per_decade = 1 }: logarithmically spaced values.
std::vector<ParamValue> log_range(const toml::table& t, const std::string& where, const std::string& key) {
  for (const auto& [k, _] : t) {
    std::string name(k.str());
    if (name != "from" && name != "to" && name != "per_decade")
      throw InputError(where, fmt::format("'{}': unknown key '{}' in a range (use from, to, per_decade)", key, name));
  }
  auto from = t["from"].value<double>();
  auto to = t["to"].value<double>();
  double per = t["per_decade"].value<double>().value_or(1.0);
  if (!from || !to) throw InputError(where, fmt::format("'{}': a range needs numbers 'from' and 'to'", key));
  if (!(*from > 0) || !(*to >= *from) || !(per > 0) || per != std::floor(per))
    throw InputError(where, fmt::format("'{}': range needs 0 < from <= to and a positive integer per_decade "
                                        "(got from = {}, to = {}, per_decade = {})",
                                        key, *from, *to, per));
  std::vector<ParamValue> out;
  int steps = static_cast<int>(std::lround(std::log10(*to / *from) * per));
  if (steps > 10000) throw InputError(where, fmt::format("'{}': range has {} points (more than 10000)", key, steps));
  for (int i = 0; i <= steps; ++i) {
    double v = *from * std::pow(10.0, i / per);
    out.emplace_back(std::stod(fmt::format("{:.15g}", v)));  // 1e+10, not 9.9999999999e9
  }
  return out;
}

std::vector<ParamValue> values_of(const toml::node& node, const std::string& where, const std::string& key) {
  if (auto arr = node.as_array()) {
    if (arr->empty()) throw InputError(where, fmt::format("'{}' is an empty list", key));
    std::vector<ParamValue> out;
    for (const auto& el : *arr) out.push_back(scalar(el, at(where, el.source()), key));
    return out;
  }
  if (auto t = node.as_table()) return log_range(*t, where, key);
  return {scalar(node, where, key)};
}

std::vector<int> sizes_of(const toml::node& node, const std::string& where, const std::string& key) {
  std::vector<int> out;
  for (const ParamValue& v : values_of(node, where, key)) {
    const double* d = std::get_if<double>(&v);
    if (!d || *d != std::floor(*d))
      throw InputError(where, fmt::format("'{}' must be a positive integer (got {})", key, format_param(v)));
    if (*d <= 0 || *d > 1e6)
      throw InputError(where, fmt::format("'{}' = {} is impossible: sizes must be between 1 and 1e6", key, *d));
    out.push_back(static_cast<int>(*d));
  }
  return out;
}

std::vector<std::string> strings_of(const toml::node& node, const std::string& where, const std::string& key) {
  std::vector<std::string> out;
  for (const ParamValue& v : values_of(node, where, key)) {
    const std::string* s = std::get_if<std::string>(&v);
    if (!s) throw InputError(where, fmt::format("'{}' must be a list of strings (got {})", key, format_param(v)));
    out.push_back(*s);
  }
  return out;
}

// reference = true / false (false: timing-only rows, docs/reference-and-kappa.md).
bool reference_flag(const toml::node& node, const std::string& where) {
  if (auto b = node.as_boolean()) return b->get();
  throw InputError(where, "'reference' must be true or false (false: timing-only, no reference and no kappa)");
}

void parse_header(const toml::table& doc, const std::string& path, Study& s) {
  const toml::table* st = doc["study"].as_table();
  if (!st) throw InputError(path, "missing [study] table (with name, seeds, precisions, solvers)");
  std::string where = at(path, st->source());
  static const std::set<std::string> known{"name",   "description", "seeds",      "precisions",   "solvers",
                                           "repetitions", "warmup", "threads", "jobs",  "isolate",
                                           "time_limit",  "skipped_rows", "plugins", "reference"};
  for (const auto& [k, v] : *st) {
    if (!known.count(std::string(k.str())))
      throw InputError(at(path, v.source()), fmt::format("[study]: unknown key '{}' (known: {})", k.str(),
                                                         join({known.begin(), known.end()})));
  }
  s.name = (*st)["name"].value<std::string>().value_or("");
  if (s.name.empty()) throw InputError(where, "[study] needs a non-empty 'name'");
  s.description = (*st)["description"].value<std::string>().value_or("");

  const toml::node* seeds = st->get("seeds");
  if (!seeds) throw InputError(where, "[study] needs 'seeds', e.g. seeds = [1, 2, 3]");
  for (const ParamValue& v : values_of(*seeds, at(path, seeds->source()), "seeds")) {
    const double* d = std::get_if<double>(&v);
    if (!d || *d < 0 || *d != std::floor(*d) || *d > 9007199254740992.0)
      throw InputError(at(path, seeds->source()), fmt::format("seeds must be non-negative integers (got {})",
                                                              format_param(v)));
    s.seeds.push_back(static_cast<std::uint64_t>(*d));
  }

  const toml::node* precs = st->get("precisions");
  if (!precs) throw InputError(where, "[study] needs 'precisions', e.g. precisions = [\"f32\", \"f64\"]");
  for (const std::string& p : strings_of(*precs, at(path, precs->source()), "precisions")) {
    Precision pr;
    if (!parse_precision(p, pr))
      throw InputError(at(path, precs->source()), fmt::format("unknown precision '{}' (known: f32, f64)", p));
    s.precisions.push_back(pr);
  }

  if (const toml::node* plugins = st->get("plugins"))  // before the solver names: they may come from these
    load_study_plugins(strings_of(*plugins, at(path, plugins->source()), "plugins"), s.base_dir,
                       at(path, plugins->source()));
  const toml::node* solvers = st->get("solvers");
  if (!solvers) throw InputError(where, "[study] needs 'solvers', e.g. solvers = [\"lapack.*\"] or [\"*\"]");
  std::string swhere = at(path, solvers->source());
  std::set<std::string> seen;
  for (const std::string& pat : strings_of(*solvers, swhere, "solvers")) {
    std::vector<const Solver*> hits;
    try {
      hits = match_solvers(pat, s);
    } catch (const std::invalid_argument& e) {
      // A family's message already starts with the name ("'ir.lu:uf=fp8': uf=fp8: expected ..."): once is enough.
      const std::string named = "'" + pat + "': ", what = e.what();
      throw InputError(swhere, "solver " + (what.rfind(named, 0) == 0 ? what : named + what));
    }
    if (hits.empty())
      throw InputError(swhere, fmt::format("unknown solver '{}' (known: {}; or 'backend.*', '*'; a plugin's "
                                           "solvers need --plugin FILE or [study] plugins)", pat,
                                           join(SolverRegistry::instance().names())));
    s.solver_patterns.push_back(pat);
    for (const Solver* h : hits)
      if (seen.insert(h->info().name).second) s.solvers.push_back(h);
  }

  auto count = [&](const char* key, int lo, int& out) {
    if (const toml::node* n = st->get(key)) {
      auto v = n->value<std::int64_t>();
      if (!v || *v < lo || *v > 1000)
        throw InputError(at(path, n->source()), fmt::format("'{}' must be an integer from {} to 1000", key, lo));
      out = static_cast<int>(*v);
    }
  };
  count("repetitions", 1, s.repetitions);
  count("warmup", 0, s.warmup);
  count("threads", 0, s.threads);
  count("jobs", 1, s.jobs);
  auto flag = [&](const char* key, bool& out) {
    if (const toml::node* n = st->get(key)) {
      auto v = n->value<bool>();
      if (!v) throw InputError(at(path, n->source()), fmt::format("'{}' must be true or false", key));
      out = *v;
    }
  };
  flag("isolate", s.isolate);
  flag("skipped_rows", s.skipped_rows);
  if (const toml::node* n = st->get("time_limit")) {
    auto v = n->value<double>();
    if (!v || !(*v >= 0) || *v > 1e7)
      throw InputError(at(path, n->source()), "'time_limit' must be a number of seconds >= 0 (0: no limit)");
    s.time_limit_s = *v;
  }
  if (const toml::node* r = st->get("reference")) s.reference = reference_flag(*r, at(path, r->source()));
}

void expand_problem(const toml::table& t, const std::string& path, int index, Study& s) {
  std::string where = at(path, t.source());
  bool reference = s.reference;
  if (const toml::node* r = t.get("reference")) reference = reference_flag(*r, at(path, r->source()));
  std::string label = fmt::format("[[problem]] #{}", index + 1);
  auto gname = t["generator"].value<std::string>();
  ParamMap named;  // name = "svd_geo_ufl": the generator and parameters from the name grammar (grammar.hpp)
  if (auto pname = t["name"].value<std::string>()) {
    std::string nwhere = at(path, t["name"].node()->source());
    if (gname) throw InputError(nwhere, label + ": give 'generator' or 'name', not both");
    try {
      ParsedName pn = parse_problem_name(*pname);
      gname = pn.generator;
      named = pn.params;
    } catch (const ProblemNameError& e) {
      throw InputError(nwhere, label + ": " + e.what());
    }
    for (const auto& [k, v] : t)
      if (named.count(std::string(k.str())))
        throw InputError(at(path, v.source()), fmt::format("{}: '{}' is already set by name = \"{}\"", label,
                                                           k.str(), *pname));
  }
  if (!gname) throw InputError(where, label + " needs 'generator' or 'name' (known generators: " +
                                          join(GeneratorRegistry::instance().names()) + ")");
  const Generator* gen = GeneratorRegistry::instance().find(*gname);
  if (!gen)
    throw InputError(at(path, t["generator"].node()->source()),
                     fmt::format("unknown generator '{}' (known: {})", *gname, join(GeneratorRegistry::instance().names())));
  const toml::node* nnode = t.get("n");
  if (!nnode) throw InputError(where, label + " needs 'n' (a size or a list of sizes)");
  std::vector<int> ns = sizes_of(*nnode, at(path, nnode->source()), "n");
  std::vector<int> ms;
  if (const toml::node* mnode = t.get("m")) ms = sizes_of(*mnode, at(path, mnode->source()), "m");

  // Sweep keys in file order of appearance is not kept by toml++ (sorted map): sorted order it is.
  std::vector<std::pair<std::string, std::vector<ParamValue>>> axes;
  std::map<std::string, std::string> key_where;
  for (const auto& [k, v] : t) {
    std::string key(k.str());
    if (key == "generator" || key == "name" || key == "n" || key == "m" || key == "reference") continue;
    key_where[key] = at(path, v.source());
    axes.emplace_back(key, values_of(v, key_where[key], key));
  }

  std::vector<ParamMap> combos{named};
  for (const auto& [key, vals] : axes) {
    std::vector<ParamMap> next;
    for (const ParamMap& c : combos)
      for (const ParamValue& v : vals) {
        ParamMap d = c;
        d[key] = v;
        next.push_back(std::move(d));
      }
    combos = std::move(next);
  }

  auto fail = [&](const ParamError& err, const ParamMap& params, const std::string& shape) {
    std::string w = key_where.count(err.key) ? key_where[err.key] : where;
    std::string val;
    if (auto it = params.find(err.key); it != params.end()) val = " = " + format_param(it->second);
    return InputError(w, fmt::format("{} ({}{}): {}{}: {}", label, *gname, shape, err.key, val, err.message));
  };
  for (const ParamMap& params : combos)
    for (int n : ns) {
      std::vector<int> mlist = ms;
      if (mlist.empty()) {
        // default_m may need valid parameters (the kind): a ParamError here is the user's too.
        try {
          mlist.push_back(gen->default_m(params, n));
        } catch (const ParamError& err) {
          throw fail(err, params, fmt::format(" n={}", n));
        }
      }
      for (int m : mlist) {
        if (auto err = gen->validate(params, m, n)) throw fail(*err, params, fmt::format(" {}x{}", m, n));
        s.problems.push_back(ProblemSpec{gen, params, m, n, where, reference});
      }
    }
}

}  // namespace

Study parse_study(const std::string& text, const std::string& path, const std::string& base_dir) {
  toml::table doc;
  try {
    doc = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw InputError(at(path, e.source()), fmt::format("malformed TOML: {}", e.description()));
  }
  for (const auto& [k, v] : doc) {
    std::string key(k.str());
    if (key == "chain")  // layer-chain studies (issue 14) have their own parser: studies/chains
      throw InputError(at(path, v.source()), "[[chain]] tables make a layer-chain study, which condbench run and "
                                             "report handle (docs/chains.md); this command reads [[problem]] studies");
    if (key != "study" && key != "problem" && key != "worker" && key != "stack")
      throw InputError(at(path, v.source()), fmt::format("unknown top-level key '{}' (expected [study], "
                                                         "[[problem]], [[worker]] and [[stack]] tables)", key));
  }
  Study s;
  s.path = path;
  s.text = text;
  s.base_dir = base_dir.empty() ? std::filesystem::path(path).parent_path().string() : base_dir;
  start_declared_workers(doc, path, s.base_dir);  // their solvers are registered before the names are resolved
  parse_stacks(doc, path, s);  // before the solvers: lapack.lu@netlib names a stack
  parse_header(doc, path, s);
  const toml::array* probs = doc["problem"].as_array();
  if (!probs || probs->empty())
    throw InputError(path, "no [[problem]] tables: a study needs at least one problem");
  int i = 0;
  for (const auto& p : *probs) {
    const toml::table* t = p.as_table();
    if (!t) throw InputError(at(path, p.source()), "'problem' must be an array of tables ([[problem]])");
    expand_problem(*t, path, i++, s);
  }
  if (s.case_count() == 0) throw InputError(path, "the study expands to no cases");
  return s;
}

Study load_study(const std::string& path) { return parse_study(read_text_file(path, "cannot open study file"), path); }

}  // namespace condbench
