#include "studies/generators/matrix_market.hpp"

#include <boost/multiprecision/cpp_int.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

namespace condbench::mm {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> split_ws(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    std::size_t j = i;
    while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

bool blank_or_comment(std::string_view line) {
  for (char c : line) {
    if (c == '%') return true;
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// Reads the text line by line, numbering lines from 1, stripping a trailing '\r'.
class Lines {
 public:
  explicit Lines(const std::string& text) : text_(text) {}
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    std::size_t e = text_.find('\n', pos_);
    if (e == std::string::npos) e = text_.size();
    line = std::string_view(text_).substr(pos_, e - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = e + 1;
    ++number_;
    return true;
  }
  // The next line that is neither blank nor a comment.
  bool next_data(std::string_view& line) {
    while (next(line))
      if (!blank_or_comment(line)) return true;
    return false;
  }
  long number() const { return number_; }

 private:
  const std::string& text_;
  std::size_t pos_ = 0;
  long number_ = 0;
};

struct Parser {
  const std::string& name;

  [[noreturn]] void fail(long line, const std::string& what) const { throw MatrixMarketError(name, line, what); }

  long index(std::string_view tok, long line, const char* what) const {
    long v = 0;
    auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
    if (ec != std::errc() || p != tok.data() + tok.size())
      fail(line, fmt::format("{} '{}' is not an integer", what, tok));
    return v;
  }

  double value(std::string_view tok, Field field, long line) const {
    if (field == Field::integer) {
      long long v = 0;
      auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
      if (ec == std::errc::result_out_of_range)
        fail(line, fmt::format("integer value '{}' is out of range", tok));
      if (ec != std::errc() || p != tok.data() + tok.size())
        fail(line, fmt::format("value '{}' is not an integer (the header says the field is integer)", tok));
      if (v > (1ll << 53) || v < -(1ll << 53))
        fail(line, fmt::format("integer value '{}' is beyond 2^53: not exactly representable as a double", tok));
      return static_cast<double>(v);
    }
    std::string s(tok);  // strtod needs a terminated string
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0') fail(line, fmt::format("value '{}' is not a number", tok));
    if (!std::isfinite(v)) fail(line, fmt::format("value '{}' is not finite (NaN and Inf are not allowed)", tok));
    if (errno == ERANGE && std::fabs(v) >= 1) fail(line, fmt::format("value '{}' overflows a double", tok));
    return v;  // an underflow (ERANGE, subnormal or zero) is the correctly rounded value: kept
  }
};

Header parse_header(Lines& lines, const Parser& P) {
  Header h;
  std::string_view line;
  if (!lines.next(line)) P.fail(1, "empty file: expected the banner '%%MatrixMarket matrix array|coordinate ...'");
  const auto tok = split_ws(line);
  if (tok.empty() || lower(tok[0]) != "%%matrixmarket")
    P.fail(1, "not a Matrix Market file: the first line must start with '%%MatrixMarket'");
  if (tok.size() != 5)
    P.fail(1, fmt::format("banner needs 4 words after %%MatrixMarket (matrix, format, field, symmetry), found {}",
                          tok.size() - 1));
  if (lower(tok[1]) != "matrix") P.fail(1, fmt::format("object '{}' is not supported (only 'matrix')", tok[1]));
  const std::string fmt_ = lower(tok[2]), field = lower(tok[3]), sym = lower(tok[4]);
  if (fmt_ == "array")
    h.format = Format::array;
  else if (fmt_ == "coordinate")
    h.format = Format::coordinate;
  else
    P.fail(1, fmt::format("format '{}' is not 'array' or 'coordinate'", tok[2]));
  if (field == "real" || field == "double")
    h.field = Field::real;
  else if (field == "integer")
    h.field = Field::integer;
  else if (field == "pattern" && h.format == Format::coordinate)
    h.field = Field::pattern;
  else if (field == "complex")
    P.fail(1, "field 'complex' is not supported: condbench studies real matrices");
  else
    P.fail(1, fmt::format("field '{}' is not supported (real, integer, or pattern with coordinate)", tok[3]));
  if (sym == "general")
    h.symmetry = Symmetry::general;
  else if (sym == "symmetric" || sym == "hermitian")  // hermitian on a real field is symmetric
    h.symmetry = Symmetry::symmetric;
  else if (sym == "skew-symmetric")
    h.symmetry = Symmetry::skew_symmetric;
  else
    P.fail(1, fmt::format("symmetry '{}' is not general, symmetric or skew-symmetric", tok[4]));

  if (!lines.next_data(line))
    P.fail(lines.number() + 1, "file ends before the size line");
  const long at = lines.number();
  const auto size = split_ws(line);
  const std::size_t want = h.format == Format::array ? 2 : 3;
  if (size.size() != want)
    P.fail(at, fmt::format("size line must have {} integers ({}), found '{}'", want,
                           want == 2 ? "rows cols" : "rows cols entries", line));
  h.rows = P.index(size[0], at, "row count");
  h.cols = P.index(size[1], at, "column count");
  if (h.rows < 1 || h.cols < 1) P.fail(at, fmt::format("size {}x{}: rows and columns must be >= 1", h.rows, h.cols));
  if (static_cast<double>(h.rows) * static_cast<double>(h.cols) > 2e9)
    P.fail(at, fmt::format("size {}x{} is too large for a dense matrix", h.rows, h.cols));
  if (h.symmetry != Symmetry::general && h.rows != h.cols)
    P.fail(at, fmt::format("a {} matrix must be square, the size line says {}x{}",
                           h.symmetry == Symmetry::symmetric ? "symmetric" : "skew-symmetric", h.rows, h.cols));
  const long n = h.cols;
  if (h.format == Format::coordinate) {
    h.entries = P.index(size[2], at, "entry count");
    const long max = h.symmetry == Symmetry::general ? h.rows * h.cols : n * (n + 1) / 2;
    if (h.entries < 0 || h.entries > max)
      P.fail(at, fmt::format("entry count {} is outside 0..{} for a {}x{} {} matrix", h.entries, max, h.rows,
                             h.cols, tok[4]));
  } else {
    h.entries = h.symmetry == Symmetry::general     ? h.rows * h.cols
                : h.symmetry == Symmetry::symmetric ? n * (n + 1) / 2
                                                    : n * (n - 1) / 2;
  }
  return h;
}

}  // namespace

MatrixFile parse_matrix_market(const std::string& text, const std::string& name) {
  Parser P{name};
  Lines lines(text);
  MatrixFile out;
  out.path = name;
  out.hash = fnv1a(text);
  Header& h = out.header;
  h = parse_header(lines, P);
  out.A.zeros(h.rows, h.cols);
  arma::mat& A = out.A;
  const std::size_t per_line = h.format == Format::array ? 1 : (h.field == Field::pattern ? 2 : 3);
  // coordinate: the line that set each entry, for duplicate messages (0 = not set)
  std::vector<std::uint32_t> set_at;
  if (h.format == Format::coordinate) set_at.assign(static_cast<std::size_t>(h.rows * h.cols), 0);
  long i = 0, j = 0;  // array: the next position (column-major, lower triangle when symmetric)
  if (h.format == Format::array && h.symmetry == Symmetry::skew_symmetric) i = 1;
  std::string_view line;
  for (long k = 0; k < h.entries; ++k) {
    if (!lines.next_data(line))
      P.fail(lines.number() + 1,
             fmt::format("file ends after {} of the {} entries the header announces (truncated?)", k, h.entries));
    const long at = lines.number();
    const auto tok = split_ws(line);
    if (tok.size() != per_line)
      P.fail(at, fmt::format("expected {} ({}), found {} field{}: '{}'", per_line == 1 ? "one value" : "an entry",
                             per_line == 1 ? "array format: one value per line"
                             : per_line == 2 ? "row column"
                                             : "row column value",
                             tok.size(), tok.size() == 1 ? "" : "s", line));
    if (h.format == Format::array) {
      const double v = P.value(tok[0], h.field, at);
      A(i, j) = v;
      if (h.symmetry == Symmetry::symmetric) A(j, i) = v;
      if (h.symmetry == Symmetry::skew_symmetric) A(j, i) = -v;
      if (++i == h.rows) {
        ++j;
        i = h.symmetry == Symmetry::general ? 0 : (h.symmetry == Symmetry::symmetric ? j : j + 1);
      }
      continue;
    }
    const long r = P.index(tok[0], at, "row index"), c = P.index(tok[1], at, "column index");
    if (r < 1 || r > h.rows || c < 1 || c > h.cols)
      P.fail(at, fmt::format("index ({}, {}) is out of range for a {}x{} matrix (indices are 1-based)", r, c, h.rows,
                             h.cols));
    const double v = h.field == Field::pattern ? 1.0 : P.value(tok[2], h.field, at);
    const long ri = r - 1, ci = c - 1;
    if (h.symmetry == Symmetry::skew_symmetric && ri == ci) {
      if (v != 0) P.fail(at, fmt::format("diagonal entry ({}, {}) = {} in a skew-symmetric matrix", r, c, tok[2]));
      continue;
    }
    auto mark = [&](long a, long b) {
      std::uint32_t& s = set_at[static_cast<std::size_t>(a + b * h.rows)];
      if (s != 0)
        P.fail(at, fmt::format("duplicate entry ({}, {}){}: first given at line {}", r, c,
                               h.symmetry != Symmetry::general ? " (or its mirror: the matrix is symmetric)" : "", s));
      s = static_cast<std::uint32_t>(std::min<long>(at, 0xffffffffL));
    };
    mark(ri, ci);
    A(ri, ci) = v;
    if (h.symmetry != Symmetry::general && ri != ci) {
      mark(ci, ri);
      A(ci, ri) = h.symmetry == Symmetry::symmetric ? v : -v;
    }
  }
  while (lines.next_data(line))
    P.fail(lines.number(), fmt::format("more data than the {} entries the header announces: '{}'", h.entries, line));
  return out;
}

static std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MatrixMarketError(path, 0, std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

MatrixFile read_matrix_market(const std::string& path) { return parse_matrix_market(read_file(path), path); }

Header read_matrix_market_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MatrixMarketError(path, 0, std::string("cannot open: ") + std::strerror(errno));
  // The banner, comments and the size line: read lines until the size line is in.
  std::string text, line;
  bool banner = false;
  while (std::getline(in, line)) {
    text += line + "\n";
    if (!banner) {
      banner = true;
      continue;
    }
    if (!blank_or_comment(line)) break;
  }
  Parser P{path};
  Lines lines(text);
  return parse_header(lines, P);
}

std::string format_double(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

namespace {
void write_lines(const std::string& path, const std::string& banner_and_size, const std::vector<std::string>& comments,
                 const std::vector<std::string>& values, long rows, long cols) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw MatrixMarketError(path, 0, std::string("cannot write: ") + std::strerror(errno));
  std::string out = banner_and_size;
  for (const auto& c : comments) out += "% " + c + "\n";
  out += fmt::format("{} {}\n", rows, cols);
  for (const auto& v : values) out += v + "\n";
  const bool ok = std::fwrite(out.data(), 1, out.size(), f) == out.size();
  if (std::fclose(f) != 0 || !ok) throw MatrixMarketError(path, 0, std::string("write failed: ") + std::strerror(errno));
}
}  // namespace

std::string exact_decimal(double v) {
  if (!std::isfinite(v)) return format_double(v);
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  int e2 = 0;
  const double frac = std::frexp(std::fabs(v), &e2);  // |v| = frac 2^e2, frac in [0.5, 1)
  // |v| = m 2^e with m a 53-bit integer (exact: ldexp of a double by a power of two).
  auto m = static_cast<std::uint64_t>(std::ldexp(frac, 53));
  int e = e2 - 53;
  while (m % 2 == 0 && e < 0) m /= 2, ++e;  // the shortest m: fewer digits to carry
  namespace bmp = boost::multiprecision;
  bmp::cpp_int digits = m;
  int point = 0;  // |v| = digits 10^point
  if (e >= 0) {
    digits <<= e;
  } else {
    digits *= bmp::pow(bmp::cpp_int(5), -e);
    point = e;
  }
  std::string d = digits.str();
  // Trailing zeros of the integer belong to the exponent.
  std::size_t last = d.find_last_not_of('0');
  point += static_cast<int>(d.size() - 1 - last);
  d.erase(last + 1);
  const int exponent = point + static_cast<int>(d.size()) - 1;
  std::string out = std::signbit(v) ? "-" : "";
  out += d.substr(0, 1);
  if (d.size() > 1) out += "." + d.substr(1);
  return out + "e" + std::to_string(exponent);
}

void write_matrix_market(const std::string& path, const arma::mat& A, const std::vector<std::string>& comments,
                         bool exact) {
  std::vector<std::string> values;
  values.reserve(A.n_elem);
  char buf[40];
  for (arma::uword k = 0; k < A.n_elem; ++k) {
    if (exact) {
      values.push_back(exact_decimal(A[k]));
      continue;
    }
    std::snprintf(buf, sizeof buf, "%.17g", A[k]);
    values.emplace_back(buf);
  }
  write_lines(path, "%%MatrixMarket matrix array real general\n", comments, values, static_cast<long>(A.n_rows),
              static_cast<long>(A.n_cols));
}

void write_matrix_market_text(const std::string& path, const std::vector<std::string>& values,
                              const std::vector<std::string>& comments) {
  write_lines(path, "%%MatrixMarket matrix array real general\n", comments, values, static_cast<long>(values.size()),
              1);
}

}  // namespace condbench::mm
