// The classical test matrices, as MATLAB's gallery / Higham's Test Matrix Toolbox define
// them (1-based i, j below). Every entry is evaluated in 256-bit floating point (integers
// exactly) and rounded once; the family base decides exact_f64 / exact_f32 from that.
#include <cfloat>
#include <cmath>
#include <sstream>

#include "studies/generators/families/family.hpp"

namespace condbench {
namespace {

using boost::multiprecision::cpp_int;

// Integers 1..n: used by several families.
std::vector<HP> build(int m, int n, const auto& f) {
  std::vector<HP> e(static_cast<std::size_t>(m) * n);
  for (int j = 1; j <= n; ++j)
    for (int i = 1; i <= m; ++i) e[static_cast<std::size_t>(j - 1) * m + (i - 1)] = f(i, j);
  return e;
}

double finite_number(const ParamReader& p, const std::string& key, double fallback) {
  const double v = p.number(key, fallback);
  if (!std::isfinite(v)) throw ParamError{key, key + " must be a finite number, got " + format_param(v)};
  return v;
}

// ---------------------------------------------------------------------------- hilbert
class Hilbert final : public Family {
 public:
  Hilbert()
      : Family({"hilbert",
                "Hilbert matrix H(i,j) = 1/(i+j-1), SPD (gallery hilb); scaled = true multiplies by "
                "lcm(1..2n-1) so the entries are integers (stored exactly while they fit in 53 / 24 bits: "
                "exact_f64 / exact_f32 say which: float64 up to n = 21, float32 up to n = 11); inverse has integer entries "
                "(invhilb); kappa grows like e^(3.5n); kappa_nominal NaN (the runner measures it)",
                {{"scaled", "bool", "false", "multiply by lcm(1, ..., 2n-1): integer entries"}},
                {ProblemKind::spd}},
               NameSpec{"", {"scaled"}, {}, {}, {{"scaled", "false"}}}) {}

  static cpp_int lcm_upto(int k) {
    cpp_int l = 1;
    for (int i = 2; i <= k; ++i) l = boost::multiprecision::lcm(l, cpp_int(i));
    return l;
  }

 protected:
  FamilyFacts facts(const ParamReader& p, int m, int n) const override {
    require_square(m, n);
    FamilyFacts f;
    f.kind = ProblemKind::spd;
    f.resolved["scaled"] = p.boolean("scaled", false) ? "true" : "false";
    return f;
  }
  std::vector<HP> entries(const ParamReader& p, int m, int n) const override {
    if (p.boolean("scaled", false)) {
      const cpp_int l = lcm_upto(2 * n - 1);
      return build(m, n, [&](int i, int j) { return HP(cpp_int(l / (i + j - 1))); });
    }
    return build(m, n, [](int i, int j) { return HP(1) / (i + j - 1); });
  }
};
CONDBENCH_REGISTER_GENERATOR(Hilbert);

// ---------------------------------------------------------------------------- pascal
class Pascal final : public Family {
 public:
  Pascal()
      : Family({"pascal",
                "Pascal matrix P(i,j) = binomial(i+j-2, j-1), SPD, integer entries (exact while they fit: "
                "float64 up to n = 31, float32 up to n = 16), det = 1, inverse integer (gallery pascal); kappa ~ 16^n/(n pi), "
                "kappa_nominal NaN",
                {},
                {ProblemKind::spd}},
               NameSpec{}) {}

