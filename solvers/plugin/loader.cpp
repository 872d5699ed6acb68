#include "solvers/plugin/loader.hpp"

#include "condbench/plugin.h"
#include "solvers/flops.hpp"
#include "solvers/plugin/plugin_solver.hpp"
#include "solvers/plugin/sha256.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>

namespace condbench::plugin {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kMaxSolvers = 4096;
constexpr std::size_t kMaxName = 64;

std::mutex g_mu;
std::vector<LoadedPlugin> g_loaded;

// "backend.method": lower-case words of [a-z0-9_] joined by single dots, at least two.
bool valid_solver_name(const std::string& n) {
  if (n.empty() || n.size() > kMaxName || n.front() == '.' || n.back() == '.' || n.find('.') == std::string::npos ||
      n.find("..") != std::string::npos)
    return false;
  return std::all_of(n.begin(), n.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'; });
}

bool known_flop_method(const std::string& m) {
  return !std::isnan(method_flops(m, 10, 10)) || !std::isnan(method_flops(m, 20, 10));
}

// The entry point's answer, or why there is none.
const condbench_plugin* call_entry(const std::string& file) {
  // RTLD_NOW: a symbol the plugin lacks is an error now, naming it, not a crash mid-study.
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) throw PluginError(file, fmt::format("cannot load: {}", dlerror()));
  // The library stays loaded for the life of the process: its solvers are registered.
  void* sym = dlsym(handle, CONDBENCH_PLUGIN_ENTRY_NAME);
  if (!sym)
    throw PluginError(file, "no entry point '" CONDBENCH_PLUGIN_ENTRY_NAME "': not a condbench plugin, or the function "
                            "is not exported (declare it with CONDBENCH_PLUGIN_EXPORT from <condbench/plugin.h>, "
                            "extern \"C\" in C++)");
  auto entry = reinterpret_cast<condbench_plugin_entry_fn>(sym);
  const condbench_plugin* p = nullptr;
  try {
    p = entry(CONDBENCH_PLUGIN_ABI);
  } catch (...) {
    throw PluginError(file, "the entry point threw a C++ exception (nothing may be thrown across the C interface)");
  }
  if (!p) throw PluginError(file, "the entry point returned NULL");
  return p;
}

std::string required_text(const std::string& file, const char* s, const std::string& what) {
  if (!s || !*s) throw PluginError(file, what + " is NULL or empty");
  return std::string(s, strnlen(s, 4096));
}

std::unique_ptr<Solver> make_solver(const std::string& file, const condbench_solver* s, std::size_t i) {
  const std::string at = fmt::format("solvers[{}]", i);
  if (!s) throw PluginError(file, at + " is NULL");
  if (s->size < sizeof(condbench_solver))
    throw PluginError(file, fmt::format("{}.size = {}, smaller than ABI {}'s condbench_solver ({} bytes)", at, s->size,
                                        CONDBENCH_PLUGIN_ABI, sizeof(condbench_solver)));
  // Only the members this condbench knows; a newer plugin's appended ones are not read.
  condbench_solver d;
  std::memcpy(&d, s, sizeof d);
  const std::string name = required_text(file, d.name, at + ".name");
  if (!valid_solver_name(name))
    throw PluginError(file, fmt::format("{}.name '{}' is not a solver name: backend.method, lower-case letters, digits "
                                        "and '_' in words joined by '.', at most {} characters",
                                        at, name, kMaxName));
  const std::string where = fmt::format("solver '{}'", name);
  SolverInfo info;
  info.name = name;
  info.description = required_text(file, d.description, where + ": description");
  const std::uint32_t all_kinds = CONDBENCH_KIND_GENERAL | CONDBENCH_KIND_SPD | CONDBENCH_KIND_LEAST_SQUARES |
                                  CONDBENCH_KIND_UNDERDETERMINED;
  if (d.kinds == 0 || (d.kinds & ~all_kinds))
    throw PluginError(file, fmt::format("{}: kinds = {:#x} (nonzero, CONDBENCH_KIND_* bits only)", where, d.kinds));
  const std::uint32_t all_precisions = CONDBENCH_PRECISION_F32 | CONDBENCH_PRECISION_F64;
  if (d.precisions == 0 || (d.precisions & ~all_precisions))
    throw PluginError(file, fmt::format("{}: precisions = {:#x} (nonzero, CONDBENCH_PRECISION_* bits only)", where,
                                        d.precisions));
  info.kinds = kinds_of_bits(d.kinds);
  info.f32 = d.precisions & CONDBENCH_PRECISION_F32;
  info.f64 = d.precisions & CONDBENCH_PRECISION_F64;
  if (info.f32 && !d.solve_f32) throw PluginError(file, where + ": takes f32 but solve_f32 is NULL");
  if (info.f64 && !d.solve_f64) throw PluginError(file, where + ": takes f64 but solve_f64 is NULL");
  if (!info.f32) d.solve_f32 = nullptr;
  if (!info.f64) d.solve_f64 = nullptr;
  if (d.flop_method && *d.flop_method) {
    info.flop_method = std::string(d.flop_method, strnlen(d.flop_method, kMaxName));
    if (!known_flop_method(info.flop_method))
      throw PluginError(file, fmt::format("{}: unknown flop_method '{}' (known: lu, cholesky, qr, normal_cholesky, "
                                          "normal_lu, inverse, gram_schmidt; NULL for none)",
                                          where, info.flop_method));
  }
  info.origin = fmt::format("plugin {} (ABI {})", file, CONDBENCH_PLUGIN_ABI);
  info.isolate_by_default = true;
  return std::make_unique<PluginSolver>(d, std::move(info));
}

}  // namespace

