// mtx: a problem from a Matrix Market file (the user's own matrix, or SuiteSparse's).
//
//   [[problem]]
//   generator = "mtx"
//   file = "tests/data/west0067.mtx"   # relative paths resolve against the current directory
//   n = 67                             # must be the file's column count (m defaults to its row count)
//   kind = "general"                   # default from the shape: general (square), least_squares
//                                      # (m > n), underdetermined (m < n); spd needs a symmetric matrix
//   rhs = "b.mtx"                      # optional: an m x 1 Matrix Market vector; else b = A x_true
//   x_true = "random"                  # random (Gaussian, from the seed) or ones, when there is no rhs
#include <cmath>
#include <filesystem>
#include <string>

#include "studies/generators/construct.hpp"
#include "studies/generators/matrix_market.hpp"
#include "studies/generators/params.hpp"
#include "studies/generators/rng.hpp"

#include <fmt/format.h>

namespace condbench {
namespace {

constexpr std::uint64_t kStreamX = 3;  // as randsvd's x_true stream

struct Settings {
  std::string file;
  std::string rhs;                // empty: b = A x_true
  std::string x_true = "random";  // random | ones
  std::string kind_text;          // as given; empty = from the shape
};

Settings read_settings(const ParamMap& params) {
  ParamReader p(params, {"file", "rhs", "kind", "x_true"});
  Settings s;
  s.file = p.string("file", "");
  if (s.file.empty()) throw ParamError{"file", "required parameter 'file' is missing (a Matrix Market .mtx path)"};
  s.rhs = p.string("rhs", "");
  if (p.has("x_true") && !s.rhs.empty())
    throw ParamError{"x_true", "x_true and rhs exclude each other: with rhs given, x_true is unknown"};
  s.x_true = p.choice("x_true", {"random", "ones"}, "random");
  if (p.has("kind")) s.kind_text = p.choice("kind", {"general", "spd", "least_squares", "underdetermined"}, "general");
  return s;
}

ProblemKind kind_from(const Settings& s, long m, long n) {
  if (!s.kind_text.empty()) {
    ProblemKind k = ProblemKind::general;
    parse_problem_kind(s.kind_text, k);
    return k;
  }
  return m > n ? ProblemKind::least_squares : m < n ? ProblemKind::underdetermined : ProblemKind::general;
}

mm::MatrixFile read_or_param_error(const std::string& key, const std::string& path) {
  try {
    return mm::read_matrix_market(path);
  } catch (const mm::MatrixMarketError& e) {
    throw ParamError{key, e.what()};
  }
}

struct Loaded {
  Settings s;
  ProblemKind kind = ProblemKind::general;
  mm::MatrixFile A;
  arma::vec rhs;  // empty unless given
  std::uint64_t rhs_hash = 0;
};

// Reads both files and checks everything against the study's m and n.
Loaded load(const ParamMap& params, int m, int n) {
  Loaded L;
  L.s = read_settings(params);
  check_dense_shape(m, n);
  L.A = read_or_param_error("file", L.s.file);
  const long fm = L.A.header.rows, fn = L.A.header.cols;
  if (fn != n)
    throw ParamError{"n", fmt::format("n = {} does not match {}: it is {}x{} (set n = {})", n, L.s.file, fm, fn, fn)};
  if (fm != m)
    throw ParamError{"m", fmt::format("m = {} does not match {}: it is {}x{} (set m = {} or leave m out)", m, L.s.file,
                                      fm, fn, fm)};
  L.kind = kind_from(L.s, fm, fn);
  const std::string shape = fmt::format("{}x{}", fm, fn);
  switch (L.kind) {
    case ProblemKind::general:
    case ProblemKind::spd:
      if (fm != fn)
        throw ParamError{"kind", fmt::format("kind = {} needs a square matrix, {} is {}", to_string(L.kind), L.s.file,
                                             shape)};
      break;
    case ProblemKind::least_squares:
      if (fm <= fn) throw ParamError{"kind", fmt::format("kind = least_squares needs m > n, {} is {}", L.s.file, shape)};
      break;
    case ProblemKind::underdetermined:
      if (fm >= fn)
        throw ParamError{"kind", fmt::format("kind = underdetermined needs m < n, {} is {}", L.s.file, shape)};
      break;
  }
  if (L.kind == ProblemKind::spd && !L.A.A.is_symmetric())  // exact: A == A^T bit for bit
    throw ParamError{"kind", fmt::format("kind = spd needs a symmetric matrix; {} is not symmetric", L.s.file)};
  if (!L.s.rhs.empty()) {
    mm::MatrixFile r = read_or_param_error("rhs", L.s.rhs);
    if (!(r.A.n_cols == 1 || r.A.n_rows == 1) || r.A.n_elem != static_cast<arma::uword>(fm))
      throw ParamError{"rhs", fmt::format("{} is {}x{}; the right-hand side must be a vector of {} entries "
                                          "(the rows of {})",
                                          L.s.rhs, r.A.n_rows, r.A.n_cols, fm, L.s.file)};
    L.rhs = arma::vectorise(r.A);
    L.rhs_hash = r.hash;
  }
  return L;
}

std::string hex(std::uint64_t h) { return fmt::format("{:016x}", h); }

class MtxFile final : public Generator {
 public:
  const GeneratorInfo& info() const override { return info_; }

