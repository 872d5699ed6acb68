// cusolver.irs_*: cusolverDnIRSXgesv, mixed-precision LU with iterative refinement.
//
//   cusolver.irs_<p>             factor in <p>, GMRES refinement, fallback to full precision on (default)
//   cusolver.irs_<p>_classical   factor in <p>, classical refinement, fallback on
//   cusolver.irs_<p>_nofallback  factor in <p>, GMRES refinement, fallback OFF: what the
//                                low-precision factorization alone achieves
// with <p> in fp16, bf16, tf32 (float32 and float64 working precision) and fp32
// (float64 only: the dsgesv analogue). niters < 0 means it fell back (or, without
// fallback, stopped): recorded in `fallback`, `note` and `facts`, never hidden; a call
// that returns an error status still reports niters, devInfo and how much of x it wrote.
#include "solvers/cusolver/gpu/base.hpp"
#include "solvers/cusolver/gpu/lu.hpp"

#include <fmt/format.h>

#include <climits>

namespace condbench::cusolver {
namespace {

enum class Low { fp16, bf16, tf32, fp32 };
enum class Refine { gmres, classical };

constexpr const char* irs_name(Low l, Refine r, bool fallback) {
  const int v = r == Refine::classical ? 1 : fallback ? 0 : 2;
  constexpr const char* names[4][3] = {
      {"cusolver.irs_fp16", "cusolver.irs_fp16_classical", "cusolver.irs_fp16_nofallback"},
      {"cusolver.irs_bf16", "cusolver.irs_bf16_classical", "cusolver.irs_bf16_nofallback"},
      {"cusolver.irs_tf32", "cusolver.irs_tf32_classical", "cusolver.irs_tf32_nofallback"},
      {"cusolver.irs_fp32", "cusolver.irs_fp32_classical", "cusolver.irs_fp32_nofallback"}};
  return names[static_cast<int>(l)][v];
}

constexpr cusolverPrecType_t lowest(Low l) {
  switch (l) {
    case Low::fp16: return CUSOLVER_R_16F;
    case Low::bf16: return CUSOLVER_R_16BF;
    case Low::tf32: return CUSOLVER_R_TF32;
    case Low::fp32: return CUSOLVER_R_32F;
  }
  return CUSOLVER_R_32F;
}

// A sentinel that neither niters nor devInfo takes: left unchanged means "not set by the call".
constexpr int kUnset = INT_MIN;

template <Low L, Refine R, bool Fallback>
class Irs : public CusolverSolver<Irs<L, R, Fallback>> {
 public:
  static constexpr const char* kName = irs_name(L, R, Fallback);

  // Warms the IRS call and, since a later problem of the same size may fall back to a
  // full-precision LU inside the timed call, the working precision's getrf/getrs too.
  template <class T>
  void warm_up(const SolveInput<T>& in) const {
    try {
      (void)device_run(in);
      (void)getrf_getrs(in);
    } catch (const CudaFailure&) {
    }
  }

