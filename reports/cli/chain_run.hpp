// `condbench run` on a chain study ([[chain]] tables, issue 14): the chain runner's
// results, a summary on the terminal, and the chain report.
#pragma once

#include "studies/runner/runner.hpp"

#include <string>

namespace condbench::cli {

int run_chain_study_command(const std::string& study_path, RunOptions opt, bool quiet, bool no_report);

}  // namespace condbench::cli
