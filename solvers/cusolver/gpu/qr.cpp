// cusolver.qr: cusolverDnXgeqrf + cusolverDn?ormqr (Q^T b) + cublas?trsm (R x = c).
// Square and least squares.
#include "solvers/cusolver/gpu/base.hpp"

#include <fmt/format.h>

#include <vector>

namespace condbench::cusolver {
namespace {

cusolverStatus_t ormqr_size(cusolverDnHandle_t h, int m, int k, const float* A, const float* tau, const float* C,
                            int* lwork) {
  return cusolverDnSormqr_bufferSize(h, CUBLAS_SIDE_LEFT, CUBLAS_OP_T, m, 1, k, A, m, tau, C, m, lwork);
}
cusolverStatus_t ormqr_size(cusolverDnHandle_t h, int m, int k, const double* A, const double* tau, const double* C,
                            int* lwork) {
  return cusolverDnDormqr_bufferSize(h, CUBLAS_SIDE_LEFT, CUBLAS_OP_T, m, 1, k, A, m, tau, C, m, lwork);
}
cusolverStatus_t ormqr(cusolverDnHandle_t h, int m, int k, const float* A, const float* tau, float* C, float* w,
                       int lw, int* info) {
  return cusolverDnSormqr(h, CUBLAS_SIDE_LEFT, CUBLAS_OP_T, m, 1, k, A, m, tau, C, m, w, lw, info);
}
cusolverStatus_t ormqr(cusolverDnHandle_t h, int m, int k, const double* A, const double* tau, double* C, double* w,
                       int lw, int* info) {
  return cusolverDnDormqr(h, CUBLAS_SIDE_LEFT, CUBLAS_OP_T, m, 1, k, A, m, tau, C, m, w, lw, info);
}
cublasStatus_t trsm(cublasHandle_t h, int n, int lda, const float* A, float* B) {
  const float one = 1;
  return cublasStrsm(h, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N, CUBLAS_DIAG_NON_UNIT, n, 1, &one, A,
                     lda, B, lda);
}
cublasStatus_t trsm(cublasHandle_t h, int n, int lda, const double* A, double* B) {
  const double one = 1;
  return cublasDtrsm(h, CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_N, CUBLAS_DIAG_NON_UNIT, n, 1, &one, A,
                     lda, B, lda);
}

class Qr : public CusolverSolver<Qr> {
 public:
  static constexpr const char* kName = "cusolver.qr";

  template <class T>
  SolveOutcome<T> device_run(const SolveInput<T>& in) const {
    Context& c = context();
    const std::int64_t m = in.A.n_rows, n = in.A.n_cols;
    if (m > INT32_MAX || n > INT32_MAX) return SolveOutcome<T>::failure("too large for cusolverDn?ormqr (32-bit sizes)");
    const cudaDataType t = data_type<T>();
    DeviceBuffer dA(m * n * sizeof(T)), dB(m * sizeof(T)), tau(n * sizeof(T)), info_f(sizeof(int)),
        info_q(sizeof(int));
    std::size_t dev = 0, host = 0;
    check(cusolverDnXgeqrf_bufferSize(c.solver, c.params, m, n, t, dA.as<T>(), m, t, tau.as<T>(), t, &dev, &host),
          "cusolverDnXgeqrf_bufferSize");
    int lwork_q = 0;
    check(ormqr_size(c.solver, static_cast<int>(m), static_cast<int>(n), dA.as<T>(), tau.as<T>(), dB.as<T>(),
                     &lwork_q),
          "cusolverDn?ormqr_bufferSize");
    DeviceBuffer work(dev), work_q(static_cast<std::size_t>(lwork_q) * sizeof(T));
    std::vector<char> hwork(host + 1);
    SolveOutcome<T> out;
    out.x.set_size(n);
    EventTimer ev(5);
    ev.mark(0);
    check(cudaMemcpyAsync(dA.as<T>(), in.A.memptr(), m * n * sizeof(T), cudaMemcpyHostToDevice, c.stream), "copy A");
    check(cudaMemcpyAsync(dB.as<T>(), in.b.memptr(), m * sizeof(T), cudaMemcpyHostToDevice, c.stream), "copy b");
    ev.mark(1);
    check(cusolverDnXgeqrf(c.solver, c.params, m, n, t, dA.as<T>(), m, t, tau.as<T>(), t, work.as<void>(), dev,
                           hwork.data(), host, info_f.as<int>()),
          "cusolverDnXgeqrf");
    ev.mark(2);
    check(ormqr(c.solver, static_cast<int>(m), static_cast<int>(n), dA.as<T>(), tau.as<T>(), dB.as<T>(),
                work_q.as<T>(), lwork_q, info_q.as<int>()),
          "cusolverDn?ormqr");
    check(trsm(c.blas, static_cast<int>(n), static_cast<int>(m), dA.as<T>(), dB.as<T>()), "cublas?trsm");
    ev.mark(3);
    check(cudaMemcpyAsync(out.x.memptr(), dB.as<T>(), n * sizeof(T), cudaMemcpyDeviceToHost, c.stream), "copy x");
    ev.mark(4);
    out.timing.transfer_s = ev.seconds(0, 1) + ev.seconds(3, 4);
    out.timing.factor_s = ev.seconds(1, 2);
    out.timing.solve_s = ev.seconds(2, 3);
    if (int i = read_info(info_f); i != 0) return SolveOutcome<T>::failure(fmt::format("cusolverDnXgeqrf devInfo={}", i));
    if (int i = read_info(info_q); i != 0) return SolveOutcome<T>::failure(fmt::format("cusolverDn?ormqr devInfo={}", i));
    // An exactly zero R(i,i) means trsm divided by zero: say so instead of "non-finite".
    std::vector<T> diag(n);
    check(cudaMemcpy2D(diag.data(), sizeof(T), dA.as<T>(), (m + 1) * sizeof(T), sizeof(T), n, cudaMemcpyDeviceToHost),
          "copy diag(R)");
    for (std::int64_t i = 0; i < n; ++i)
      if (diag[i] == T(0)) return SolveOutcome<T>::failure(fmt::format("rank deficient: R({},{}) = 0", i + 1, i + 1));
    return out;
  }
};

}  // namespace
CONDBENCH_CUSOLVER_SOLVER(Qr);
}  // namespace condbench::cusolver
