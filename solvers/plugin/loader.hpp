// Loading solver plugins (include/condbench/plugin.h): dlopen a file, call its entry point,
// check everything in its table, and register its solvers as ordinary condbench solvers
// (origin "plugin /abs/path.so (ABI 1)", run isolated by default).
#pragma once

#include "solvers/registry.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace condbench::plugin {

// A plugin file that cannot be used. what() is "FILE: REASON"; the CLI reports it as bad
// input (exit 2).
class PluginError : public std::invalid_argument {
 public:
  PluginError(const std::string& file, const std::string& reason)
      : std::invalid_argument(file + ": " + reason), file_(file), reason_(reason) {}
  const std::string& file() const { return file_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_, reason_;
};

// What run.json's context records of a loaded plugin.
struct LoadedPlugin {
  std::string path;       // absolute, symbolic links resolved
  std::string name;       // the plugin's own name and version (condbench_plugin.name, .version)
  std::string version;
  std::uint32_t abi = 0;
  std::string sha256;     // of the file's bytes
  std::string loaded_by;  // "--plugin", "CONDBENCH_PLUGIN_PATH", "study studies/x.toml:5:1"
  std::vector<std::string> solvers;
};

struct OpenedPlugin {
  LoadedPlugin info;
  std::vector<std::unique_ptr<Solver>> solvers;
};

// Opens a plugin file, calls its entry point and checks its table; the solvers are not yet
// registered. Throws PluginError for a missing or unloadable file, a missing entry point, an
// ABI mismatch, a refusal by the plugin, or a malformed table.
OpenedPlugin open_plugin(const std::string& path);

// Registers every solver of an opened plugin, or none: throws PluginError naming the file
// when a name is already taken (the message says by what).
void register_solvers(OpenedPlugin& p, SolverRegistry& registry);

// Opens a plugin and registers its solvers in SolverRegistry::instance(), once per file: a
// file already loaded (the same real path) is not loaded again.
LoadedPlugin load_plugin(const std::string& path, const std::string& loaded_by);

// The plugin files a path names: the file itself, or every *.so file in a folder (sorted).
// Throws PluginError when the path does not exist.
std::vector<std::string> plugin_files(const std::string& path);

// The plugins loaded into this process so far, in loading order.
std::vector<LoadedPlugin> loaded_plugins();
nlohmann::ordered_json loaded_plugins_json();
// The loaded plugin whose file name (without folder) is `file_name`, if any.
std::optional<LoadedPlugin> loaded_plugin_by_file_name(const std::string& file_name);

}  // namespace condbench::plugin
