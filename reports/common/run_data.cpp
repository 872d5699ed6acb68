#include "reports/common/run_data.hpp"

#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace condbench {
namespace fs = std::filesystem;

RunData load_run(const std::string& dir) {
  fs::path d(dir);
  if (!fs::is_directory(d)) throw InputError(dir, "no such run folder");
  fs::path meta = d / "run.json";
  fs::path csv = d / "results.csv";
  if (!fs::exists(meta)) throw InputError(dir, "not a run folder: run.json is missing (was it made by condbench run?)");
  if (!fs::exists(csv)) throw InputError(dir, "not a run folder: results.csv is missing");
  RunData r;
  r.dir = dir;
  try {
    std::ifstream in(meta);
    r.meta = nlohmann::ordered_json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(meta.string(), std::string("half-written or corrupt JSON: ") + e.what());
  }
  if (r.meta.value("task", "") == "chain")  // a layer-chain study (issue 14): only `report` reads it so far
    throw InputError(dir, "a layer-chain run (its results.csv has the chain columns): condbench report reads it; "
                          "compare, baseline, regress and export work on linear-system runs only");
  const nlohmann::ordered_json version = r.meta.value("format_version", nlohmann::ordered_json(nullptr));
  if (!version.is_number_integer() || version.get<int>() < 1 || version.get<int>() > kResultsFormatVersion)
    throw InputError(meta.string(), fmt::format("results of format {} (this condbench reads formats 1 to {}); "
                                                "rerun the study with this condbench",
                                                version.dump(), kResultsFormatVersion));
  std::ifstream in(csv);
  std::stringstream ss;
  ss << in.rdbuf();
  r.rows = parse_results_csv(ss.str(), csv.string());
  return r;
}

}  // namespace condbench
