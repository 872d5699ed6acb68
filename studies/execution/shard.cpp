#include "studies/execution/shard.hpp"

#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace condbench::exec {
namespace {

std::optional<long long> env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  char* end = nullptr;
  long long x = std::strtoll(v, &end, 10);
  if (*end) throw InputError(name, fmt::format("'{}' is not an integer", v));
  return x;
}

}  // namespace

std::string Shard::text() const { return fmt::format("{}/{}", index, count); }

Shard parse_shard(const std::string& text, const std::string& where) {
  Shard s;
  int used = 0;
  if (std::sscanf(text.c_str(), "%d/%d%n", &s.index, &s.count, &used) != 2 || used != static_cast<int>(text.size()) ||
      s.count < 1 || s.index < 0 || s.index >= s.count)
    throw InputError(where, fmt::format("'{}' is not a shard I/N with 0 <= I < N (e.g. 0/4 ... 3/4)", text));
  return s;
}

std::optional<Shard> shard_from_slurm() {
  auto id = env_int("SLURM_ARRAY_TASK_ID");
  auto count = env_int("SLURM_ARRAY_TASK_COUNT");
  if (!id || !count) return std::nullopt;
  long long min = env_int("SLURM_ARRAY_TASK_MIN").value_or(0);
  long long step = env_int("SLURM_ARRAY_TASK_STEP").value_or(1);
  long long max = env_int("SLURM_ARRAY_TASK_MAX").value_or(min + (*count - 1) * step);
  if (step < 1 || (max - min) % step != 0 || (max - min) / step + 1 != *count || (*id - min) % step != 0)
    throw InputError("SLURM_ARRAY_TASK_*",
                     fmt::format("the job array's ids ({}..{} step {}, {} tasks) are not evenly spaced, so this task's "
                                 "position is unknown: pass --shard I/N",
                                 min, max, step, *count));
  Shard s;
  s.index = static_cast<int>((*id - min) / step);
  s.count = static_cast<int>(*count);
  return s;
}

std::vector<std::size_t> shard_cases(std::size_t case_count, const Shard& s) {
  std::vector<std::size_t> out;
  for (std::size_t i = static_cast<std::size_t>(s.index); i < case_count; i += static_cast<std::size_t>(s.count))
    out.push_back(i);
  return out;
}

}  // namespace condbench::exec
