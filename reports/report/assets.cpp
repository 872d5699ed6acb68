#include "reports/report/assets.hpp"

#include "reports/common/install_dirs.hpp"
#include "studies/runner/input_error.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace condbench::report {
namespace fs = std::filesystem;
namespace {

const char* const kRequired[] = {"render_svg.mjs", "node_modules/vega/build/vega.min.js",
                                 "node_modules/vega-lite/build/vega-lite.min.js",
                                 "node_modules/vega-embed/build/vega-embed.min.js"};

std::string find_in_path(const std::string& exe) {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "/usr/bin:/bin");
  std::string d;
  while (std::getline(ss, d, ':')) {
    fs::path p = fs::path(d.empty() ? "." : d) / exe;
    if (::access(p.c_str(), X_OK) == 0) return p.string();
  }
  return "";
}

std::string shell_quote(const std::string& s) {
  std::string o = "'";
  for (char c : s) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return o + "'";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

fs::path web_assets_dir(const std::string& source_dir) {
  const char* env = std::getenv("CONDBENCH_WEB_DIR");
  return env && *env ? fs::path(env) : data_dir("web", source_dir, "reports/web");
}

std::string describe_web_assets(const std::string& source_dir) {
  fs::path dir = web_assets_dir(source_dir);
  for (const char* f : kRequired)
    if (!fs::exists(dir / f)) return fmt::format("{} (incomplete: {} missing)", dir.string(), f);
  return dir.string();
}

WebAssets find_web_assets(const std::string& source_dir) {
  WebAssets a;
  a.dir = web_assets_dir(source_dir);
  for (const char* f : kRequired)
    if (!fs::exists(a.dir / f))
      throw InputError(a.dir.string(), fmt::format("report assets missing: {} not found; run scripts/setup.sh "
                                                   "(installs node and the npm packages of reports/web), then "
                                                   "reinstall an installed condbench",
                                                   f));
  a.node = find_in_path("node");
  if (a.node.empty())
    throw InputError("node", "not found in PATH: the report renders its SVG figures with node; run scripts/setup.sh");
  return a;
}

std::string read_asset(const WebAssets& assets, const std::string& relative) {
  fs::path p = assets.dir / relative;
  if (!fs::exists(p)) throw InputError(p.string(), "report asset missing; run scripts/setup.sh");
  return slurp(p);
}

void render_svg_figures(const WebAssets& assets, const nlohmann::json& figures, const fs::path& out_dir) {
  fs::create_directories(out_dir);
  fs::path specs = out_dir / ".specs.json";
  fs::path log = out_dir / ".render.log";
  std::ofstream(specs) << figures.dump();
  std::string cmd = fmt::format("{} {} {} {} >{} 2>&1", shell_quote(assets.node),
                                shell_quote((assets.dir / "render_svg.mjs").string()), shell_quote(specs.string()),
                                shell_quote(out_dir.string()), shell_quote(log.string()));
  int status = std::system(cmd.c_str());
  std::string output = slurp(log);
  fs::remove(specs);
  fs::remove(log);
  if (status != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw InputError(out_dir.string(), "rendering the SVG figures with node failed: " + output);
}

}  // namespace condbench::report