 protected:
  FamilyFacts facts(const ParamReader&, int m, int n) const override {
    require_square(m, n);
    FamilyFacts f;
    f.kind = ProblemKind::spd;
    return f;
  }
  std::vector<HP> entries(const ParamReader&, int m, int n) const override {
    std::vector<cpp_int> P(static_cast<std::size_t>(n) * n);
    auto at = [&](int i, int j) -> cpp_int& { return P[static_cast<std::size_t>(j) * n + i]; };
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) at(i, j) = (i == 0 || j == 0) ? cpp_int(1) : at(i - 1, j) + at(i, j - 1);
    return build(m, n, [&](int i, int j) { return HP(at(i - 1, j - 1)); });
  }
};
CONDBENCH_REGISTER_GENERATOR(Pascal);

// ---------------------------------------------------------------------------- kahan
class Kahan final : public Family {
 public:
  Kahan()
      : Family({"kahan",
                "Kahan's upper triangular matrix (gallery kahan): diag(1, s, ..., s^(n-1)) * (I - c*triu(ones, 1)) "
                "+ pert*eps*diag(n, n-1, ..., 1), s = sin(theta), c = cos(theta), eps = 2^-52; ill-conditioned "
                "yet QR with column pivoting does not reveal it; entries not exact (sin, cos); kappa_nominal NaN",
                {{"theta", "number", "1.2", "angle: s = sin(theta), c = cos(theta); 0 < theta < pi"},
                 {"pert", "number", "25", "diagonal perturbation in units of eps = 2^-52 (gallery default 25), >= 0"}},
                {ProblemKind::general}},
               NameSpec{"", {}, {}, {"theta", "pert"}, {{"theta", "1.2"}, {"pert", "25"}}}) {}

 protected:
  FamilyFacts facts(const ParamReader& p, int m, int n) const override {
    require_square(m, n);
    const double theta = finite_number(p, "theta", 1.2);
    if (!(theta > 0 && theta < M_PI)) throw ParamError{"theta", "theta must be in (0, pi), got " + format_param(theta)};
    const double pert = finite_number(p, "pert", 25);
    if (!(pert >= 0)) throw ParamError{"pert", "pert must be >= 0, got " + format_param(pert)};
    FamilyFacts f;
    f.resolved = {{"theta", param_text(theta)}, {"pert", param_text(pert)}};
    return f;
  }
  std::vector<HP> entries(const ParamReader& p, int m, int n) const override {
    const HP theta = p.number("theta", 1.2), pert = p.number("pert", 25);
    const HP s = sin(theta), c = cos(theta), eps = ldexp(HP(1), -52);
    return build(m, n, [&](int i, int j) -> HP {
      if (i > j) return 0;
      const HP si = pow(s, i - 1);
      return i == j ? HP(si + pert * eps * (n - i + 1)) : HP(-c * si);
    });
  }
};
CONDBENCH_REGISTER_GENERATOR(Kahan);

// Points for Vandermonde-like families.
HP point(const std::string& kind, int i, int n) {
  if (kind == "integers") return i;
  if (kind == "equispaced") return n == 1 ? HP(0) : HP(i - 1) / (n - 1);
  return n == 1 ? HP(1) : HP(cos(hp_pi() * (i - 1) / (n - 1)));  // chebyshev extrema
}
const std::vector<std::string> kPointKinds{"integers", "equispaced", "chebyshev"};

// ---------------------------------------------------------------------------- vandermonde
class Vandermonde final : public Family {
 public:
  Vandermonde()
      : Family({"vandermonde",
                "Vandermonde matrix A(i,j) = c_i^(n-j) (MATLAB vander: decreasing powers) of the points c; "
                "integer points give integer entries (exact while they fit); kappa_nominal NaN",
                {{"points", "string", "integers",
                  "integers (c_i = i), equispaced (in [0, 1]) or chebyshev (cos(pi (i-1)/(n-1)))"}},
                {ProblemKind::general}},
               NameSpec{"", {}, {{"points", kPointKinds}}, {}, {{"points", "integers"}}}) {}

 protected:
  FamilyFacts facts(const ParamReader& p, int m, int n) const override {
    require_square(m, n);
    FamilyFacts f;
    f.resolved["points"] = p.choice("points", kPointKinds, "integers");
    return f;
  }
  std::vector<HP> entries(const ParamReader& p, int m, int n) const override {
    const std::string k = p.choice("points", kPointKinds, "integers");
    return build(m, n, [&](int i, int j) { return HP(pow(point(k, i, n), n - j)); });
  }
};
CONDBENCH_REGISTER_GENERATOR(Vandermonde);

// ---------------------------------------------------------------------------- chebvand
class ChebVand final : public Family {
 public:
  ChebVand()
      : Family({"chebvand",
                "Vandermonde-like matrix of Chebyshev polynomials C(i,j) = T_(i-1)(p_j) (gallery chebvand); "
                "points default equispaced in [0, 1] as the gallery's linspace(0, 1, n); kappa_nominal NaN",
                {{"points", "string", "equispaced",
                  "equispaced (in [0, 1]), chebyshev (cos(pi (j-1)/(n-1)): well conditioned) or integers"}},
                {ProblemKind::general}},
               NameSpec{"", {}, {{"points", kPointKinds}}, {}, {{"points", "equispaced"}}}) {}

