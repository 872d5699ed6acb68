// Matrix Market (.mtx) files: dense real matrices in and out.
//
// Reads the `matrix` object in `array` (dense, column-major) and `coordinate` (sparse
// triplets, 1-based) formats, fields `real` and `integer` (and `pattern`: every listed
// entry is 1), symmetries `general`, `symmetric` and `skew-symmetric` (`hermitian` on a
// real field is symmetric). The result is always a dense double matrix: condbench
// studies dense solvers.
//
// Every problem with a file (no banner, unknown banner word, complex field, truncated,
// extra entries, a value that does not parse, NaN or Inf, an integer beyond 2^53, an
// index out of range, a duplicate entry, a nonzero skew-symmetric diagonal, an upper-
// triangle entry in a symmetric `array` file is impossible by construction) throws
// MatrixMarketError naming the file and the line.
//
// Writes `array real general` with %.17g (every double round-trips bit for bit,
// including -0 and subnormals) or with more digits for high-precision values.
#pragma once

#include <armadillo>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace condbench::mm {

class MatrixMarketError : public std::runtime_error {
 public:
  MatrixMarketError(const std::string& file, long line, const std::string& what)
      : std::runtime_error(line > 0 ? file + ":" + std::to_string(line) + ": " + what : file + ": " + what),
        file_(file),
        line_(line) {}
  const std::string& file() const { return file_; }
  long line() const { return line_; }  // 0 when the error is not about one line

 private:
  std::string file_;
  long line_;
};

enum class Format { array, coordinate };
enum class Field { real, integer, pattern };
enum class Symmetry { general, symmetric, skew_symmetric };

struct Header {
  Format format = Format::array;
  Field field = Field::real;
  Symmetry symmetry = Symmetry::general;
  long rows = 0, cols = 0;
  long entries = 0;  // coordinate: the declared count; array: the count of stored values
};

struct MatrixFile {
  Header header;
  arma::mat A;          // rows x cols, dense
  std::string path;
  std::uint64_t hash = 0;  // FNV-1a of the file's bytes (identifies the content in outputs)
};

// Parses text (the file's content); `name` is used in messages.
MatrixFile parse_matrix_market(const std::string& text, const std::string& name);
// Reads and parses a file (MatrixMarketError with line 0 when it cannot be opened).
MatrixFile read_matrix_market(const std::string& path);
// Only the banner and the size line (cheap: for the shape before the whole file is read).
Header read_matrix_market_header(const std::string& path);

// Writes A as `array real general`, one value per line: %.17g (reads back bit for bit
// through a double parser), or with exact = true the exact decimal expansion of every
// value (exact_decimal), for tools that take a decimal at its decimal value.
// comments: lines written after the banner, each prefixed with "% ".
void write_matrix_market(const std::string& path, const arma::mat& A, const std::vector<std::string>& comments = {},
                         bool exact = false);

// The exact decimal value of a double, in scientific notation with every significant
// digit and no more ("0.1" -> "1.000000000000000055511151231257827021181583404541015625e-1";
// up to 767 digits for subnormals). A double is m 2^e: for e < 0 its value is
// m 5^-e / 10^-e, an integer's digits with the decimal point moved.
std::string exact_decimal(double v);

// Writes a column vector of already formatted values (e.g. 40-digit high-precision numbers).
void write_matrix_market_text(const std::string& path, const std::vector<std::string>& values,
                              const std::vector<std::string>& comments = {});

// The %.17g text of a double (exactly what write_matrix_market writes).
std::string format_double(double v);

}  // namespace condbench::mm
