// Reading a finished (or interrupted) run folder back: results.csv + run.json.
// Shared by report, compare, baseline and regress.
#pragma once

#include "studies/runner/results.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace condbench {

struct RunData {
  std::string dir;
  nlohmann::ordered_json meta;  // run.json
  std::vector<ResultRow> rows;
};

// Throws InputError (exit 2) naming the folder/file and line when the folder is
// missing, run.json or results.csv is missing or half-written, or the results
// come from another format version.
RunData load_run(const std::string& dir);

}  // namespace condbench