 protected:
  FamilyFacts facts(const ParamReader& p, int m, int n) const override {
    require_square(m, n);
    FamilyFacts f;
    f.resolved["points"] = p.choice("points", kPointKinds, "equispaced");
    return f;
  }
  std::vector<HP> entries(const ParamReader& p, int m, int n) const override {
    const std::string k = p.choice("points", kPointKinds, "equispaced");
    std::vector<HP> e(static_cast<std::size_t>(m) * n);
    for (int j = 1; j <= n; ++j) {
      const HP x = point(k, j, n);
      HP t0 = 1, t1 = x;
      for (int i = 1; i <= m; ++i) {
        HP t = i == 1 ? t0 : i == 2 ? t1 : HP(2 * x * t1 - t0);
        if (i > 2) {
          t0 = t1;
          t1 = t;
        }
        e[static_cast<std::size_t>(j - 1) * m + (i - 1)] = t;
      }
    }
    return e;
  }
};
CONDBENCH_REGISTER_GENERATOR(ChebVand);

// ---------------------------------------------------------------------------- lotkin
class Lotkin final : public Family {
 public:
  Lotkin()
      : Family({"lotkin",
                "Lotkin matrix: the Hilbert matrix with its first row replaced by ones (gallery lotkin); "
                "unsymmetric, ill-conditioned, integer inverse; kappa_nominal NaN",
                {},
                {ProblemKind::general}},
               NameSpec{}) {}

 protected:
  FamilyFacts facts(const ParamReader&, int m, int n) const override {
    require_square(m, n);
    return {};
  }
  std::vector<HP> entries(const ParamReader&, int m, int n) const override {
    return build(m, n, [](int i, int j) { return i == 1 ? HP(1) : HP(HP(1) / (i + j - 1)); });
  }
};
CONDBENCH_REGISTER_GENERATOR(Lotkin);

// ---------------------------------------------------------------------------- prolate
class Prolate final : public Family {
 public:
  Prolate()
      : Family({"prolate",
                "prolate matrix (gallery prolate): symmetric Toeplitz, a_0 = 2w, a_k = sin(2 pi w k)/(pi k); "
                "SPD for 0 < w < 1/2 with eigenvalues in (0, 1) clustering at 0 and 1 (extremely "
                "ill-conditioned); kappa_nominal NaN",
                {{"w", "number", "0.25", "bandwidth, 0 < w < 0.5"}},
                {ProblemKind::spd}},
               NameSpec{"", {}, {}, {"w"}, {{"w", "0.25"}}}) {}

 protected:
  FamilyFacts facts(const ParamReader& p, int m, int n) const override {
    require_square(m, n);
    const double w = finite_number(p, "w", 0.25);
    if (!(w > 0 && w < 0.5)) throw ParamError{"w", "w must be in (0, 0.5) (SPD range), got " + format_param(w)};
    FamilyFacts f;
    f.kind = ProblemKind::spd;
    f.resolved["w"] = param_text(w);
    return f;
  }
  std::vector<HP> entries(const ParamReader& p, int m, int n) const override {
    const HP w = p.number("w", 0.25), pi = hp_pi();
    return build(m, n, [&](int i, int j) -> HP {
      const int k = std::abs(i - j);
      return k == 0 ? HP(2 * w) : HP(sin(2 * pi * w * k) / (pi * k));
    });
  }
};
CONDBENCH_REGISTER_GENERATOR(Prolate);

// ---------------------------------------------------------------------------- frank
class Frank final : public Family {
 public:
  Frank()
      : Family({"frank",
                "Frank matrix (gallery frank): upper Hessenberg, F(i,j) = n+1-max(i,j) for j >= i-1, det = 1, "
                "integer entries; ill-conditioned small eigenvalues; k = 1 reflects about the anti-diagonal; "
                "kappa_nominal NaN",
                {{"k", "number", "0", "0, or 1: F(p,p)' with p = n:-1:1 (lower Hessenberg)"}},
                {ProblemKind::general}},
               NameSpec{"", {}, {}, {"k"}, {{"k", "0"}}}) {}

