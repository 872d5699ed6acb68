// cusolver.svd: cusolverDnXgesvd (economy), then x = V S^+ U^T b with the singular
// values s_i <= u * s_max treated as zero, exactly lapack.svd's rule (?gelsd with
// rcond = -1; svd_cutoff in rules.hpp): min-norm least squares, rank-deficient and
// underdetermined problems included. cuSOLVER's gesvd needs m >= n, so an
// underdetermined A is transposed on the host before the timer starts.
#include "solvers/cusolver/gpu/base.hpp"

#include <fmt/format.h>

#include <vector>

namespace condbench::cusolver {
namespace {

cublasStatus_t gemv(cublasHandle_t h, cublasOperation_t op, int m, int n, const float* A, int lda, const float* x,
                    float* y) {
  const float one = 1, zero = 0;
  return cublasSgemv(h, op, m, n, &one, A, lda, x, 1, &zero, y, 1);
}
cublasStatus_t gemv(cublasHandle_t h, cublasOperation_t op, int m, int n, const double* A, int lda, const double* x,
                    double* y) {
  const double one = 1, zero = 0;
  return cublasDgemv(h, op, m, n, &one, A, lda, x, 1, &zero, y, 1);
}

class Svd : public CusolverSolver<Svd> {
 public:
  static constexpr const char* kName = "cusolver.svd";

  template <class T>
  SolveOutcome<T> device_run(const SolveInput<T>& in) const {
    Context& c = context();
    const bool wide = in.A.n_rows < in.A.n_cols;
    const arma::Mat<T> At = wide ? arma::Mat<T>(in.A.t()) : arma::Mat<T>();
    const arma::Mat<T>& M = wide ? At : in.A;  // rows >= cols
    const std::int64_t m = M.n_rows, n = M.n_cols, k = n;
    const cudaDataType t = data_type<T>();
    DeviceBuffer dA(m * n * sizeof(T)), dS(k * sizeof(T)), dU(m * k * sizeof(T)), dVT(k * n * sizeof(T)),
        db(in.b.n_elem * sizeof(T)), dc(k * sizeof(T)), dx(in.A.n_cols * sizeof(T)), info(sizeof(int));
    std::size_t dev = 0, host = 0;
    check(cusolverDnXgesvd_bufferSize(c.solver, c.params, 'S', 'S', m, n, t, dA.as<T>(), m, t, dS.as<T>(), t,
                                      dU.as<T>(), m, t, dVT.as<T>(), k, t, &dev, &host),
          "cusolverDnXgesvd_bufferSize");
    DeviceBuffer work(dev);
    std::vector<char> hwork(host + 1);
    SolveOutcome<T> out;
    out.x.set_size(in.A.n_cols);
    EventTimer ev(5);
    ev.mark(0);
    check(cudaMemcpyAsync(dA.as<T>(), M.memptr(), m * n * sizeof(T), cudaMemcpyHostToDevice, c.stream), "copy A");
    check(cudaMemcpyAsync(db.as<T>(), in.b.memptr(), in.b.n_elem * sizeof(T), cudaMemcpyHostToDevice, c.stream),
          "copy b");
    ev.mark(1);
    check(cusolverDnXgesvd(c.solver, c.params, 'S', 'S', m, n, t, dA.as<T>(), m, t, dS.as<T>(), t, dU.as<T>(), m, t,
                           dVT.as<T>(), k, t, work.as<void>(), dev, hwork.data(), host, info.as<int>()),
          "cusolverDnXgesvd");
    ev.mark(2);
    // A = U S V^T (tall) or A = (U S V^T)^T = V S U^T (wide).
    if (!wide)
      check(gemv(c.blas, CUBLAS_OP_T, m, k, dU.as<T>(), m, db.as<T>(), dc.as<T>()), "cublas?gemv U^T b");
    else
      check(gemv(c.blas, CUBLAS_OP_N, k, k, dVT.as<T>(), k, db.as<T>(), dc.as<T>()), "cublas?gemv V b");
    std::vector<T> s(k), cv(k);
    check(cudaMemcpyAsync(s.data(), dS.as<T>(), k * sizeof(T), cudaMemcpyDeviceToHost, c.stream), "copy S");
    check(cudaMemcpyAsync(cv.data(), dc.as<T>(), k * sizeof(T), cudaMemcpyDeviceToHost, c.stream), "copy c");
    check(cudaStreamSynchronize(c.stream), "sync");
    const T s_max = k ? s[0] : T(0);  // gesvd returns them in descending order
    int rank = 0;
    for (std::int64_t i = 0; i < k; ++i) {
      if (svd_keeps(s[i], s_max)) {
        cv[i] /= s[i];
        ++rank;
      } else {
        cv[i] = 0;
      }
    }
    check(cudaMemcpyAsync(dc.as<T>(), cv.data(), k * sizeof(T), cudaMemcpyHostToDevice, c.stream), "copy c");
    if (!wide)
      check(gemv(c.blas, CUBLAS_OP_T, k, n, dVT.as<T>(), k, dc.as<T>(), dx.as<T>()), "cublas?gemv V c");
    else
      check(gemv(c.blas, CUBLAS_OP_N, m, k, dU.as<T>(), m, dc.as<T>(), dx.as<T>()), "cublas?gemv U c");
    ev.mark(3);
    check(cudaMemcpyAsync(out.x.memptr(), dx.as<T>(), in.A.n_cols * sizeof(T), cudaMemcpyDeviceToHost, c.stream),
          "copy x");
    ev.mark(4);
    out.timing.transfer_s = ev.seconds(0, 1) + ev.seconds(3, 4);
    out.timing.factor_s = ev.seconds(1, 2);
    out.timing.solve_s = ev.seconds(2, 3);
    if (int i = read_info(info); i != 0)
      return SolveOutcome<T>::failure(i > 0 ? fmt::format("cusolverDnXgesvd devInfo={}: {} superdiagonals did not "
                                                          "converge", i, i)
                                            : fmt::format("cusolverDnXgesvd devInfo={}: invalid argument", i));
    if (rank < k)
      out.facts.note = fmt::format("effective rank {} of {} (s_i <= u * s_max treated as zero, as gelsd)", rank, k);
    out.facts.extra["rank"] = rank;
    return out;
  }
};

}  // namespace
CONDBENCH_CUSOLVER_SOLVER(Svd);
}  // namespace condbench::cusolver
