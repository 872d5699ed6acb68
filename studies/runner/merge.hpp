// condbench merge: the shards of one study (run with --shard I/N, by hand or as a
// Slurm job array) joined into one run folder, as if the study had run unsharded.
#pragma once

#include <string>
#include <vector>

namespace condbench {

struct MergeResult {
  std::size_t shards = 0, cases = 0, rows = 0;
};

// Checks that the folders are the complete, non-overlapping shards 0..N-1 of the same
// study (text and solvers), commit, filters and skipped-rows setting, then writes
// out_dir/results.csv (in case order), journal.jsonl and run.json (with every shard's
// context). Throws InputError naming what is wrong: a shard missing, given twice, not
// complete, or of another study; nothing is written then.
MergeResult merge_shards(const std::string& out_dir, const std::vector<std::string>& shard_dirs, bool force);

}  // namespace condbench