 protected:
  FamilyFacts facts(const ParamReader& p, int m, int n) const override {
    require_square(m, n);
    const double k = p.number("k", 0);
    if (k != 0 && k != 1) throw ParamError{"k", "k must be 0 or 1, got " + format_param(k)};
    FamilyFacts f;
    f.resolved["k"] = param_text(k);
    return f;
  }
  std::vector<HP> entries(const ParamReader& p, int m, int n) const override {
    const bool flip = p.number("k", 0) == 1;
    auto F = [n](int i, int j) -> HP { return j >= i - 1 ? HP(n + 1 - std::max(i, j)) : HP(0); };
    return build(m, n, [&](int i, int j) { return flip ? F(n + 1 - j, n + 1 - i) : F(i, j); });
  }
};
CONDBENCH_REGISTER_GENERATOR(Frank);

// ---------------------------------------------------------------------------- cauchy
// x, y: "1..n" (default) or a comma-separated list of n numbers.
std::vector<double> cauchy_points(const ParamReader& p, const std::string& key, int n) {
  const std::string s = p.string(key, "1..n");
  std::vector<double> v;
  if (s == "1..n") {
    for (int i = 1; i <= n; ++i) v.push_back(i);
    return v;
  }
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    char* end = nullptr;
    const double d = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !std::isfinite(d))
      throw ParamError{key, key + " must be \"1..n\" or a comma-separated list of numbers, got '" + s + "'"};
    v.push_back(d);
  }
  if (static_cast<int>(v.size()) != n)
    throw ParamError{key, key + " lists " + std::to_string(v.size()) + " numbers, n = " + std::to_string(n)};
  return v;
}

class Cauchy final : public Family {
 public:
  Cauchy()
      : Family({"cauchy",
                "Cauchy matrix C(i,j) = 1/(x_i + y_j) (gallery cauchy), x = y = 1..n by default; SPD when "
                "x = y with distinct positive x_i; det = prod_(i<j) (x_j-x_i)(y_j-y_i) / prod_(i,j) (x_i+y_j); "
                "kappa_nominal NaN. Names carry x and y only when they are the default",
                {{"x", "string", "1..n", "\"1..n\" or a comma-separated list of n numbers"},
                 {"y", "string", "1..n", "\"1..n\" or a comma-separated list of n numbers"}},
                {ProblemKind::spd, ProblemKind::general}},
               NameSpec{"", {}, {}, {}, {{"x", "1..n"}, {"y", "1..n"}}}) {}

 protected:
  ProblemKind kind_of(const ParamReader& p) const override {
    const std::string x = p.string("x", "1..n"), y = p.string("y", "1..n");
    if (x != y) return ProblemKind::general;
    if (x == "1..n") return ProblemKind::spd;
    std::stringstream ss(x);
    std::string item;
    std::vector<double> v;
    while (std::getline(ss, item, ',')) v.push_back(std::strtod(item.c_str(), nullptr));
    return spd(v) ? ProblemKind::spd : ProblemKind::general;
  }
  static bool spd(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    for (std::size_t i = 0; i < v.size(); ++i)
      if (!(v[i] > 0) || (i > 0 && v[i] == v[i - 1])) return false;
    return true;
  }
  FamilyFacts facts(const ParamReader& p, int m, int n) const override {
    require_square(m, n);
    const auto x = cauchy_points(p, "x", n), y = cauchy_points(p, "y", n);
    for (double a : x)
      for (double b : y)
        if (HP(a) + HP(b) == 0)
          throw ParamError{"y", "x_i + y_j = 0 for x_i = " + format_param(a) + ": C(i,j) = 1/(x_i+y_j) is undefined"};
    FamilyFacts f;
    f.kind = (p.string("x", "1..n") == p.string("y", "1..n") && spd(x)) ? ProblemKind::spd : ProblemKind::general;
    f.resolved = {{"x", p.string("x", "1..n")}, {"y", p.string("y", "1..n")}};
    return f;
  }
  std::vector<HP> entries(const ParamReader& p, int m, int n) const override {
    const auto x = cauchy_points(p, "x", n), y = cauchy_points(p, "y", n);
    return build(m, n, [&](int i, int j) { return HP(HP(1) / (HP(x[i - 1]) + HP(y[j - 1]))); });
  }
};
CONDBENCH_REGISTER_GENERATOR(Cauchy);

