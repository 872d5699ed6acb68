// Shards for batch systems: shard I of N runs the cases whose index i has
// i % N == I (round robin, so every shard gets a mix of cheap and costly cases,
// as GoogleTest shards its tests).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace condbench::exec {

struct Shard {
  int index = 0, count = 1;
  bool whole() const { return count == 1; }
  std::string text() const;  // "2/8"
};

// "I/N" with 0 <= I < N; InputError naming `where` otherwise.
Shard parse_shard(const std::string& text, const std::string& where);

// The shard a Slurm job array task runs: its position in the array's id list
// (SLURM_ARRAY_TASK_ID, _MIN, _STEP, _COUNT); nothing when not in an array. An
// array whose ids are not evenly spaced is an InputError asking for --shard.
std::optional<Shard> shard_from_slurm();

std::vector<std::size_t> shard_cases(std::size_t case_count, const Shard& s);

}  // namespace condbench::exec
