#include "studies/runner/worker_table.hpp"

#include "solvers/worker/pool.hpp"
#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <set>
#include <stdexcept>

namespace condbench {
namespace {

namespace fs = std::filesystem;

std::string at(const std::string& path, const toml::source_region& src) {
  if (!src.begin) return path;
  return fmt::format("{}:{}:{}", path, src.begin.line, src.begin.column);
}

// "{dir}" is the folder of the file that declares the worker, so a shipped study finds the
// shipped worker from any current directory.
std::string expand(std::string s, const std::string& dir) {
  for (std::size_t at = s.find("{dir}"); at != std::string::npos; at = s.find("{dir}", at + dir.size()))
    s.replace(at, 5, dir);
  return s;
}

worker::WorkerSpec parse_spec(const toml::table& t, const std::string& path, const std::string& dir,
                              const std::string& label) {
  const std::string where = at(path, t.source());
  static const std::set<std::string> known{"command", "name", "env", "time_limit"};
  for (const auto& [k, v] : t)
    if (!known.count(std::string(k.str())))
      throw InputError(at(path, v.source()),
                       fmt::format("{}: unknown key '{}' (known: command, env, name, time_limit)", label, k.str()));
  worker::WorkerSpec spec;
  spec.where = where;
  const toml::array* cmd = t["command"].as_array();
  if (cmd)
    for (const auto& el : *cmd) {
      auto s = el.value<std::string>();
      if (!s) {
        cmd = nullptr;
        break;
      }
      spec.command.push_back(expand(*s, dir));
    }
  if (!cmd || spec.command.empty() || spec.command[0].empty())
    throw InputError(t["command"] ? at(path, t["command"].node()->source()) : where,
                     label + ": 'command' must be a non-empty list of strings, the program and its arguments, e.g. "
                             "command = [\"/usr/bin/python3\", \"my_worker.py\"]");
  if (const toml::node* n = t.get("name")) {
    auto s = n->value<std::string>();
    if (!s || s->empty()) throw InputError(at(path, n->source()), label + ": 'name' must be a non-empty string");
    spec.name = *s;
  } else {
    spec.name = fs::path(spec.command.back()).stem().string();
  }
  if (const toml::node* n = t.get("env")) {
    const toml::table* env = n->as_table();
    if (!env)
      throw InputError(at(path, n->source()), label + ": 'env' must be a table of strings, e.g. env = { A = \"1\" }");
    for (const auto& [k, v] : *env) {
      auto s = v.value<std::string>();
      if (!s || !v.is_string())
        throw InputError(at(path, v.source()), fmt::format("{}: env '{}' must be a string", label, k.str()));
      spec.env[std::string(k.str())] = expand(*s, dir);
    }
  }
  if (const toml::node* n = t.get("time_limit")) {
    auto v = n->value<double>();
    if (!v || !(*v > 0) || *v > 1e6)
      throw InputError(at(path, n->source()), label + ": 'time_limit' must be a number of seconds, > 0");
    spec.time_limit_s = *v;
  }
  return spec;
}

void start_one(const worker::WorkerSpec& spec, const std::string& label) {
  try {
    worker::start_worker(spec);
  } catch (const worker::WorkerStartError& e) {
    throw InputError(spec.where, fmt::format("{} '{}' cannot start `{}`: {}", label, spec.name,
                                             worker::command_text(spec.command), e.what()));
  } catch (const std::invalid_argument& e) {
    throw InputError(spec.where, fmt::format("{} '{}': {}", label, spec.name, e.what()));
  }
}

}  // namespace

void start_declared_workers(const toml::table& doc, const std::string& path, const std::string& dir) {
  const toml::node* node = doc.get("worker");
  if (!node) return;
  const fs::path base = dir.empty() ? fs::path(path).parent_path() : fs::path(dir);
  const std::string abs_dir = (base.empty() ? fs::current_path() : fs::absolute(base)).lexically_normal().string();
  const toml::array* arr = node->as_array();
  if (!arr) throw InputError(at(path, node->source()), "'worker' must be an array of tables ([[worker]])");
  int i = 0;
  for (const auto& w : *arr) {
    std::string label = fmt::format("[[worker]] #{}", ++i);
    const toml::table* t = w.as_table();
    if (!t) throw InputError(at(path, w.source()), "'worker' must be an array of tables ([[worker]])");
    start_one(parse_spec(*t, path, abs_dir, label), label);
  }
}

void load_workers_file(const std::string& path) {
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    if (!fs::exists(path)) throw InputError(path, "cannot open workers file");
    throw InputError(at(path, e.source()), fmt::format("malformed TOML: {}", e.description()));
  }
  for (const auto& [k, v] : doc)
    if (k.str() != "worker")
      throw InputError(at(path, v.source()),
                       fmt::format("unknown top-level key '{}' (a workers file holds [[worker]] tables)", k.str()));
  if (!doc.get("worker")) throw InputError(path, "no [[worker]] tables");
  start_declared_workers(doc, path);
}

}  // namespace condbench
