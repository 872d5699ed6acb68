#include "studies/runner/run_folder.hpp"

#include "studies/runner/input_error.hpp"

#include <fstream>
#include <sstream>

namespace condbench {
namespace fs = std::filesystem;

void write_run_json(const fs::path& dir, const nlohmann::ordered_json& meta) {
  fs::path path = dir / "run.json";
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp);
    out << meta.dump(2) << '\n';
    if (!out) throw InputError(tmp.string(), "cannot write run.json");
  }
  fs::rename(tmp, path);
}

std::string read_text_file(const fs::path& path, const std::string& unreadable) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), unreadable);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::ordered_json read_run_json(const fs::path& dir, const std::string& why) {
  fs::path path = dir / "run.json";
  if (!fs::exists(path)) throw InputError(dir.string(), why + ": no run.json (not a condbench run folder)");
  try {
    return nlohmann::ordered_json::parse(read_text_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path.string(), why + ": half-written or corrupt JSON: " + e.what());
  }
}

std::vector<ResultRow> read_results(const fs::path& dir) {
  fs::path path = dir / "results.csv";
  return parse_results_csv(read_text_file(path), path.string());
}

}  // namespace condbench
