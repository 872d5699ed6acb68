#include "studies/runner/merge.hpp"

#include "studies/execution/results_file.hpp"
#include "studies/runner/context.hpp"
#include "studies/runner/input_error.hpp"
#include "studies/runner/run_folder.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <tuple>

namespace condbench {
namespace fs = std::filesystem;
namespace {

struct ShardRun {
  std::string dir;
  nlohmann::ordered_json meta;
  int index = 0, count = 0;
  std::string text;  // results.csv
  std::vector<exec::JournalEntry> entries;
};

ShardRun read_shard(const std::string& dir) {
  ShardRun s;
  s.dir = dir;
  s.meta = read_run_json(dir, "not a shard");
  const auto& shard = s.meta.value("execution", nlohmann::ordered_json::object()).value("shard", nlohmann::ordered_json());
  if (!shard.is_object())
    throw InputError(dir, "not a shard: it ran the whole study (no --shard, no SLURM_ARRAY_TASK_ID)");
  s.index = shard.value("index", -1);
  s.count = shard.value("count", 0);
  std::string status = s.meta.value("status", "?");
  if (status != "complete")
    throw InputError(dir, fmt::format("shard {}/{} is '{}', not complete: continue it with condbench run ... --out {} "
                                      "--shard {}/{} --resume",
                                      s.index, s.count, status, dir, s.index, s.count));
  s.text = read_text_file(fs::path(dir) / "results.csv");
  const std::size_t header_end = s.text.find('\n');
  if (header_end == std::string::npos) throw InputError(dir + "/results.csv", "no header line");
  s.entries = exec::read_journal(fs::path(dir) / "journal.jsonl", header_end + 1, s.text.size());
  return s;
}

}  // namespace

MergeResult merge_shards(const std::string& out_dir, const std::vector<std::string>& shard_dirs, bool force) {
  if (shard_dirs.empty()) throw InputError("merge", "no shard folders given");
  std::vector<ShardRun> shards;
  for (const auto& d : shard_dirs) shards.push_back(read_shard(d));
  const ShardRun& first = shards.front();
  auto same = [&](const ShardRun& s, const char* what, const nlohmann::ordered_json& a, const nlohmann::ordered_json& b) {
    if (a != b)
      throw InputError(s.dir, fmt::format("not a shard of the same run as {}: the {} differs", first.dir, what));
  };
  std::map<int, std::string> seen;
  const std::string header = first.text.substr(0, first.text.find('\n') + 1);
  for (const auto& s : shards) {
    same(s, "study text", first.meta["study"].value("text", ""), s.meta["study"].value("text", ""));
    same(s, "solver list", first.meta["study"].value("solver_names", nlohmann::ordered_json()),
         s.meta["study"].value("solver_names", nlohmann::ordered_json()));
    same(s, "condbench commit", first.meta["context"].value("git_commit", ""), s.meta["context"].value("git_commit", ""));
    same(s, "filters", first.meta.value("filters", nlohmann::ordered_json()), s.meta.value("filters", nlohmann::ordered_json()));
    same(s, "skipped-rows setting", first.meta["execution"].value("skipped_rows", false),
         s.meta["execution"].value("skipped_rows", false));
    same(s, "results header", header, s.text.substr(0, s.text.find('\n') + 1));
    if (s.count != first.count)
      throw InputError(s.dir, fmt::format("shard {}/{} does not belong to a split in {} like {}", s.index, s.count,
                                          first.count, first.dir));
    if (auto [it, fresh] = seen.emplace(s.index, s.dir); !fresh)
      throw InputError(s.dir, fmt::format("shard {}/{} is given twice (also {})", s.index, s.count, it->second));
  }
  for (int i = 0; i < first.count; ++i)
    if (!seen.count(i))
      throw InputError("merge", fmt::format("shard {}/{} is missing (have {} of {} shards)", i, first.count,
                                            seen.size(), first.count));

  // case index -> (shard, entry): every case once.
  std::map<std::size_t, std::pair<const ShardRun*, const exec::JournalEntry*>> cases;
  for (const auto& s : shards)
    for (const auto& e : s.entries)
      if (auto [it, fresh] = cases.emplace(e.case_index, std::make_pair(&s, &e)); !fresh)
        throw InputError(s.dir, fmt::format("case {} is also in {}: the shards overlap", e.case_index,
                                            it->second.first->dir));
  std::size_t planned = 0;
  for (const auto& s : shards) planned += s.meta["execution"].value("cases_planned", std::size_t{0});
  if (cases.size() != planned)
    throw InputError("merge", fmt::format("the shards' journals hold {} complete cases, their run.json files plan {}",
                                          cases.size(), planned));

  fs::path out(out_dir);
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_empty(out, ec) && !force)
    throw InputError(out_dir, "output folder exists and is not empty; pass --force to replace it");
  fs::create_directories(out, ec);
  if (ec) throw InputError(out_dir, "cannot create: " + ec.message());
  for (const char* f : {"results.csv", "journal.jsonl", "run.json", "report.html", "summary.md"}) fs::remove(out / f, ec);

