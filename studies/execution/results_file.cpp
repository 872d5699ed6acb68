#include "studies/execution/results_file.hpp"

#include "studies/runner/input_error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace condbench::exec {
namespace fs = std::filesystem;

namespace {

std::string read_range(const fs::path& p, std::uint64_t begin, std::uint64_t end) {
  std::ifstream in(p, std::ios::binary);
  std::string s(end - begin, '\0');
  in.seekg(static_cast<std::streamoff>(begin));
  in.read(s.data(), static_cast<std::streamsize>(s.size()));
  if (static_cast<std::uint64_t>(in.gcount()) != end - begin)
    throw InputError(p.string(), "shorter than its journal says (was it edited?)");
  return s;
}

// Rows in records: a unit's record may be several CSV lines (a chain study's unit).
int lines_in(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

std::string entry_json(const JournalEntry& e) {
  nlohmann::ordered_json j;
  j["case"] = e.case_index;
  j["begin"] = e.begin;
  j["end"] = e.end;
  j["rows"] = e.rows;
  j["tallies"] = e.tallies;
  return j.dump() + "\n";
}

}  // namespace

std::vector<JournalEntry> read_journal(const fs::path& journal, std::uint64_t first_offset, std::uint64_t file_size) {
  std::vector<JournalEntry> out;
  std::ifstream in(journal, std::ios::binary);
  std::string line;
  std::uint64_t last_end = first_offset;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // no '\n': a torn last line
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
      JournalEntry e;
      e.case_index = j.at("case").get<std::size_t>();
      e.begin = j.at("begin").get<std::uint64_t>();
      e.end = j.at("end").get<std::uint64_t>();
      e.rows = j.at("rows").get<int>();
      e.tallies = j.at("tallies").get<std::map<std::string, int>>();
      if (e.begin != last_end || e.end < e.begin || e.end > file_size) break;
      last_end = e.end;
      out.push_back(std::move(e));
    } catch (const nlohmann::json::exception&) {
      break;
    }
  }
  return out;
}

ResultsFile::ResultsFile(const fs::path& dir, const std::string& header, bool resume)
    : dir_(dir), csv_path_(dir / "results.csv"), journal_path_(dir / "journal.jsonl"), header_(header) {
  if (resume) {
    std::error_code ec;
    const std::uint64_t size = fs::exists(csv_path_) ? fs::file_size(csv_path_, ec) : 0;
    const std::string head = size >= header.size() ? read_range(csv_path_, 0, header.size()) : "";
    if (head != header)
      throw InputError(csv_path_.string(), "cannot resume: the file does not start with this study's header");
    entries_ = read_journal(journal_path_, header.size(), size);
    const std::uint64_t keep = entries_.empty() ? header.size() : entries_.back().end;
    fs::resize_file(csv_path_, keep, ec);
    if (ec) throw InputError(csv_path_.string(), "cannot truncate for the resume: " + ec.message());
    // Rewrite the journal with the entries kept: a torn line must not stay in the middle.
    {
      std::ofstream j(journal_path_, std::ios::binary | std::ios::trunc);
      for (const auto& e : entries_) j << entry_json(e);
    }
    offset_ = keep;
    for (const auto& e : entries_) {
      if (!done_.empty() && e.case_index <= *done_.rbegin()) in_order_ = false;
      done_.insert(e.case_index);
      rows_ += static_cast<std::size_t>(e.rows);
    }
    csv_.open(csv_path_, std::ios::binary | std::ios::app);
    journal_.open(journal_path_, std::ios::binary | std::ios::app);
  } else {
    csv_.open(csv_path_, std::ios::binary | std::ios::trunc);
    journal_.open(journal_path_, std::ios::binary | std::ios::trunc);
    if (csv_) append(header);
  }
  if (!csv_) throw InputError(csv_path_.string(), "cannot write the results file");
  if (!journal_) throw InputError(journal_path_.string(), "cannot write the journal");
  case_begin_ = offset_;
}

void ResultsFile::append(const std::string& text) {
  csv_ << text;
  csv_.flush();
  offset_ += text.size();
}

void ResultsFile::journal(const JournalEntry& e) {
  if (!done_.empty() && e.case_index <= *done_.rbegin()) in_order_ = false;
  journal_ << entry_json(e);
  journal_.flush();
  entries_.push_back(e);
  done_.insert(e.case_index);
  rows_ += static_cast<std::size_t>(e.rows);
}

void ResultsFile::stream(const std::string& record) {
  append(record);
  case_rows_ += lines_in(record);
}

void ResultsFile::close_case(std::size_t case_index, const std::map<std::string, int>& tallies) {
  journal(JournalEntry{case_index, case_begin_, offset_, case_rows_, tallies});
  case_begin_ = offset_;
  case_rows_ = 0;
}

void ResultsFile::write_case(std::size_t case_index, const std::vector<std::string>& records,
                             const std::map<std::string, int>& tallies) {
  std::string text;
  for (const auto& r : records) text += r;
  const std::uint64_t begin = offset_;
  append(text);
  journal(JournalEntry{case_index, begin, offset_, lines_in(text), tallies});
  case_begin_ = offset_;
}

void ResultsFile::write_incomplete(const std::vector<std::string>& records) {
  for (const auto& r : records) append(r);
  case_begin_ = offset_;
  case_rows_ = 0;
}

std::map<std::string, int> ResultsFile::tallies() const {
  std::map<std::string, int> t;
  for (const auto& e : entries_)
    for (const auto& [k, v] : e.tallies) t[k] += v;
  return t;
}

void ResultsFile::sort_by_case() {
  if (in_order_) return;
  csv_.close();
  journal_.close();
  std::vector<JournalEntry> sorted = entries_;
  std::sort(sorted.begin(), sorted.end(),
            [](const JournalEntry& a, const JournalEntry& b) { return a.case_index < b.case_index; });
  fs::path csv_tmp = csv_path_, journal_tmp = journal_path_;
  csv_tmp += ".sorting";
  journal_tmp += ".sorting";
  {
    std::ifstream in(csv_path_, std::ios::binary);
    std::ofstream out(csv_tmp, std::ios::binary | std::ios::trunc);
    std::ofstream jout(journal_tmp, std::ios::binary | std::ios::trunc);
    out << header_;
    std::uint64_t pos = header_.size();
    for (JournalEntry e : sorted) {
      std::string text(e.end - e.begin, '\0');
      in.seekg(static_cast<std::streamoff>(e.begin));
      in.read(text.data(), static_cast<std::streamsize>(text.size()));
      out << text;
      e.begin = pos;
      e.end = pos + text.size();
      pos = e.end;
      jout << entry_json(e);
    }
    if (!out || !jout) throw InputError(dir_.string(), "cannot write the sorted results");
  }
  fs::rename(csv_tmp, csv_path_);
  fs::rename(journal_tmp, journal_path_);
  entries_ = read_journal(journal_path_, header_.size(), fs::file_size(csv_path_));
  in_order_ = true;
  csv_.open(csv_path_, std::ios::binary | std::ios::app);
  journal_.open(journal_path_, std::ios::binary | std::ios::app);
}

}  // namespace condbench::exec
