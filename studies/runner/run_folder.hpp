// The files of a run folder as the runner keeps them: run.json (written atomically)
// and results.csv.
#pragma once

#include "studies/runner/results.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace condbench {

// Writes DIR/run.json through a temporary file renamed over the old one.
void write_run_json(const std::filesystem::path& dir, const nlohmann::ordered_json& meta);

// DIR/run.json; InputError("<dir>: <why>: ...") when missing or not JSON.
nlohmann::ordered_json read_run_json(const std::filesystem::path& dir, const std::string& why);

// Every row of DIR/results.csv.
std::vector<ResultRow> read_results(const std::filesystem::path& dir);

// The whole file; InputError(path, `unreadable`) when it cannot be opened.
std::string read_text_file(const std::filesystem::path& path, const std::string& unreadable = "cannot read");

}  // namespace condbench
