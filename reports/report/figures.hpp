// The report's figures as Vega-Lite specs over one shared dataset, "rows".
#pragma once

#include "reports/common/run_data.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace condbench::report {

struct Figure {
  std::string name;     // file name of the SVG and id in the page
  std::string title;
  std::string caption;  // how to read it
  nlohmann::json spec;  // Vega-Lite; its data is the named dataset "rows"
};

// One object per row: the plotted values (NaN/Inf become null, errors of exactly
// 0 are clamped to the bottom of the axis) and what a tooltip shows, including the
// command that reproduces the row.
nlohmann::json rows_dataset(const RunData& run);

// The command that reruns one row: condbench run STUDY --out DIR --case ID --solver S --precision P.
std::string reproduce_command(const RunData& run, const ResultRow& r);

// forward_error (one panel per solver, guides u*kappa, u*kappa^2, u), backward_error,
// error_vs_true (only where a generator knows x_true), time (against n).
std::vector<Figure> report_figures(const RunData& run);

// The spec with the rows inlined, for rendering outside the page.
nlohmann::json with_rows(const nlohmann::json& spec, const nlohmann::json& rows);

}  // namespace condbench::report
