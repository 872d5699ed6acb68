// The results file of a run and its journal: which cases are complete, where their
// records are, and what they tallied.
//
// results.csv holds the records; journal.jsonl one JSON line per complete case,
// appended after the case's records are flushed:
//   {"case":12,"begin":40213,"end":45120,"rows":18,"tallies":{"...":2}}
// Records past the last journaled case (an interrupted case, a torn line after
// kill -9) are not part of the run: resuming truncates them and reruns the case.
// Cases are journaled in the order they complete; a run that completed them out of
// order (parallel cases) is rewritten in case order at its end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace condbench::exec {

struct JournalEntry {
  std::size_t case_index = 0;
  std::uint64_t begin = 0, end = 0;  // byte range of the case's records in results.csv
  int rows = 0;
  std::map<std::string, int> tallies;
};

// The journal's complete entries, contiguous from `first_offset` (the header's
// length) and within a file of `file_size` bytes; reading stops at a torn line.
std::vector<JournalEntry> read_journal(const std::filesystem::path& journal, std::uint64_t first_offset,
                                       std::uint64_t file_size);

class ResultsFile {
 public:
  // New file: results.csv with `header`, empty journal. Resume: keeps the journaled
  // cases, truncates everything after them. Throws InputError when the folder's files
  // do not fit together (no header, a journal pointing past the file).
  ResultsFile(const std::filesystem::path& dir, const std::string& header, bool resume);

  // Streaming, one case at a time (in-process runs): records are written as they come.
  void stream(const std::string& record);
  void close_case(std::size_t case_index, const std::map<std::string, int>& tallies);
  // A whole case at once (parallel and remote runs).
  void write_case(std::size_t case_index, const std::vector<std::string>& records,
                  const std::map<std::string, int>& tallies);
  // Records of cases that did not complete (an interrupt): kept in the file for the
  // reader, not journaled, so a resume reruns those cases.
  void write_incomplete(const std::vector<std::string>& records);

  const std::set<std::size_t>& done() const { return done_; }
  std::map<std::string, int> tallies() const;
  std::size_t rows() const { return rows_; }
  bool in_order() const { return in_order_; }

  // Rewrites results.csv and the journal in case-index order (atomically: temporary
  // files renamed over the old ones). Only for a run whose cases are all journaled.
  void sort_by_case();

 private:
  void append(const std::string& text);
  void journal(const JournalEntry& e);

  std::filesystem::path dir_, csv_path_, journal_path_;
  std::string header_;
  std::ofstream csv_, journal_;
  std::uint64_t offset_ = 0, case_begin_ = 0;
  int case_rows_ = 0;
  std::vector<JournalEntry> entries_;
  std::set<std::size_t> done_;
  std::size_t rows_ = 0;
  bool in_order_ = true;
};

}  // namespace condbench::exec
