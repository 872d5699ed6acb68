// cusolver.irs_*: cusolverDnIRSXgesv, mixed-precision LU with iterative refinement.
//
//   cusolver.irs_<p>             factor in <p>, GMRES refinement, fallback to full precision on (default)
//   cusolver.irs_<p>_classical   factor in <p>, classical refinement, fallback on
//   cusolver.irs_<p>_nofallback  factor in <p>, GMRES refinement, fallback OFF: what the
//                                low-precision factorization alone achieves
// with <p> in fp16, bf16, tf32 (float32 and float64 working precision) and fp32
// (float64 only: the dsgesv analogue). niters < 0 means it fell back (or, without
// fallback, stopped): recorded in `fallback`/`note`, never hidden.
#include "solvers/cusolver/base.hpp"
#include "solvers/registry.hpp"

#include <fmt/format.h>

namespace condbench::cusolver {
namespace {

enum class Low { fp16, bf16, tf32, fp32 };
enum class Refine { gmres, classical };

constexpr const char* low_name(Low l) {
  return l == Low::fp16 ? "fp16" : l == Low::bf16 ? "bf16" : l == Low::tf32 ? "tf32" : "fp32";
}

std::string niters_meaning(int it) {
  switch (it) {
    case -1: return "not worth it for this size";
    case -2: return "overflow converting A to the lower precision";
    case -3: return "lower-precision factorization failed";
    case -5: return "overflow during the computation";
    case -50: return "iteration limit reached";
    default: return "see cuSOLVER IRS documentation";
  }
}

template <Low L, Refine R, bool Fallback>
class Irs : public CusolverSolver<Irs<L, R, Fallback>> {
 public:
  const SolverInfo& info() const override {
    static const SolverInfo i = [] {
      SolverInfo s;
      s.name = fmt::format("cusolver.irs_{}{}", low_name(L),
                           R == Refine::classical ? "_classical" : (Fallback ? "" : "_nofallback"));
      s.description = fmt::format("cusolverDnIRSXgesv: LU in {}, {} refinement, fallback {}", low_name(L),
                                  R == Refine::gmres ? "GMRES" : "classical", Fallback ? "on" : "off");
      s.kinds = {ProblemKind::general, ProblemKind::spd};
      s.f32 = L != Low::fp32;  // an fp32 factorization under fp32 working precision refines nothing
      s.f64 = true;
      return s;
    }();
    return i;
  }

#ifdef CONDBENCH_HAVE_CUDA
  template <class T>
  SolveOutcome<T> device_run(const SolveInput<T>& in) const {
    Context& c = context();
    const cusolver_int_t n = static_cast<cusolver_int_t>(in.A.n_rows);
    Params p(sizeof(T) == 8 ? CUSOLVER_R_64F : CUSOLVER_R_32F, lowest());
    DeviceBuffer dA(std::size_t(n) * n * sizeof(T)), dB(n * sizeof(T)), dX(n * sizeof(T)), info(sizeof(int));
    std::size_t lwork = 0;
    check(cusolverDnIRSXgesv_bufferSize(c.solver, p.params, n, 1, &lwork), "cusolverDnIRSXgesv_bufferSize");
    DeviceBuffer work(lwork);
    SolveOutcome<T> out;
    out.x.set_size(n);
    cusolver_int_t niters = 0;
    EventTimer ev(4);
    ev.mark(0);
    check(cudaMemcpyAsync(dA.as<T>(), in.A.memptr(), std::size_t(n) * n * sizeof(T), cudaMemcpyHostToDevice, c.stream),
          "copy A");
    check(cudaMemcpyAsync(dB.as<T>(), in.b.memptr(), n * sizeof(T), cudaMemcpyHostToDevice, c.stream), "copy b");
    ev.mark(1);
    check(cusolverDnIRSXgesv(c.solver, p.params, p.infos, n, 1, dA.as<void>(), n, dB.as<void>(), n, dX.as<void>(), n,
                             work.as<void>(), lwork, &niters, info.as<int>()),
          "cusolverDnIRSXgesv");
    ev.mark(2);
    check(cudaMemcpyAsync(out.x.memptr(), dX.as<T>(), n * sizeof(T), cudaMemcpyDeviceToHost, c.stream), "copy x");
    ev.mark(3);
    out.timing.transfer_s = ev.seconds(0, 1) + ev.seconds(2, 3);
    out.timing.factor_s = ev.seconds(1, 2);  // one call: factorization and refinement together
    int d_info = read_info(info);
    cusolver_int_t outer = 0;
    cusolverDnIRSInfosGetOuterNiters(p.infos, &outer);
    if (niters >= 0) {
      out.facts.iterations = niters;
      out.facts.note = fmt::format("outer iterations {}", outer);
    } else if (Fallback) {
      out.facts.fallback = true;
      out.facts.note = fmt::format("niters={} ({}): fell back to a full-precision LU", niters, niters_meaning(niters));
    } else {
      out.facts.note = fmt::format("niters={} ({}); fallback disabled: x is the refinement's last iterate", niters,
                                   niters_meaning(niters));
    }
    if (d_info != 0)
      return SolveOutcome<T>::failure(fmt::format("cusolverDnIRSXgesv devInfo={}{}", d_info,
                                                  d_info > 0 ? ": U(i,i) is exactly zero" : ""));
    return out;
  }