  MergeResult result;
  result.shards = shards.size();
  {
    exec::ResultsFile results(out, header, false);
    for (const auto& [c, where] : cases) {
      const auto& [s, e] = where;
      std::vector<std::string> records;
      std::string text = s->text.substr(e->begin, e->end - e->begin);
      std::size_t pos = 0;
      while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        records.push_back(text.substr(pos, nl - pos + 1));
        pos = nl + 1;
      }
      results.write_case(c, records, e->tallies);
      result.rows += records.size();
    }
    result.cases = cases.size();
  }

  nlohmann::ordered_json meta = first.meta;
  meta["status"] = "complete";
  meta["command"] = "condbench merge";
  meta["execution"]["shard"] = nullptr;
  meta["execution"]["cases_planned"] = planned;
  meta["execution"]["cases_done"] = cases.size();
  // The skip summary: the shards' groups (with the reasons their machines gave) added up.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, long long> skipped;
  long long skipped_total = 0, ok = 0, failed = 0, skipped_rows = 0, crashes = 0, timeouts = 0;
  nlohmann::ordered_json shard_list = nlohmann::ordered_json::array();
  std::string start = first.meta.value("start_time", ""), end = first.meta.value("end_time", "");
  for (const auto& s : shards) {
    for (const auto& g : s.meta.value("skipped", nlohmann::ordered_json::object()).value("groups", nlohmann::ordered_json::array()))
      skipped[{g.value("solver", ""), g.value("precision", ""), g.value("kind", ""), g.value("reason", "")}] +=
          g.value("rows", 0LL);
    skipped_total += s.meta.value("skipped", nlohmann::ordered_json::object()).value("rows", 0LL);
    const auto& rows = s.meta.value("rows", nlohmann::ordered_json::object());
    ok += rows.value("ok", 0LL);
    failed += rows.value("failed", 0LL);
    skipped_rows += rows.value("skipped", 0LL);
    crashes += s.meta["execution"].value("crashes", 0LL);
    timeouts += s.meta["execution"].value("timeouts", 0LL);
    start = std::min(start, s.meta.value("start_time", start));
    end = std::max(end, s.meta.value("end_time", end));
    shard_list.push_back({{"dir", fs::absolute(s.dir).string()},
                          {"shard", s.meta["execution"]["shard"]},
                          {"start_time", s.meta.value("start_time", nlohmann::ordered_json())},
                          {"end_time", s.meta.value("end_time", nlohmann::ordered_json())},
                          {"seconds", s.meta.value("seconds", nlohmann::ordered_json())},
                          {"execution", s.meta["execution"]},
                          {"context", s.meta["context"]}});
  }
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& [k, n] : skipped)
    groups.push_back({{"solver", std::get<0>(k)},
                      {"precision", std::get<1>(k)},
                      {"kind", std::get<2>(k)},
                      {"reason", std::get<3>(k)},
                      {"rows", n}});
  meta["skipped"] = {{"rows", skipped_total}, {"groups", groups}};
  meta["rows"] = {{"total", result.rows}, {"ok", ok}, {"failed", failed}, {"skipped", skipped_rows}};
  meta["execution"]["crashes"] = crashes;
  meta["execution"]["timeouts"] = timeouts;
  meta["start_time"] = start;
  meta["end_time"] = end;
  meta["merged_at"] = now_iso8601();
  meta["shards"] = shard_list;
  meta.erase("resumptions");
  nlohmann::ordered_json fits = nlohmann::ordered_json::array();
  for (const auto& f : fit_time_exponents(read_results(out)))
    fits.push_back({{"solver", f.solver}, {"precision", f.precision}, {"kind", f.kind}, {"exponent", f.exponent},
                    {"n_min", f.n_min}, {"n_max", f.n_max}, {"sizes", f.sizes}});
  meta["time_exponents"] = fits;
  write_run_json(out, meta);
  return result;
}

}  // namespace condbench
