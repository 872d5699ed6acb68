#include "studies/generators/grammar.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace condbench {
namespace {

std::vector<NameSpec>& specs() {
  static std::vector<NameSpec> s;
  return s;
}

const std::vector<std::pair<std::string, std::string>>& randsvd_heads() {  // token -> kind
  static const std::vector<std::pair<std::string, std::string>> h{
      {"svd", "general"}, {"spd", "spd"}, {"ls", "least_squares"}, {"under", "underdetermined"}};
  return h;
}
const std::vector<std::pair<std::string, std::string>>& randsvd_modes() {  // token -> mode
  static const std::vector<std::pair<std::string, std::string>> m{{"geo", "geometric"},
                                                                  {"arith", "arithmetic"},
                                                                  {"onelarge", "one_large"},
                                                                  {"onesmall", "one_small"},
                                                                  {"logrand", "log_uniform"}};
  return m;
}

std::string strip(const std::string& s) {
  std::string o;
  for (char c : s)
    if (c != '_') o += c;
  return o;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == '_') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

bool parse_number(const std::string& s, double& out) {
  if (s.empty()) return false;
  const char* b = s.c_str();
  char* e = nullptr;
  errno = 0;
  const double v = std::strtod(b, &e);
  if (e != b + s.size() || errno != 0 || !std::isfinite(v)) return false;
  out = v;
  return true;
}

std::string valid_tokens(const NameSpec* spec, bool randsvd) {
  std::string s = "ufl, ofl, ufl32, ofl32, scale<number>, zerocol<k>, db<eps>, dbrand<eps>";
  if (randsvd) s += ", r<residual>";
  if (spec) {
    for (const auto& f : spec->flags) s += ", " + strip(f);
    for (const auto& [k, vals] : spec->choices)
      for (const auto& v : vals) s += ", " + strip(v);
    for (const auto& k : spec->numbers) s += ", " + strip(k) + "<number>";
  }
  return s;
}

void set_once(ParamMap& params, const std::string& key, ParamValue v, const std::string& token,
              const std::string& name) {
  if (params.count(key))
    throw ProblemNameError("problem name '" + name + "': token '" + token + "' sets '" + key +
                           "' a second time");
  params[key] = std::move(v);
}

}  // namespace

void register_name_spec(NameSpec spec) { specs().push_back(std::move(spec)); }

// randsvd's names are the special head (svd_geo, ...); its spec only marks it as known.
CONDBENCH_REGISTER_NAME_SPEC((NameSpec{"randsvd", {}, {}, {}, {}}));

const NameSpec* find_name_spec(const std::string& generator) {
  for (const auto& s : specs())
    if (s.generator == generator) return &s;
  return nullptr;
}