  template <class T>
  SolveOutcome<T> device_run(const SolveInput<T>& in) const {
    Context& c = context();
    const cusolver_int_t n = static_cast<cusolver_int_t>(in.A.n_rows);
    const std::size_t nn = std::size_t(n) * std::size_t(n);
    Owned<cusolverDnIRSParams_t, cusolverDnIRSParamsDestroy> params = make_params(sizeof(T) == 8);
    cusolverDnIRSInfos_t raw_infos = nullptr;
    check(cusolverDnIRSInfosCreate(&raw_infos), "cusolverDnIRSInfosCreate");
    Owned<cusolverDnIRSInfos_t, cusolverDnIRSInfosDestroy> infos(raw_infos);
    DeviceBuffer dA(nn * sizeof(T)), dB(n * sizeof(T)), dX(n * sizeof(T)), info(sizeof(int));
    std::size_t lwork = 0;
    check(cusolverDnIRSXgesv_bufferSize(c.solver, params.get(), n, 1, &lwork), "cusolverDnIRSXgesv_bufferSize");
    DeviceBuffer work(lwork);
    // x starts as NaN (all bits set), devInfo as the sentinel: a call that fails or stops
    // early can never show a stale x or devInfo left in reused device memory.
    check(cudaMemsetAsync(dX.as<void>(), 0xFF, n * sizeof(T), c.stream), "NaN-fill x");
    const int unset = kUnset;
    check(cudaMemcpyAsync(info.as<int>(), &unset, sizeof unset, cudaMemcpyHostToDevice, c.stream), "devInfo sentinel");
    check(cudaStreamSynchronize(c.stream), "cudaStreamSynchronize");
    SolveOutcome<T> out;
    out.x.set_size(n);
    cusolver_int_t niters = kUnset;
    EventTimer ev(4);
    ev.mark(0);
    check(cudaMemcpyAsync(dA.as<T>(), in.A.memptr(), nn * sizeof(T), cudaMemcpyHostToDevice, c.stream), "copy A");
    check(cudaMemcpyAsync(dB.as<T>(), in.b.memptr(), n * sizeof(T), cudaMemcpyHostToDevice, c.stream), "copy b");
    ev.mark(1);
    const cusolverStatus_t status =
        cusolverDnIRSXgesv(c.solver, params.get(), infos.get(), n, 1, dA.as<void>(), n, dB.as<void>(), n,
                           dX.as<void>(), n, work.as<void>(), lwork, &niters, info.as<int>());
    ev.mark(2);
    check(cudaMemcpyAsync(out.x.memptr(), dX.as<T>(), n * sizeof(T), cudaMemcpyDeviceToHost, c.stream), "copy x");
    ev.mark(3);
    out.timing.transfer_s = ev.seconds(0, 1) + ev.seconds(2, 3);
    out.timing.factor_s = ev.seconds(1, 2);  // one call: factorization and refinement together
    IrsCall call;
    call.status = status == CUSOLVER_STATUS_SUCCESS ? "" : fmt::format("{} ({})", status_name(status), int(status));
    if (niters != kUnset) call.niters = niters;
    if (const int d = read_info(info); d != kUnset) call.d_info = d;
    cusolverDnIRSInfosGetOuterNiters(infos.get(), &call.outer_niters);  // left 0 if the call set no infos
    cusolverDnIRSInfosGetMaxIters(infos.get(), &call.max_iters);
    call.fallback_enabled = Fallback;
    call.n = n;
    call.x_written = static_cast<std::int64_t>(arma::accu(out.x == out.x));  // entries that are not NaN
    IrsReport r = describe_irs(call);
    if (!r.failure.empty()) {
      SolveOutcome<T> failed = SolveOutcome<T>::failure(r.failure);
      failed.facts = std::move(r.facts);
      failed.timing = out.timing;
      return failed;
    }
    out.facts = std::move(r.facts);
    return out;
  }

 private:
  static Owned<cusolverDnIRSParams_t, cusolverDnIRSParamsDestroy> make_params(bool f64) {
    cusolverDnIRSParams_t raw = nullptr;
    check(cusolverDnIRSParamsCreate(&raw), "cusolverDnIRSParamsCreate");
    Owned<cusolverDnIRSParams_t, cusolverDnIRSParamsDestroy> p(raw);
    check(cusolverDnIRSParamsSetSolverPrecisions(raw, f64 ? CUSOLVER_R_64F : CUSOLVER_R_32F, lowest(L)),
          "cusolverDnIRSParamsSetSolverPrecisions");
    check(cusolverDnIRSParamsSetRefinementSolver(
              raw, R == Refine::gmres ? CUSOLVER_IRS_REFINE_GMRES : CUSOLVER_IRS_REFINE_CLASSICAL),
          "cusolverDnIRSParamsSetRefinementSolver");
    if (Fallback)
      check(cusolverDnIRSParamsEnableFallback(raw), "cusolverDnIRSParamsEnableFallback");
    else
      check(cusolverDnIRSParamsDisableFallback(raw), "cusolverDnIRSParamsDisableFallback");
    return p;
  }
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
CONDBENCH_CUSOLVER_SOLVER(IrsFp16);
CONDBENCH_CUSOLVER_SOLVER(IrsFp16Classical);
CONDBENCH_CUSOLVER_SOLVER(IrsFp16NoFallback);
CONDBENCH_CUSOLVER_SOLVER(IrsBf16);
CONDBENCH_CUSOLVER_SOLVER(IrsBf16Classical);
CONDBENCH_CUSOLVER_SOLVER(IrsBf16NoFallback);
CONDBENCH_CUSOLVER_SOLVER(IrsTf32);
CONDBENCH_CUSOLVER_SOLVER(IrsTf32Classical);
CONDBENCH_CUSOLVER_SOLVER(IrsTf32NoFallback);
CONDBENCH_CUSOLVER_SOLVER(IrsFp32);
CONDBENCH_CUSOLVER_SOLVER(IrsFp32Classical);
CONDBENCH_CUSOLVER_SOLVER(IrsFp32NoFallback);
}  // namespace condbench::cusolver