 private:
  static cusolverPrecType_t lowest() {
    switch (L) {
      case Low::fp16: return CUSOLVER_R_16F;
      case Low::bf16: return CUSOLVER_R_16BF;
      case Low::tf32: return CUSOLVER_R_TF32;
      case Low::fp32: return CUSOLVER_R_32F;
    }
    return CUSOLVER_R_32F;
  }

  struct Params {
    cusolverDnIRSParams_t params = nullptr;
    cusolverDnIRSInfos_t infos = nullptr;
    Params(cusolverPrecType_t main, cusolverPrecType_t low) {
      check(cusolverDnIRSParamsCreate(&params), "cusolverDnIRSParamsCreate");
      check(cusolverDnIRSInfosCreate(&infos), "cusolverDnIRSInfosCreate");
      check(cusolverDnIRSParamsSetSolverPrecisions(params, main, low), "cusolverDnIRSParamsSetSolverPrecisions");
      check(cusolverDnIRSParamsSetRefinementSolver(
                params, R == Refine::gmres ? CUSOLVER_IRS_REFINE_GMRES : CUSOLVER_IRS_REFINE_CLASSICAL),
            "cusolverDnIRSParamsSetRefinementSolver");
      if (Fallback)
        check(cusolverDnIRSParamsEnableFallback(params), "cusolverDnIRSParamsEnableFallback");
      else
        check(cusolverDnIRSParamsDisableFallback(params), "cusolverDnIRSParamsDisableFallback");
    }
    ~Params() {
      if (infos) cusolverDnIRSInfosDestroy(infos);
      if (params) cusolverDnIRSParamsDestroy(params);
    }
  };
#endif
};

using IrsFp16 = Irs<Low::fp16, Refine::gmres, true>;
using IrsFp16Classical = Irs<Low::fp16, Refine::classical, true>;
using IrsFp16NoFallback = Irs<Low::fp16, Refine::gmres, false>;
using IrsBf16 = Irs<Low::bf16, Refine::gmres, true>;
using IrsBf16Classical = Irs<Low::bf16, Refine::classical, true>;
using IrsBf16NoFallback = Irs<Low::bf16, Refine::gmres, false>;
using IrsTf32 = Irs<Low::tf32, Refine::gmres, true>;
using IrsTf32Classical = Irs<Low::tf32, Refine::classical, true>;
using IrsTf32NoFallback = Irs<Low::tf32, Refine::gmres, false>;
using IrsFp32 = Irs<Low::fp32, Refine::gmres, true>;
using IrsFp32Classical = Irs<Low::fp32, Refine::classical, true>;
using IrsFp32NoFallback = Irs<Low::fp32, Refine::gmres, false>;

}  // namespace
CONDBENCH_REGISTER_SOLVER(IrsFp16);
CONDBENCH_REGISTER_SOLVER(IrsFp16Classical);
CONDBENCH_REGISTER_SOLVER(IrsFp16NoFallback);
CONDBENCH_REGISTER_SOLVER(IrsBf16);
CONDBENCH_REGISTER_SOLVER(IrsBf16Classical);
CONDBENCH_REGISTER_SOLVER(IrsBf16NoFallback);
CONDBENCH_REGISTER_SOLVER(IrsTf32);
CONDBENCH_REGISTER_SOLVER(IrsTf32Classical);
CONDBENCH_REGISTER_SOLVER(IrsTf32NoFallback);
CONDBENCH_REGISTER_SOLVER(IrsFp32);
CONDBENCH_REGISTER_SOLVER(IrsFp32Classical);
CONDBENCH_REGISTER_SOLVER(IrsFp32NoFallback);
}  // namespace condbench::cusolver
