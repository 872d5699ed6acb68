#include "studies/runner/csv.hpp"

#include "studies/runner/input_error.hpp"

#include <csv.h>
#include <fmt/format.h>

#include <memory>

namespace condbench::csv {
namespace {

struct Collector {
  std::vector<Record> records;
  Record current;
  int line = 0;
  bool pending = false;  // a field has been seen in the current record
};

void on_field(void* data, std::size_t len, void* self) {
  auto* c = static_cast<Collector*>(self);
  c->current.fields.emplace_back(static_cast<const char*>(data), len);
  c->pending = true;
}

void on_record(int, void* self) {
  auto* c = static_cast<Collector*>(self);
  if (!c->pending) return;
  c->current.line = c->line;
  c->records.push_back(std::move(c->current));
  c->current = Record{};
  c->pending = false;
}

// Keep every byte of an unquoted field: libcsv trims spaces and tabs by default.
int no_space(unsigned char) { return 0; }

}  // namespace

std::vector<Record> parse(const std::string& text, const std::string& where) {
  csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
    throw InputError(where, "cannot initialise the CSV parser");
  std::unique_ptr<csv_parser, void (*)(csv_parser*)> guard(&p, csv_free);
  csv_set_space_func(&p, no_space);
  Collector c;
  std::size_t pos = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;  // UTF-8 byte order mark
  // Fed line by line, so a record's end is known to happen on the current line.
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::size_t end = nl == std::string::npos ? text.size() : nl + 1;
    ++c.line;
    if (csv_parse(&p, text.data() + pos, end - pos, on_field, on_record, &c) != end - pos)
      throw InputError(fmt::format("{}:{}", where, c.line),
                       fmt::format("malformed CSV: {} (a quote inside an unquoted field?)",
                                   csv_strerror(csv_error(&p))));
    pos = end;
  }
  if (csv_fini(&p, on_field, on_record, &c) != 0)
    throw InputError(fmt::format("{}:{}", where, c.line),
                     "malformed CSV: the last field opens a quote that never closes (a half-written file?)");
  return c.records;
}

std::string escape(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char ch : s) {
    if (ch == '"') o += '"';
    o += (ch == '\n' || ch == '\r') ? ' ' : ch;
  }
  return o + "\"";
}

std::string join(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += escape(fields[i]);
  }
  out += '\n';
  return out;
}

}  // namespace condbench::csv
