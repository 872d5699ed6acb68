#include "studies/runner/case_memory.hpp"

#include "studies/generators/params.hpp"
#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace condbench {

double available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string key;
    double kb = 0;
    if (ss >> key >> kb && key == "MemAvailable:") return kb * 1024;
  }
  return physical_memory_bytes();
}

double case_bytes(const ProblemSpec& spec) {
  const double runner = spec.reference ? 6 : 4;
  const double matrices = std::max(runner, spec.generator->info().peak_matrices);
  return 8.0 * static_cast<double>(spec.m) * static_cast<double>(spec.n) * matrices;
}

namespace {

std::string bytes_text(double b) { return b >= 1e9 ? fmt::format("{:.1f} GB", b / 1e9) : fmt::format("{:.0f} MB", b / 1e6); }

}  // namespace

void check_case_memory(const Study& study, double available) {
  for (const ProblemSpec& spec : study.problems) {
    const double need = case_bytes(spec);
    if (need <= available) continue;
    throw InputError(spec.where,
                     fmt::format("{} {}x{}: a case needs ~{} ({:.0f} matrices of {}x{} doubles{}) but only {} "
                                 "are available (MemAvailable in /proc/meminfo); use a smaller n{}",
                                 spec.generator->info().name, spec.m, spec.n, bytes_text(need),
                                 need / (8.0 * spec.m * spec.n), spec.m, spec.n,
                                 spec.reference ? ", with the reference" : "", bytes_text(available),
                                 spec.reference ? " or reference = false (timing-only)" : ""));
  }
}

}  // namespace condbench