// ---------------------------------------------------------------------------- moler
class Moler final : public Family {
 public:
  Moler()
      : Family({"moler",
                "Moler matrix U^T U, U unit upper triangular with alpha above the diagonal (gallery moler): "
                "SPD, det = 1, A(i,i) = 1 + (i-1) alpha^2, A(i,j) = alpha + (min(i,j)-1) alpha^2; alpha = -1 "
                "gives A(i,j) = min(i,j) - 2, A(i,i) = i, integers; one tiny eigenvalue; kappa_nominal NaN",
                {{"alpha", "number", "-1", "the off-diagonal of U"}},
                {ProblemKind::spd}},
               NameSpec{"", {}, {}, {"alpha"}, {{"alpha", "-1"}}}) {}

 protected:
  FamilyFacts facts(const ParamReader& p, int m, int n) const override {
    require_square(m, n);
    FamilyFacts f;
    f.kind = ProblemKind::spd;
    f.resolved["alpha"] = param_text(finite_number(p, "alpha", -1));
    return f;
  }
  std::vector<HP> entries(const ParamReader& p, int m, int n) const override {
    const HP a = p.number("alpha", -1);
    return build(m, n, [&](int i, int j) -> HP {
      return i == j ? HP(1 + (i - 1) * a * a) : HP(a + (std::min(i, j) - 1) * a * a);
    });
  }
};
CONDBENCH_REGISTER_GENERATOR(Moler);

// ---------------------------------------------------------------------------- kms
class Kms final : public Family {
 public:
  Kms()
      : Family({"kms",
                "Kac-Murdock-Szego Toeplitz matrix A(i,j) = rho^|i-j| (gallery kms): SPD for |rho| < 1 (else "
                "kind general), inverse tridiagonal, det = (1-rho^2)^(n-1); kappa_nominal NaN",
                {{"rho", "number", "0.5", "a real number; |rho| < 1 gives an SPD matrix"}},
                {ProblemKind::spd, ProblemKind::general}},
               NameSpec{"", {}, {}, {"rho"}, {{"rho", "0.5"}}}) {}

 protected:
  FamilyFacts facts(const ParamReader& p, int m, int n) const override {
    require_square(m, n);
    const double rho = finite_number(p, "rho", 0.5);
    FamilyFacts f;
    f.kind = std::abs(rho) < 1 ? ProblemKind::spd : ProblemKind::general;
    f.resolved["rho"] = param_text(rho);
    return f;
  }
  std::vector<HP> entries(const ParamReader& p, int m, int n) const override {
    const HP rho = p.number("rho", 0.5);
    std::vector<HP> powers(n);
    powers[0] = 1;
    for (int k = 1; k < n; ++k) powers[k] = powers[k - 1] * rho;
    return build(m, n, [&](int i, int j) { return powers[std::abs(i - j)]; });
  }
};
CONDBENCH_REGISTER_GENERATOR(Kms);

// ---------------------------------------------------------------------------- lauchli
class Lauchli final : public Family {
 public:
  Lauchli()
      : Family({"lauchli",
                "Lauchli matrix [ones(1,n); mu*eye(n)], (n+1) x n least squares (gallery lauchli): A^T A = "
                "ones + mu^2 I loses mu^2 against n in rounding when mu < sqrt(u); kappa_nominal = "
                "sqrt(n + mu^2)/|mu| (exact)",
                {{"mu", "number", "1.4901161193847656e-08", "nonzero; the gallery default sqrt(eps) = 2^-26"}},
                {ProblemKind::least_squares}},
               NameSpec{"", {}, {}, {"mu"}, {{"mu", "1.4901161193847656e-08"}}}) {}