  ProblemKind kind(const ParamMap& params) const override {
    const Settings s = read_settings(params);
    if (!s.kind_text.empty()) return kind_from(s, 0, 0);
    try {
      const mm::Header h = mm::read_matrix_market_header(s.file);
      return kind_from(s, h.rows, h.cols);
    } catch (const mm::MatrixMarketError& e) {
      throw ParamError{"file", e.what()};
    }
  }

  int default_m(const ParamMap& params, int n) const override {
    try {
      const Settings s = read_settings(params);
      return static_cast<int>(mm::read_matrix_market_header(s.file).rows);
    } catch (...) {
      return n;  // validate() reports the problem
    }
  }

  std::optional<ParamError> validate(const ParamMap& params, int m, int n) const override {
    return catch_param_error([&] { load(params, m, n); });
  }

  Problem generate(const ParamMap& params, int m, int n, std::uint64_t seed) const override {
    Loaded L = load(params, m, n);
    Problem pr;
    pr.generator = info_.name;
    pr.kind = L.kind;
    pr.seed = seed;
    pr.params = {{"file", L.s.file}, {"kind", to_string(L.kind)}};
    if (L.s.rhs.empty())
      pr.params["x_true"] = L.s.x_true;
    else
      pr.params["rhs"] = L.s.rhs;
    pr.case_id = make_case_id(info_.name, pr.params, m, n, seed);
    pr.name = "mtx_" + std::filesystem::path(L.s.file).stem().string();
    pr.A = std::move(L.A.A);
    pr.kappa_nominal = arma::datum::nan;
    // Not in the case id (it stays the same when a file is edited), but in the outputs.
    pr.params["file_fnv1a"] = hex(L.A.hash);
    if (!L.s.rhs.empty()) {
      pr.params["rhs_fnv1a"] = hex(L.rhs_hash);
      pr.b = std::move(L.rhs);
      pr.zero_residual = L.kind != ProblemKind::least_squares;  // unknown: do not claim a zero residual
      return pr;
    }
    const arma::uword len = L.kind == ProblemKind::underdetermined ? pr.A.n_rows : pr.A.n_cols;
    arma::vec z(len);
    if (L.s.x_true == "ones") {
      z.ones();
    } else {
      Rng rng(seed, kStreamX);
      rng.fill_normal(z.memptr(), z.n_elem);
    }
    // underdetermined: x_true = A^T z lies in the row space, so it is the min-norm solution
    // (up to the rounding of A^T z).
    pr.x_true = L.kind == ProblemKind::underdetermined ? accurate_matvec(pr.A.t(), z) : z;
    pr.b = accurate_matvec(pr.A, pr.x_true);
    pr.zero_residual = true;
    return pr;
  }

 private:
  GeneratorInfo info_{
      "mtx",
      "a matrix from a Matrix Market file (array or coordinate; real, integer or pattern; general, symmetric or "
      "skew-symmetric), e.g. from SuiteSparse; b from an rhs file or b = A x_true computed accurately",
      {
          {"file", "string", "",
           "path of the .mtx matrix (required); a relative path resolves against the current directory; n (and m, "
           "if given) must equal the file's size"},
          {"kind", "string", "from the shape",
           "general (square), spd (square and exactly symmetric), least_squares (m > n), underdetermined (m < n)"},
          {"rhs", "string", "none",
           "optional .mtx vector with m entries used as b (x_true is then unknown); relative to the current directory"},
          {"x_true", "string", "random",
           "without rhs: random (Gaussian from the seed) or ones; b = A x_true in double-double, rounded once "
           "(underdetermined: x_true = A^T z, the min-norm solution)"},
      },
      {ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares, ProblemKind::underdetermined}};
};

}  // namespace

CONDBENCH_REGISTER_GENERATOR(MtxFile);

}  // namespace condbench