OpenedPlugin open_plugin(const std::string& path) {
  std::error_code ec;
  const fs::path real = fs::canonical(path, ec);
  if (ec || !fs::is_regular_file(real))
    throw PluginError(path, ec ? "no such plugin file" : "not a regular file (a plugin is a shared library)");
  const std::string file = real.string();

  const condbench_plugin* p = call_entry(file);
  if (p->size < offsetof(condbench_plugin, abi) + sizeof p->abi)
    throw PluginError(file, fmt::format("condbench_plugin.size = {}: not a condbench plugin table", p->size));
  if (p->abi != CONDBENCH_PLUGIN_ABI)
    throw PluginError(file, fmt::format("built for plugin ABI {}, this condbench speaks ABI {}: rebuild the plugin "
                                        "against this condbench's <condbench/plugin.h>",
                                        p->abi, CONDBENCH_PLUGIN_ABI));
  if (p->size < sizeof(condbench_plugin))
    throw PluginError(file, fmt::format("condbench_plugin.size = {}, smaller than ABI {}'s ({} bytes)", p->size,
                                        CONDBENCH_PLUGIN_ABI, sizeof(condbench_plugin)));
  if (p->error) throw PluginError(file, "the plugin refuses to load: " + std::string(p->error, strnlen(p->error, 4096)));

  OpenedPlugin out;
  out.info.path = file;
  out.info.abi = p->abi;
  out.info.name = required_text(file, p->name, "condbench_plugin.name");
  out.info.version = required_text(file, p->version, "condbench_plugin.version");
  if (p->solver_count == 0 || p->solver_count > kMaxSolvers || !p->solvers)
    throw PluginError(file, fmt::format("solver_count = {} with solvers {} (1 to {} solvers expected)", p->solver_count,
                                        p->solvers ? "set" : "NULL", kMaxSolvers));
  std::set<std::string> names;
  for (std::size_t i = 0; i < p->solver_count; ++i) {
    std::unique_ptr<Solver> s = make_solver(file, p->solvers[i], i);
    if (!names.insert(s->info().name).second)
      throw PluginError(file, fmt::format("solver '{}' is defined twice in the plugin", s->info().name));
    out.info.solvers.push_back(s->info().name);
    out.solvers.push_back(std::move(s));
  }
  try {
    out.info.sha256 = sha256_of_file(file);
  } catch (const std::runtime_error& e) {
    throw PluginError(file, e.what());
  }
  return out;
}

void register_solvers(OpenedPlugin& p, SolverRegistry& registry) {
  for (const auto& s : p.solvers)
    if (const Solver* old = registry.find(s->info().name))
      throw PluginError(p.info.path, fmt::format("solver '{}' is already defined ({})", s->info().name,
                                                 old->info().origin));
  for (auto& s : p.solvers) registry.add(std::move(s));
  p.solvers.clear();
}

LoadedPlugin load_plugin(const std::string& path, const std::string& loaded_by) {
  std::lock_guard lock(g_mu);
  std::error_code ec;
  const std::string real = fs::canonical(path, ec).string();
  for (const LoadedPlugin& l : g_loaded)
    if (!ec && l.path == real) return l;
  OpenedPlugin p = open_plugin(path);
  register_solvers(p, SolverRegistry::instance());
  p.info.loaded_by = loaded_by;
  g_loaded.push_back(p.info);
  return p.info;
}

std::vector<std::string> plugin_files(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw PluginError(path, "no such plugin file or folder");
  if (!fs::is_directory(path, ec)) return {path};
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(path, ec))
    if (e.path().extension() == ".so" && !fs::is_directory(e.path())) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<LoadedPlugin> loaded_plugins() {
  std::lock_guard lock(g_mu);
  return g_loaded;
}

nlohmann::ordered_json loaded_plugins_json() {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const LoadedPlugin& l : loaded_plugins())
    a.push_back({{"path", l.path},
                 {"name", l.name},
                 {"version", l.version},
                 {"abi", l.abi},
                 {"sha256", l.sha256},
                 {"loaded_by", l.loaded_by},
                 {"solvers", l.solvers}});
  return a;
}

std::optional<LoadedPlugin> loaded_plugin_by_file_name(const std::string& file_name) {
  for (const LoadedPlugin& l : loaded_plugins())
    if (fs::path(l.path).filename() == file_name) return l;
  return std::nullopt;
}

}  // namespace condbench::plugin
