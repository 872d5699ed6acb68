// randsvd_fast: A = U diag(sigma) V^T with U, V random orthogonal BUTTERFLIES (butterfly.hpp),
// the same prescribed spectra as randsvd, in O(n^2 log n) time and one n x n matrix of memory.
// For timing studies at large n (studies/scaling_large.toml), where randsvd's Haar factors
// (two QRs of n x n Gaussian matrices, O(n^3), four matrices of memory) would cost more than
// the solvers under study. NOT Haar: results over seeds are not randsvd's distribution.
//
// Why butterflies and not a few Householder reflectors: U = H_1 ... H_k is the identity plus a
// rank-k matrix, so A would be diagonal plus low rank (LU would barely pivot, which is not
// what a dense test matrix should look like); a full-depth butterfly makes A dense and
// unstructured for 3 n log2(n) flops per column. The loops are plain C++ (no BLAS), so the
// bits are the same on every machine with the same libm.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "studies/generators/butterfly.hpp"
#include "studies/generators/construct.hpp"
#include "studies/generators/grammar.hpp"
#include "studies/generators/params.hpp"
#include "studies/generators/rng.hpp"
#include "studies/generators/spectrum.hpp"

namespace condbench {
namespace {

// Streams of one seed, as randsvd's: the spectrum never changes U, V or x_true.
enum Stream : std::uint64_t { kStreamU = 1, kStreamV = 2, kStreamX = 3, kStreamSigma = 5 };

struct Settings {
  Mode mode = Mode::geometric;
  double kappa = 1;
  ProblemKind kind = ProblemKind::general;
  double scale = 1;
};

Settings read_settings(const ParamMap& params) {
  ParamReader p(params, {"kappa", "kind", "mode", "scale"});
  Settings s;
  s.mode = read_mode(p);
  s.kappa = read_kappa(p);
  const std::string kind = p.choice("kind", {"general", "spd"}, "general");
  parse_problem_kind(kind, s.kind);
  s.scale = p.number("scale", 1.0);
  if (!(s.scale > 0) || !std::isfinite(s.scale))
    throw ParamError{"scale", "scale must be a finite number > 0, got " + format_param(s.scale)};
  return s;
}

void check_shape(int m, int n) {
  check_dense_shape(m, n);
  if (m != n)
    throw ParamError{"m", "randsvd_fast makes square matrices (kind general or spd): m == n needed, got " +
                              std::to_string(m) + "x" + std::to_string(n)};
}

class RandSvdFast final : public Generator {
 public:
  const GeneratorInfo& info() const override { return info_; }
  ProblemKind kind(const ParamMap& params) const override { return read_settings(params).kind; }
  int default_m(const ParamMap&, int n) const override { return n; }

  std::optional<ParamError> validate(const ParamMap& params, int m, int n) const override {
    return catch_param_error([&] {
      read_settings(params);
      check_shape(m, n);
    });
  }

  Problem generate(const ParamMap& params, int m, int n, std::uint64_t seed) const override {
    const Settings s = read_settings(params);
    check_shape(m, n);
    const arma::uword N = static_cast<arma::uword>(n);
    Rng sigma_rng(seed, kStreamSigma);
    arma::vec sigma = singular_values(s.mode, s.kappa, N, sigma_rng);
    const double kappa_drawn = sigma.max() / sigma.min();
    sigma *= s.scale;

    Rng v_rng(seed, kStreamV), u_rng(seed, kStreamU);
    const Butterfly V(N, v_rng);
    const Butterfly U = s.kind == ProblemKind::spd ? V : Butterfly(N, u_rng);
    // A = U (V diag(sigma))^T: V applied to diag(sigma), transposed in place, then U; one matrix.
    Problem pr;
    pr.A.zeros(N, N);
    pr.A.diag() = sigma;
    V.apply(pr.A.memptr(), N);
    arma::inplace_trans(pr.A);
    U.apply(pr.A.memptr(), N);
    if (s.kind == ProblemKind::spd)  // A == A^T bit for bit (the two triangles round differently)
      for (arma::uword j = 0; j < N; ++j)
        for (arma::uword i = 0; i < j; ++i) pr.A(i, j) = pr.A(j, i) = 0.5 * (pr.A(i, j) + pr.A(j, i));

    pr.generator = info_.name;
    pr.kind = s.kind;
    pr.seed = seed;
    pr.params = {{"kappa", format_param(s.kappa)},
                 {"kind", to_string(s.kind)},
                 {"mode", mode_name(s.mode).name},
                 {"scale", format_param(s.scale)}};
    pr.case_id = make_case_id(info_.name, pr.params, m, n, seed);
    pr.name = format_problem_name(info_.name, pr.params);
    pr.kappa_nominal = (s.mode == Mode::log_uniform || N == 1) ? kappa_drawn : s.kappa;
    Rng x_rng(seed, kStreamX);
    pr.x_true.set_size(N);
    x_rng.fill_normal(pr.x_true.memptr(), N);
    pr.b = accurate_matvec(pr.A, pr.x_true);
    return pr;
  }

 private:
  GeneratorInfo info_{
      "randsvd_fast",
      "A = U diag(sigma) V^T with U, V random orthogonal butterflies (log2 n levels of random Givens rotations, "
      "NOT Haar), randsvd's spectra, O(n^2 log n) time and one n x n matrix of memory: for timing studies at "
      "large n; square kinds only",
      {
          {"kappa", "number", "", "nominal 2-norm condition number sigma_max/sigma_min, >= 1 (required)"},
          {"mode", "string", "geometric", kModeHelp},
          {"kind", "string", "general", "general or spd (A = V S V^T)"},
          {"scale", "number", "1", "multiplies sigma (and so A and b), > 0"},
      },
      {ProblemKind::general, ProblemKind::spd},
      1};  // A alone: the transpose is in place
};

}  // namespace

CONDBENCH_REGISTER_GENERATOR(RandSvdFast);
CONDBENCH_REGISTER_NAME_SPEC((NameSpec{"randsvd_fast",
                                       {},
                                       {{"mode", {"one_large", "one_small", "geometric", "arithmetic", "log_uniform"}},
                                        {"kind", {"general", "spd"}}},
                                       {"scale"},
                                       {{"mode", "geometric"}, {"kind", "general"}, {"scale", "1"}}}));

}  // namespace condbench
