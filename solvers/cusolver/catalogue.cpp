#include "solvers/cusolver/catalogue.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace condbench::cusolver {
namespace {

SolverInfo entry(std::string name, std::string description, KindSet kinds, bool f32 = true) {
  SolverInfo i;
  i.name = std::move(name);
  i.description = std::move(description);
  i.kinds = kinds;
  i.f32 = f32;
  i.f64 = true;
  return i;
}

// cusolver.irs_<low>[_classical|_nofallback]: cusolverDnIRSXgesv. An fp32 factorization
// under fp32 working precision refines nothing, so irs_fp32* take f64 only.
void add_irs(std::vector<SolverInfo>& v, const char* low) {
  const bool f32 = std::string_view(low) != "fp32";
  const KindSet square{ProblemKind::general, ProblemKind::spd};
  v.push_back(entry(fmt::format("cusolver.irs_{}", low),
                    fmt::format("cusolverDnIRSXgesv: LU in {}, GMRES refinement, fallback on", low), square, f32));
  v.push_back(entry(fmt::format("cusolver.irs_{}_classical", low),
                    fmt::format("cusolverDnIRSXgesv: LU in {}, classical refinement, fallback on", low), square, f32));
  v.push_back(entry(fmt::format("cusolver.irs_{}_nofallback", low),
                    fmt::format("cusolverDnIRSXgesv: LU in {}, GMRES refinement, fallback off", low), square, f32));
}

std::vector<SolverInfo> make() {
  std::vector<SolverInfo> v;
  v.push_back(entry("cusolver.lu", "cusolverDnXgetrf + cusolverDnXgetrs on the GPU (LU, partial pivoting)",
                    {ProblemKind::general, ProblemKind::spd}));
  v.push_back(entry("cusolver.cholesky", "cusolverDnXpotrf + cusolverDnXpotrs on the GPU (lower)", {ProblemKind::spd}));
  v.push_back(entry("cusolver.qr", "cusolverDnXgeqrf + cusolverDn?ormqr + cublas?trsm on the GPU (Householder QR)",
                    {ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares}));
  v.push_back(entry("cusolver.svd", "cusolverDnXgesvd on the GPU, x = V S^+ U^T b (min-norm; s_i <= u s_max dropped, as gelsd)",
                    {ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares,
                     ProblemKind::underdetermined}));
  for (const char* low : {"fp16", "bf16", "tf32", "fp32"}) add_irs(v, low);
  return v;
}

}  // namespace

const std::vector<SolverInfo>& catalogue() {
  static const std::vector<SolverInfo> v = make();
  return v;
}

const SolverInfo& catalogue_info(std::string_view name) {
  for (const SolverInfo& i : catalogue())
    if (i.name == name) return i;
  throw std::logic_error(fmt::format("'{}' is not in the cuSOLVER catalogue", name));
}

}  // namespace condbench::cusolver
