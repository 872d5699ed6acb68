// Subcommands of the condbench executable. Each lives in its own file under
// reports/cli/ and registers itself:
//
//   namespace { condbench::cli::Command make(CLI::App& app) {
//     auto* sub = app.add_subcommand("report", "...");
//     auto opts = std::make_shared<Options>();   // bound to sub's options
//     return {sub, [opts] { return do_report(*opts); }};
//   } }
//   CONDBENCH_REGISTER_COMMAND(30, make);
//
// The run callback returns the exit code; condbench::InputError thrown from it
// becomes "condbench: error: ..." and exit code 2.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace condbench::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

using CommandFactory = Command (*)(CLI::App& parent);

struct CommandEntry {
  int order;  // position in --help
  CommandFactory factory;
};

inline std::vector<CommandEntry>& command_registry() {
  static std::vector<CommandEntry> r;
  return r;
}

// The full command line, for run.json and reproduce hints.
inline std::string& command_line() {
  static std::string s;
  return s;
}

}  // namespace condbench::cli

#define CONDBENCH_CLI_CONCAT_(a, b) a##b
#define CONDBENCH_CLI_CONCAT(a, b) CONDBENCH_CLI_CONCAT_(a, b)
#define CONDBENCH_REGISTER_COMMAND(order, factory)                                                  \
  static const bool CONDBENCH_CLI_CONCAT(condbench_cmd_, __LINE__) = [] {                          \
    ::condbench::cli::command_registry().push_back({order, factory});                               \
    return true;                                                                                    \
  }()