 protected:
  int default_m_for(const ParamReader&, int n) const override { return n + 1; }
  FamilyFacts facts(const ParamReader& p, int m, int n) const override {
    if (m != n + 1)
      throw ParamError{"m", "lauchli is (n+1) x n: needs m = n + 1, got " + std::to_string(m) + "x" +
                                std::to_string(n)};
    const double mu = finite_number(p, "mu", 0x1p-26);
    if (mu == 0) throw ParamError{"mu", "mu must be nonzero"};
    FamilyFacts f;
    f.kind = ProblemKind::least_squares;
    f.resolved["mu"] = param_text(mu);
    f.kappa_nominal = n == 1 ? 1.0 : static_cast<double>(sqrt(HP(n) + HP(mu) * mu) / abs(HP(mu)));
    return f;
  }
  std::vector<HP> entries(const ParamReader& p, int m, int n) const override {
    const HP mu = p.number("mu", 0x1p-26);
    return build(m, n, [&](int i, int j) -> HP { return i == 1 ? HP(1) : (i - 1 == j ? mu : HP(0)); });
  }
};
CONDBENCH_REGISTER_GENERATOR(Lauchli);

// ---------------------------------------------------------------------------- gfpp
class Gfpp final : public Family {
 public:
  Gfpp()
      : Family({"gfpp",
                "maximal growth for Gaussian elimination with partial pivoting (Wilkinson; Higham's gfpp): "
                "unit lower triangular with -c below the diagonal and ones in the last column; with c = 1 "
                "partial pivoting does not swap and U(n,n) = 2^(n-1): growth (1+c)^(n-1); well conditioned; "
                "kappa_nominal NaN",
                {{"c", "number", "1", "the subdiagonal magnitude, 0 <= c <= 1"}},
                {ProblemKind::general}},
               NameSpec{"", {}, {}, {"c"}, {{"c", "1"}}}) {}

 protected:
  FamilyFacts facts(const ParamReader& p, int m, int n) const override {
    require_square(m, n);
    const double c = finite_number(p, "c", 1);
    if (!(c >= 0 && c <= 1)) throw ParamError{"c", "c must be in [0, 1], got " + format_param(c)};
    FamilyFacts f;
    f.resolved["c"] = param_text(c);
    return f;
  }
  std::vector<HP> entries(const ParamReader& p, int m, int n) const override {
    const HP c = p.number("c", 1);
    return build(m, n, [&](int i, int j) -> HP {
      if (j == n || i == j) return 1;
      return i > j ? HP(-c) : HP(0);
    });
  }
};
CONDBENCH_REGISTER_GENERATOR(Gfpp);

// ---------------------------------------------------------------------------- nearly_singular
class NearlySingular final : public Family {
 public:
  NearlySingular()
      : Family({"nearly_singular",
                "the lectures' 2 x 2 [[1, 1], [1, 1 + delta]]: SPD for delta > 0, kappa = (2 + d + sqrt(4 + d^2)) "
                "/ |2 + d - sqrt(4 + d^2)| ~ 4/delta (delta = 1e-4: ~4e4); 1 + delta is rounded when stored "
                "(exact_f64 says whether); n = 2 only",
                {{"delta", "number", "0.0001", "A(2,2) = 1 + delta; > 0 for SPD, 0 is singular"}},
                {ProblemKind::spd, ProblemKind::general}},
               NameSpec{"", {}, {}, {"delta"}, {{"delta", "0.0001"}}}) {}

 protected:
  FamilyFacts facts(const ParamReader& p, int m, int n) const override {
    if (m != 2 || n != 2)
      throw ParamError{"n", "nearly_singular is 2 x 2: needs n = 2, got " + std::to_string(m) + "x" + std::to_string(n)};
    const double d = finite_number(p, "delta", 1e-4);
    if (!(d > -1)) throw ParamError{"delta", "delta must be > -1, got " + format_param(d)};
    FamilyFacts f;
    f.kind = d > 0 ? ProblemKind::spd : ProblemKind::general;
    f.resolved["delta"] = param_text(d);
    const HP hd = d, r = sqrt(4 + hd * hd);
    f.kappa_nominal = d == 0 ? arma::datum::inf : static_cast<double>(abs(HP(2 + hd + r)) / abs(HP(2 + hd - r)));
    return f;
  }
  std::vector<HP> entries(const ParamReader& p, int m, int n) const override {
    const HP d = p.number("delta", 1e-4);
    return build(m, n, [&](int i, int j) -> HP { return i == 2 && j == 2 ? HP(1 + d) : HP(1); });
  }
};
CONDBENCH_REGISTER_GENERATOR(NearlySingular);

}  // namespace
}  // namespace condbench
