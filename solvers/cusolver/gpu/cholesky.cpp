// cusolver.cholesky: cusolverDnXpotrf + cusolverDnXpotrs. "not SPD" on failure, never a fallback.
#include "solvers/cusolver/gpu/base.hpp"

#include <fmt/format.h>

#include <vector>

namespace condbench::cusolver {
namespace {

class Cholesky : public CusolverSolver<Cholesky> {
 public:
  static constexpr const char* kName = "cusolver.cholesky";

  template <class T>
  SolveOutcome<T> device_run(const SolveInput<T>& in) const {
    Context& c = context();
    const std::int64_t n = in.A.n_rows;
    const cudaDataType t = data_type<T>();
    DeviceBuffer dA(n * n * sizeof(T)), dB(n * sizeof(T)), info_f(sizeof(int)), info_s(sizeof(int));
    std::size_t dev = 0, host = 0;
    check(cusolverDnXpotrf_bufferSize(c.solver, c.params, CUBLAS_FILL_MODE_LOWER, n, t, dA.as<T>(), n, t, &dev, &host),
          "cusolverDnXpotrf_bufferSize");
    DeviceBuffer work(dev);
    std::vector<char> hwork(host + 1);
    SolveOutcome<T> out;
    out.x.set_size(n);
    EventTimer ev(5);
    ev.mark(0);
    check(cudaMemcpyAsync(dA.as<T>(), in.A.memptr(), n * n * sizeof(T), cudaMemcpyHostToDevice, c.stream), "copy A");
    check(cudaMemcpyAsync(dB.as<T>(), in.b.memptr(), n * sizeof(T), cudaMemcpyHostToDevice, c.stream), "copy b");
    ev.mark(1);
    check(cusolverDnXpotrf(c.solver, c.params, CUBLAS_FILL_MODE_LOWER, n, t, dA.as<T>(), n, t, work.as<void>(), dev,
                           hwork.data(), host, info_f.as<int>()),
          "cusolverDnXpotrf");
    ev.mark(2);
    check(cusolverDnXpotrs(c.solver, c.params, CUBLAS_FILL_MODE_LOWER, n, 1, t, dA.as<T>(), n, t, dB.as<T>(), n,
                           info_s.as<int>()),
          "cusolverDnXpotrs");
    ev.mark(3);
    check(cudaMemcpyAsync(out.x.memptr(), dB.as<T>(), n * sizeof(T), cudaMemcpyDeviceToHost, c.stream), "copy x");
    ev.mark(4);
    out.timing.transfer_s = ev.seconds(0, 1) + ev.seconds(3, 4);
    out.timing.factor_s = ev.seconds(1, 2);
    out.timing.solve_s = ev.seconds(2, 3);
    if (int i = read_info(info_f); i > 0)
      return SolveOutcome<T>::failure(
          fmt::format("not SPD: cusolverDnXpotrf devInfo={} (leading minor {} not positive definite)", i, i));
    else if (i < 0)
      return SolveOutcome<T>::failure(fmt::format("cusolverDnXpotrf devInfo={}: invalid argument", i));
    if (int i = read_info(info_s); i != 0) return SolveOutcome<T>::failure(fmt::format("cusolverDnXpotrs devInfo={}", i));
    return out;
  }
};

}  // namespace
CONDBENCH_CUSOLVER_SOLVER(Cholesky);
}  // namespace condbench::cusolver
