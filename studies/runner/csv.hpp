// CSV as RFC 4180 writes it, read with libcsv: CRLF or LF line ends, quoted fields
// with commas, doubled quotes and line breaks inside, and an optional UTF-8 byte
// order mark (what Python's csv module, Excel and pandas write).
#pragma once

#include <string>
#include <vector>

namespace condbench::csv {

struct Record {
  std::vector<std::string> fields;
  int line = 0;  // the (1-based) line on which the record ends, for messages
};

// Every record of the text, blank lines skipped. A malformed text (a quote inside an
// unquoted field, an unterminated quoted field) throws InputError naming where:line.
std::vector<Record> parse(const std::string& text, const std::string& where);

// A field as written to our files: quoted when it holds a comma, quote or line
// break; line breaks become spaces so every record of our own files is one line.
std::string escape(const std::string& field);

// Fields joined with commas, each escaped, and a trailing '\n'.
std::string join(const std::vector<std::string>& fields);

}  // namespace condbench::csv
