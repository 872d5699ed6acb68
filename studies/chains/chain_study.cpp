#include "studies/chains/chain_study.hpp"

#include "studies/chains/methods.hpp"
#include "studies/generators/params.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/run_folder.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace condbench::chains {
namespace {

constexpr int kMaxWidth = 4096;
constexpr int kMaxDepth = 100000;

std::string at(const std::string& path, const toml::source_region& src) {
  if (!src.begin) return path;
  return fmt::format("{}:{}:{}", path, src.begin.line, src.begin.column);
}

std::string at(const std::string& path, const toml::node& n) { return at(path, n.source()); }

std::string join(const std::vector<std::string>& v) { return join_names(v); }

std::string show(const toml::node& n) {
  if (auto v = n.as_string()) return '"' + v->get() + '"';
  if (auto v = n.as_integer()) return std::to_string(v->get());
  if (auto v = n.as_floating_point()) return fmt::format("{}", v->get());
  if (auto v = n.as_boolean()) return v->get() ? "true" : "false";
  if (n.is_table()) return "{...}";
  if (n.is_array()) return "[...]";
  return "a value of another type";
}

// The elements of a scalar or a list.
std::vector<const toml::node*> elements(const toml::node& n, const std::string& where, const std::string& key) {
  std::vector<const toml::node*> out;
  if (const toml::array* a = n.as_array()) {
    if (a->empty()) throw InputError(where, fmt::format("'{}' is an empty list", key));
    for (const toml::node& e : *a) out.push_back(&e);
  } else {
    out.push_back(&n);
  }
  return out;
}

// An integer in [lo, hi]: a TOML integer, or a float with an integral value.
long long integer_in(const toml::node& n, const std::string& path, const std::string& key, long long lo, long long hi,
                     const std::string& what) {
  double v = NAN;
  if (auto i = n.as_integer()) v = static_cast<double>(i->get());
  if (auto f = n.as_floating_point()) v = f->get();
  if (!(v == std::floor(v)) || v < static_cast<double>(lo) || v > static_cast<double>(hi))
    throw InputError(at(path, n), fmt::format("'{}' = {} is impossible: {} must be integers from {} to {}", key,
                                              show(n), what, lo, hi));
  return static_cast<long long>(v);
}

// A list of integers, one integer, or { from = a, to = b [, step = s] } (inclusive).
std::vector<long long> integers(const toml::node& n, const std::string& path, const std::string& key, long long lo,
                                long long hi, const std::string& what) {
  std::vector<long long> out;
  if (const toml::table* t = n.as_table()) {
    for (const auto& [k, v] : *t)
      if (k.str() != "from" && k.str() != "to" && k.str() != "step")
        throw InputError(at(path, v),
                         fmt::format("'{}': unknown key '{}' in a range (use from, to, step)", key, k.str()));
    const toml::node* from = t->get("from");
    const toml::node* to = t->get("to");
    if (!from || !to) throw InputError(at(path, n), fmt::format("'{}': a range needs 'from' and 'to'", key));
    const long long a = integer_in(*from, path, key, lo, hi, what), b = integer_in(*to, path, key, lo, hi, what);
    long long step = 1;
    if (const toml::node* s = t->get("step")) step = integer_in(*s, path, key + ".step", 1, hi, "steps");
    if (b < a) throw InputError(at(path, n), fmt::format("'{}': range from {} to {} is empty", key, a, b));
    if ((b - a) / step > 100000)
      throw InputError(at(path, n), fmt::format("'{}': range has more than 100000 values", key));
    for (long long x = a; x <= b; x += step) out.push_back(x);
    return out;
  }
  for (const toml::node* e : elements(n, at(path, n), key)) out.push_back(integer_in(*e, path, key, lo, hi, what));
  return out;
}

std::vector<std::string> strings(const toml::node& n, const std::string& path, const std::string& key) {
  std::vector<std::string> out;
  for (const toml::node* e : elements(n, at(path, n), key)) {
    auto s = e->value<std::string>();
    if (!s)
      throw InputError(at(path, *e), fmt::format("'{}' must be a string or a list of strings (got {})", key, show(*e)));
    out.push_back(*s);
  }
  return out;
}

std::vector<std::uint64_t> seeds_of(const toml::node& n, const std::string& path) {
  std::vector<std::uint64_t> out;
  for (long long s : integers(n, path, "seeds", 0, 9007199254740992LL, "seeds"))
    out.push_back(static_cast<std::uint64_t>(s));
  return out;
}

std::vector<ChainPrecision> precisions_of(const toml::node& n, const std::string& path) {
  std::vector<ChainPrecision> out;
  for (const toml::node* e : elements(n, at(path, n), "precisions")) {
    auto s = e->value<std::string>();
    ChainPrecision p;
    if (!s || !parse_chain_precision(*s, p))
      throw InputError(at(path, *e), fmt::format("unknown precision {} (known: f32, f64, bf16, fp16)", show(*e)));
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

std::vector<std::string> methods_of(const toml::node& n, const std::string& path) {
  std::vector<std::string> out;
  for (const toml::node* e : elements(n, at(path, n), "methods")) {
    auto s = e->value<std::string>();
    std::vector<std::string> hits = s ? match_methods(*s) : std::vector<std::string>{};
    if (hits.empty()) {
      std::vector<std::string> known;
      for (const auto& m : chain_methods()) known.push_back(m.name);
      throw InputError(at(path, *e), fmt::format("unknown method {} (known: {}; or 'chain.*')", show(*e), join(known)));
    }
    for (const auto& h : hits)
      if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(h);
  }
  return out;
}

struct Defaults {
  std::vector<std::uint64_t> seeds;
  std::vector<ChainPrecision> precisions;
  std::vector<std::string> methods;
  std::string where;
};

Defaults parse_header(const toml::table& doc, const std::string& path, ChainStudy& s) {
  const toml::table* st = doc["study"].as_table();
  if (!st) throw InputError(path, "missing [study] table (with name, seeds, precisions, methods)");
  Defaults d;
  d.where = at(path, st->source());
  static const std::vector<std::string> known{"name", "description", "seeds", "precisions", "methods"};
  for (const auto& [k, v] : *st) {
    const std::string key(k.str());
    if (key == "solvers")
      throw InputError(at(path, v), "[study]: a chain study names its 'methods' (chain.*), not 'solvers'");
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw InputError(at(path, v),
                       fmt::format("[study]: unknown key '{}' for a chain study (known: {})", key, join(known)));
  }
  s.name = (*st)["name"].value<std::string>().value_or("");
  if (s.name.empty()) throw InputError(d.where, "[study] needs a non-empty 'name'");
  s.description = (*st)["description"].value<std::string>().value_or("");
  if (const toml::node* n = st->get("seeds")) d.seeds = seeds_of(*n, path);
  if (const toml::node* n = st->get("precisions")) d.precisions = precisions_of(*n, path);
  if (const toml::node* n = st->get("methods")) {
    d.methods = methods_of(*n, path);
    s.method_patterns = strings(*n, path, "methods");
  }
  return d;
}

template <class E>
std::vector<E> enums(const toml::node* n, const std::string& path, const std::string& key, E fallback,
                     bool (*parse)(const std::string&, E&), const std::vector<std::string>& known) {
  if (!n) return {fallback};
  std::vector<E> out;
  for (const toml::node* e : elements(*n, at(path, *n), key)) {
    auto s = e->value<std::string>();
    E v;
    if (!s || !parse(*s, v))
      throw InputError(at(path, *e), fmt::format("unknown {} {} (known: {})", key, show(*e), join(known)));
    out.push_back(v);
  }
  return out;
}

void expand_chain(const toml::table& t, const std::string& path, int index, const Defaults& def, ChainStudy& s) {
  const std::string where = at(path, t.source());
  const std::string label = fmt::format("[[chain]] #{}", index + 1);
  static const std::vector<std::string> known{"width",    "depth", "init",       "scale",   "activation",
                                              "residual", "seeds", "precisions", "methods", "reference"};
  for (const auto& [k, v] : t)
    if (std::find(known.begin(), known.end(), std::string(k.str())) == known.end())
      throw InputError(at(path, v), fmt::format("{}: unknown key '{}' (known: {})", label, k.str(), join(known)));

  auto need = [&](const char* key, const std::string& example) -> const toml::node& {
    const toml::node* n = t.get(key);
    if (!n) throw InputError(where, fmt::format("{} needs '{}', e.g. {}", label, key, example));
    return *n;
  };
  std::vector<long long> widths = integers(need("width", "width = 32"), path, "width", 1, kMaxWidth, "widths");
  std::vector<long long> depths =
      integers(need("depth", "depth = { from = 1, to = 20 }"), path, "depth", 1, kMaxDepth, "depths");
  std::sort(depths.begin(), depths.end());
  depths.erase(std::unique(depths.begin(), depths.end()), depths.end());

  std::vector<Init> inits = enums<Init>(t.get("init"), path, "init", Init::gaussian, parse_init, init_names());
  std::vector<Activation> acts = enums<Activation>(t.get("activation"), path, "activation", Activation::linear,
                                                   parse_activation, activation_names());
  std::vector<double> scales{1.0};
  if (const toml::node* n = t.get("scale")) {
    scales.clear();
    for (const toml::node* e : elements(*n, at(path, *n), "scale")) {
      auto v = e->value<double>();
      if (!v || !std::isfinite(*v) || *v <= 0 || *v > 1e6)
        throw InputError(at(path, *e),
                         fmt::format("'scale' = {} is impossible: a scale must be a number in (0, 1e6]", show(*e)));
      scales.push_back(*v);
    }
  }
  std::vector<bool> residuals{false};
  if (const toml::node* n = t.get("residual")) {
    residuals.clear();
    for (const toml::node* e : elements(*n, at(path, *n), "residual")) {
      auto v = e->value<bool>();
      if (!v) throw InputError(at(path, *e), fmt::format("'residual' must be true or false (got {})", show(*e)));
      residuals.push_back(*v);
    }
  }
  RefRoute route = RefRoute::graded;
  if (const toml::node* n = t.get("reference")) {
    auto v = n->value<std::string>();
    if (!v || !parse_ref_route(*v, route))
      throw InputError(at(path, *n),
                       fmt::format("unknown reference {} (known: {})", show(*n), join(ref_route_names())));
  }
  std::vector<std::uint64_t> seeds = t.get("seeds") ? seeds_of(*t.get("seeds"), path) : def.seeds;
  std::vector<ChainPrecision> precs = t.get("precisions") ? precisions_of(*t.get("precisions"), path) : def.precisions;
  std::vector<std::string> methods = t.get("methods") ? methods_of(*t.get("methods"), path) : def.methods;
  if (seeds.empty()) throw InputError(where, label + " has no seeds: give 'seeds' here or in [study]");
  if (precs.empty()) throw InputError(where, label + " has no precisions: give 'precisions' here or in [study]");
  if (methods.empty()) throw InputError(where, label + " has no methods: give 'methods' here or in [study]");

  // The stored chain, its double original and the reference's double-double copies.
  const double wmax = static_cast<double>(*std::max_element(widths.begin(), widths.end()));
  const double bytes = 48.0 * static_cast<double>(depths.back()) * wmax * wmax;
  if (bytes > physical_memory_bytes() / 2)
    throw InputError(at(path, *t.get("depth")),
                     fmt::format("{}: a chain of {} layers of width {} needs about {:.0f} MB, more than half the "
                                 "physical memory",
                                 label, depths.back(), wmax, bytes / 1e6));

  for (long long w : widths)
    for (Init init : inits)
      for (double scale : scales)
        for (Activation act : acts)
          for (bool res : residuals) {
            ChainSpec c;
            c.width = static_cast<int>(w);
            c.depths.assign(depths.begin(), depths.end());
            c.init = init;
            c.scale = scale;
            c.activation = act;
            c.residual = res;
            c.seeds = seeds;
            c.precisions = precs;
            c.methods = methods;
            c.reference = route;
            c.where = where;
            s.chains.push_back(std::move(c));
          }
}

}  // namespace

ChainStudy parse_chain_study(const std::string& text, const std::string& path) {
  toml::table doc;
  try {
    doc = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw InputError(at(path, e.source()), fmt::format("malformed TOML: {}", e.description()));
  }
  for (const auto& [k, v] : doc) {
    const std::string key(k.str());
    if (key == "problem")
      throw InputError(at(path, v),
                       "a study has [[chain]] or [[problem]] tables, not both: put the layer chains "
                       "and the linear systems in two study files");
    if (key != "study" && key != "chain")
      throw InputError(at(path, v),
                       fmt::format("unknown top-level key '{}' (expected [study] and [[chain]] tables)", key));
  }
  ChainStudy s;
  s.path = path;
  s.text = text;
  const Defaults def = parse_header(doc, path, s);
  const toml::array* chains = doc["chain"].as_array();
  if (!chains || chains->empty()) throw InputError(path, "no [[chain]] tables");
  int i = 0;
  for (const toml::node& c : *chains) {
    const toml::table* t = c.as_table();
    if (!t) throw InputError(at(path, c), "'chain' must be an array of tables ([[chain]])");
    expand_chain(*t, path, i++, def, s);
  }
  return s;
}

ChainStudy load_chain_study(const std::string& path) {
  return parse_chain_study(read_text_file(path, "cannot open study file"), path);
}

bool is_chain_study(const std::string& path) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  toml::table doc;
  try {
    doc = toml::parse(ss.str(), path);
  } catch (const toml::parse_error&) {
    return false;
  }
  if (!doc.contains("chain")) return false;
  if (doc.contains("problem"))
    throw InputError(at(path, *doc.get("problem")),
                     "a study has [[chain]] or [[problem]] tables, not both: put the "
                     "layer chains and the linear systems in two study files");
  return true;
}

}  // namespace condbench::chains
