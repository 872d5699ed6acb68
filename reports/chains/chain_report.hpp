// The report of a chain study's run (issue 14): report.html (self-contained, the
// Vega-Lite machinery of reports/report), figures/*.svg and summary.md in the run folder.
#pragma once

#include "reports/report/assets.hpp"
#include "reports/report/report.hpp"
#include "studies/chains/chain_results.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace condbench::chains {

struct ChainRunData {
  std::string dir;
  nlohmann::ordered_json meta;  // run.json
  std::vector<ChainRow> rows;
};

// Throws InputError naming the folder or file (and line) when something is missing or malformed.
ChainRunData load_chain_run(const std::string& dir);

report::ReportFiles write_chain_report(const std::string& run_dir, const report::WebAssets& assets);

std::string chain_summary_markdown(const ChainRunData& run);
std::string chain_report_html(const ChainRunData& run, const report::WebAssets& assets);

}  // namespace condbench::chains
