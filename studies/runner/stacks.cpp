#include "studies/runner/stacks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "solvers/lapack/lapack_solver.hpp"
#include "solvers/lapack/stack.hpp"
#include "studies/runner/input_error.hpp"

namespace condbench {
namespace {

std::string at(const std::string& path, const toml::source_region& src) {
  if (!src.begin) return path;
  return fmt::format("{}:{}:{}", path, src.begin.line, src.begin.column);
}

// "*", "prefix*" or an exact word.
bool matches(const std::string& pattern, const std::string& word) {
  if (!pattern.empty() && pattern.back() == '*') return word.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0;
  return pattern == word;
}

// [study] threads when it is a positive integer, else 1: accuracy studies pin one thread. parse_header checks
// the key itself.
int default_threads(const toml::table& doc) {
  auto t = doc["study"]["threads"].value<std::int64_t>();
  return t && *t > 0 && *t <= 1000 ? static_cast<int>(*t) : 1;
}

std::string string_key(const toml::table& t, const char* key, const std::string& path, const std::string& label) {
  const toml::node* n = t.get(key);
  if (!n) return {};
  auto v = n->value<std::string>();
  if (!v || v->empty()) throw InputError(at(path, n->source()), fmt::format("{}: '{}' must be a non-empty string", label, key));
  return *v;
}

lapack::StackSpec parse_entry(const toml::table& t, const std::string& path, int index, int threads_default) {
  const std::string where = at(path, t.source());
  std::string label = fmt::format("[[stack]] #{}", index + 1);
  const std::string name = string_key(t, "name", path, label);
  if (!name.empty()) label += fmt::format(" '{}'", name);
  static const std::set<std::string> known{"name", "blas", "lapack", "threads"};
  for (const auto& [k, v] : t)
    if (!known.count(std::string(k.str())))
      throw InputError(at(path, v.source()),
                       fmt::format("{}: unknown key '{}' (known: blas, lapack, name, threads)", label, k.str()));
  int threads = threads_default;
  if (const toml::node* n = t.get("threads")) {
    auto v = n->value<std::int64_t>();
    if (!n->is_integer() || !v || *v < 0 || *v > 1000)
      throw InputError(at(path, n->source()), label + ": 'threads' must be an integer from 0 (the library's "
                                                      "default) to 1000");
    threads = static_cast<int>(*v);
  }
  try {
    return lapack::make_stack_spec(name, string_key(t, "blas", path, label), string_key(t, "lapack", path, label),
                                   threads, where);
  } catch (const lapack::StackSpecError& e) {
    const toml::node* n = t.get(e.key);
    throw InputError(n ? at(path, n->source()) : where, fmt::format("{}: '{}': {}", label, e.key, e.what()));
  }
}

}  // namespace

void parse_stacks(const toml::table& doc, const std::string& path, Study& s) {
  const toml::node* node = doc.get("stack");
  if (!node) return;
  const toml::array* entries = node->as_array();
  if (!entries || !entries->is_array_of_tables())
    throw InputError(at(path, node->source()), "'stack' must be an array of tables ([[stack]])");
  const int threads = default_threads(doc);
  std::map<std::string, std::string> first_at;
  std::vector<lapack::Stack*> defined;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const toml::table& t = *entries->get(i)->as_table();
    lapack::StackSpec spec = parse_entry(t, path, static_cast<int>(i), threads);
    const std::string name_at = at(path, t.get("name")->source());
    if (auto [it, fresh] = first_at.emplace(spec.name, spec.where); !fresh)
      throw InputError(name_at, fmt::format("stack '{}' is defined twice (first at {})", spec.name, it->second));
    try {
      defined.push_back(&lapack::StackRegistry::instance().define(spec));
    } catch (const std::invalid_argument& e) {
      throw InputError(name_at, e.what());
    }
    s.stacks.push_back(spec.name);
  }
  // All of them now, before any case runs: what cannot share the process is an error of the study, not of a row.
  for (lapack::Stack* st : defined) {
    try {
      st->load();
    } catch (const lapack::StackError& e) {
      throw InputError(st->spec().where, e.what());
    }
  }
}

std::vector<const Solver*> match_solvers(const std::string& pattern, const Study& s) {
  SolverRegistry& reg = SolverRegistry::instance();
  const std::size_t at_sign = pattern.find('@');
  if (at_sign == std::string::npos) {
    std::vector<const Solver*> hits = reg.match(pattern);
    std::erase_if(hits, [](const Solver* h) { return h->info().name.find('@') != std::string::npos; });
    return hits;
  }
  const std::string method = pattern.substr(0, at_sign), stack = pattern.substr(at_sign + 1);
  if (s.stacks.empty())
    throw std::invalid_argument("the study has no [[stack]] table: define the stacks '" + pattern + "' runs on");
  if (stack.find('*') == std::string::npos &&
      std::find(s.stacks.begin(), s.stacks.end(), stack) == s.stacks.end())
    throw std::invalid_argument(fmt::format("no stack '{}' in this study's [[stack]] tables", stack));
  std::vector<const Solver*> hits;
  for (const lapack::MethodEntry& m : lapack::methods())
    for (const std::string& st : s.stacks)
      if (matches(method, m.name) && matches(stack, st))
        if (const Solver* solver = reg.resolve(m.name + "@" + st)) hits.push_back(solver);
  if (hits.empty() && method.find('*') == std::string::npos) reg.resolve(method + "@" + s.stacks.front());  // throws why
  return hits;
}

nlohmann::ordered_json stacks_json(const Study& s) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const std::string& name : s.stacks)
    if (const lapack::Stack* st = lapack::StackRegistry::instance().find(name)) j.push_back(st->describe());
  return j;
}

std::string format_stacks(const Study& s) {
  std::string out;
  for (const nlohmann::ordered_json& j : stacks_json(s)) {
    out += fmt::format("  {:<18} {}\n", j["name"].get<std::string>(), j["where"].get<std::string>());
    if (!j["available"].get<bool>()) {
      out += fmt::format("  {:<18} unavailable: {}\n", "", j["unavailable"].get<std::string>());
      continue;
    }
    out += fmt::format("  {:<18} dgemm_ from {}\n", "", j["dgemm_from"].get<std::string>());
    out += fmt::format("  {:<18} dgetrf_ from {}\n", "", j["dgetrf_from"].get<std::string>());
    out += fmt::format("  {:<18} {}\n", "", j["stack_version"].get<std::string>());
    out += fmt::format("  {:<18} threads {}: {}\n", "", j["threads"].get<int>(), j["threads_source"].get<std::string>());
  }
  return out;
}

}  // namespace condbench
