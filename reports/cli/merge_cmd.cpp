// condbench merge OUT SHARD_DIR...
#include "reports/cli/command.hpp"
#include "studies/runner/merge.hpp"

#include <fmt/format.h>

#include <memory>

namespace condbench::cli {
namespace {

struct MergeArgs {
  std::string out;
  std::vector<std::string> shards;
  bool force = false;
};

Command make(CLI::App& app) {
  auto a = std::make_shared<MergeArgs>();
  auto* sub = app.add_subcommand("merge",
                                 "join the shard folders of one study (run with --shard I/N or as a Slurm job array) "
                                 "into one run folder; checks that they are all the shards, of the same study and "
                                 "commit, none missing or overlapping");
  sub->add_option("out", a->out, "the merged run folder")->required();
  sub->add_option("shards", a->shards, "the shard folders, in any order")->required();
  sub->add_flag("-f,--force", a->force, "replace the results in an existing output folder");
  return {sub, [a] {
            MergeResult r = merge_shards(a->out, a->shards, a->force);
            fmt::print("merged {} shards: {} cases, {} rows -> {}/results.csv, {}/run.json (condbench report {} for "
                       "the report)\n",
                       r.shards, r.cases, r.rows, a->out, a->out, a->out);
            return 0;
          }};
}

}  // namespace
CONDBENCH_REGISTER_COMMAND(15, make);
}  // namespace condbench::cli