ParsedName parse_problem_name(const std::string& name) {
  ParsedName out;
  std::vector<std::string> tokens = split(name);
  std::size_t next = 0;
  const NameSpec* spec = nullptr;
  bool randsvd = false;

  for (const auto& [tok, kind] : randsvd_heads()) {
    if (tokens[0] != tok) continue;
    randsvd = true;
    out.generator = "randsvd";
    out.params["kind"] = kind;
    std::string modes;
    for (const auto& [mt, mode] : randsvd_modes()) modes += (modes.empty() ? "" : ", ") + mt;
    if (tokens.size() < 2)
      throw ProblemNameError("problem name '" + name + "': '" + tok + "' needs a spectrum mode token after it (" +
                             modes + "), e.g. " + tok + "_geo");
    bool found = false;
    for (const auto& [mt, mode] : randsvd_modes())
      if (tokens[1] == mt) {
        out.params["mode"] = mode;
        found = true;
      }
    if (!found)
      throw ProblemNameError("problem name '" + name + "': unknown spectrum mode token '" + tokens[1] +
                             "'; valid: " + modes);
    next = 2;
    spec = find_name_spec("randsvd");
  }

  if (!randsvd) {
    std::size_t best = 0;
    for (const auto& s : specs()) {
      const std::string& g = s.generator;
      if (g == "randsvd") continue;
      if ((name == g || name.rfind(g + "_", 0) == 0) && g.size() > best) {
        best = g.size();
        spec = &s;
      }
    }
    if (!spec) {
      std::string heads = "svd_<mode>, spd_<mode>, ls_<mode>, under_<mode>";
      std::vector<std::string> names;
      for (const auto& s : specs())
        if (s.generator != "randsvd") names.push_back(s.generator);
      std::sort(names.begin(), names.end());
      for (const auto& n : names) heads += ", " + n;
      throw ProblemNameError("problem name '" + name + "': unknown head '" + tokens[0] + "'; valid: " + heads);
    }
    out.generator = spec->generator;
    next = split(spec->generator).size();
  }

  for (std::size_t i = next; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    double v = 0;
    if (t == "ufl" || t == "ofl" || t == "ufl32" || t == "ofl32") {
      set_once(out.params, "scale", t, t, name);
      continue;
    }
    if (t.rfind("scale", 0) == 0 && parse_number(t.substr(5), v)) {
      set_once(out.params, "scale", v, t, name);
      continue;
    }
    if (t.rfind("zerocol", 0) == 0 && parse_number(t.substr(7), v)) {
      set_once(out.params, "zero_columns", v, t, name);
      continue;
    }
    if (t.rfind("dbrand", 0) == 0 && parse_number(t.substr(6), v)) {
      set_once(out.params, "perturb", v, t, name);
      set_once(out.params, "perturb_direction", std::string("random"), t, name);
      continue;
    }
    if (t.rfind("db", 0) == 0 && parse_number(t.substr(2), v)) {
      set_once(out.params, "perturb", v, t, name);
      continue;
    }
    if (randsvd && t.rfind("r", 0) == 0 && parse_number(t.substr(1), v)) {
      set_once(out.params, "residual", v, t, name);
      continue;
    }
    bool done = false;
    if (spec) {
      for (const auto& f : spec->flags)
        if (!done && strip(f) == t) {
          set_once(out.params, f, true, t, name);
          done = true;
        }
      for (const auto& [key, vals] : spec->choices)
        for (const auto& val : vals)
          if (!done && strip(val) == t) {
            set_once(out.params, key, val, t, name);
            done = true;
          }
      // number keys: the longest key prefix whose rest is a number
      std::string best_key;
      for (const auto& key : spec->numbers) {
        const std::string k = strip(key);
        if (!done && t.size() > k.size() && t.rfind(k, 0) == 0 && parse_number(t.substr(k.size()), v) &&
            k.size() > strip(best_key).size())
          best_key = key;
      }
      if (!done && !best_key.empty()) {
        parse_number(t.substr(strip(best_key).size()), v);
        set_once(out.params, best_key, v, t, name);
        done = true;
      }
    }
    if (!done)
      throw ProblemNameError("problem name '" + name + "': unknown token '" + t + "' for " + out.generator +
                             "; valid: " + valid_tokens(spec, randsvd));
  }
  return out;
}

std::string format_problem_name(const std::string& generator, const std::map<std::string, std::string>& params) {
  auto get = [&](const std::string& k) -> std::string {
    auto it = params.find(k);
    return it == params.end() ? std::string() : it->second;
  };
  const NameSpec* spec = find_name_spec(generator);
  std::string name;
  if (generator == "randsvd") {
    std::string kind = get("kind").empty() ? "general" : get("kind");
    std::string mode = get("mode").empty() ? "geometric" : get("mode");
    for (const auto& [tok, k] : randsvd_heads())
      if (k == kind) name = tok;
    for (const auto& [tok, m] : randsvd_modes())
      if (m == mode) name += "_" + tok;
    const std::string r = get("residual");
    if (r == "large")
      name += "_r1";
    else if (!r.empty() && r != "zero" && r != "0")
      name += "_r" + r;
  } else {
    name = generator;
  }
  auto is_default = [&](const std::string& k, const std::string& v) {
    if (!spec) return false;
    auto it = spec->defaults.find(k);
    return it != spec->defaults.end() && it->second == v;
  };
  if (spec) {
    for (const auto& f : spec->flags)
      if (get(f) == "true" && !is_default(f, "true")) name += "_" + strip(f);
    for (const auto& [key, vals] : spec->choices) {
      const std::string v = get(key);
      if (!v.empty() && !is_default(key, v)) name += "_" + strip(v);
    }
    for (const auto& key : spec->numbers) {
      const std::string v = get(key);
      if (!v.empty() && !is_default(key, v)) name += "_" + strip(key) + v;
    }
  }
  const std::string scale = get("scale");
  if (scale == "ufl" || scale == "ofl" || scale == "ufl32" || scale == "ofl32")
    name += "_" + scale;
  else if (!scale.empty() && scale != "1")
    name += "_scale" + scale;
  const std::string z = get("zero_columns");
  if (!z.empty() && z != "0") name += "_zerocol" + z;
  const std::string p = get("perturb");
  if (!p.empty() && p != "0") name += (get("perturb_direction") == "random" ? "_dbrand" : "_db") + p;
  return name;
}

}  // namespace condbench
