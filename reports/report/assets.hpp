// The plotting assets a report needs (Vega, Vega-Lite, vega-embed from npm, and
// node to render the static SVG figures), found where scripts/setup.sh installs them.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace condbench::report {

struct WebAssets {
  std::filesystem::path dir;  // reports/web: package.json, render_svg.mjs, node_modules/
  std::string node;           // the node executable
};

// Where the assets are looked for: $CONDBENCH_WEB_DIR if set; else, for an installed
// condbench, PREFIX/share/condbench/web beside the executable; else SOURCE_DIR/reports/web.
std::filesystem::path web_assets_dir(const std::string& source_dir);
// That folder, and what is missing there if anything (for condbench --version).
std::string describe_web_assets(const std::string& source_dir);
// The assets and node. Throws InputError naming what is missing and "run scripts/setup.sh".
WebAssets find_web_assets(const std::string& source_dir);

// The text of a file under the assets folder (e.g. "node_modules/vega/build/vega.min.js").
std::string read_asset(const WebAssets& assets, const std::string& relative);

// Renders each {"name": N, "spec": VEGA_LITE_SPEC} of `figures` to OUT_DIR/N.svg with
// Vega under node. Throws InputError with node's message when rendering fails.
void render_svg_figures(const WebAssets& assets, const nlohmann::json& figures, const std::filesystem::path& out_dir);

}  // namespace condbench::report
