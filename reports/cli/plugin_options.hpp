// --plugin PATH (repeatable) and $CONDBENCH_PLUGIN_PATH: solver plugins loaded before a
// command resolves solver names (run, list, regress --run, export).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace condbench::cli {

void add_plugin_option(CLI::App* sub, std::vector<std::string>& paths);

// Loads the plugins of $CONDBENCH_PLUGIN_PATH (colon-separated files or folders; a folder
// gives its *.so files), then those given with --plugin (files or folders). Throws
// InputError naming the file (exit 2) when one cannot be loaded.
void load_plugins(const std::vector<std::string>& cli_paths);

}  // namespace condbench::cli
