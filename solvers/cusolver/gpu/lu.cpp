// cusolver.lu: cusolverDnXgetrf + cusolverDnXgetrs (64-bit generic API).
#include "solvers/cusolver/gpu/lu.hpp"

#include "solvers/cusolver/gpu/base.hpp"

#include <fmt/format.h>

#include <vector>

namespace condbench::cusolver {

template <class T>
SolveOutcome<T> getrf_getrs(const SolveInput<T>& in) {
  Context& c = context();
  const std::int64_t n = in.A.n_rows;
  const cudaDataType t = data_type<T>();
  DeviceBuffer dA(n * n * sizeof(T)), dB(n * sizeof(T)), ipiv(n * sizeof(std::int64_t)), info_f(sizeof(int)),
      info_s(sizeof(int));
  std::size_t dev = 0, host = 0;
  check(cusolverDnXgetrf_bufferSize(c.solver, c.params, n, n, t, dA.as<T>(), n, t, &dev, &host),
        "cusolverDnXgetrf_bufferSize");
  DeviceBuffer work(dev);
  std::vector<char> hwork(host + 1);
  SolveOutcome<T> out;
  out.x.set_size(n);
  EventTimer ev(5);
  ev.mark(0);
  check(cudaMemcpyAsync(dA.as<T>(), in.A.memptr(), n * n * sizeof(T), cudaMemcpyHostToDevice, c.stream), "copy A");
  check(cudaMemcpyAsync(dB.as<T>(), in.b.memptr(), n * sizeof(T), cudaMemcpyHostToDevice, c.stream), "copy b");
  ev.mark(1);
  check(cusolverDnXgetrf(c.solver, c.params, n, n, t, dA.as<T>(), n, ipiv.as<std::int64_t>(), t, work.as<void>(), dev,
                         hwork.data(), host, info_f.as<int>()),
        "cusolverDnXgetrf");
  ev.mark(2);
  check(cusolverDnXgetrs(c.solver, c.params, CUBLAS_OP_N, n, 1, t, dA.as<T>(), n, ipiv.as<std::int64_t>(), t,
                         dB.as<T>(), n, info_s.as<int>()),
        "cusolverDnXgetrs");
  ev.mark(3);
  check(cudaMemcpyAsync(out.x.memptr(), dB.as<T>(), n * sizeof(T), cudaMemcpyDeviceToHost, c.stream), "copy x");
  ev.mark(4);
  out.timing.transfer_s = ev.seconds(0, 1) + ev.seconds(3, 4);
  out.timing.factor_s = ev.seconds(1, 2);
  out.timing.solve_s = ev.seconds(2, 3);
  if (int i = read_info(info_f); i != 0)
    return SolveOutcome<T>::failure(i > 0 ? fmt::format("cusolverDnXgetrf devInfo={}: U({},{}) is exactly zero", i, i, i)
                                          : fmt::format("cusolverDnXgetrf devInfo={}: invalid argument", i));
  if (int i = read_info(info_s); i != 0) return SolveOutcome<T>::failure(fmt::format("cusolverDnXgetrs devInfo={}", i));
  return out;
}

template SolveOutcome<float> getrf_getrs(const SolveInput<float>&);
template SolveOutcome<double> getrf_getrs(const SolveInput<double>&);

namespace {

class Lu : public CusolverSolver<Lu> {
 public:
  static constexpr const char* kName = "cusolver.lu";
  template <class T>
  SolveOutcome<T> device_run(const SolveInput<T>& in) const {
    return getrf_getrs(in);
  }
};

}  // namespace
CONDBENCH_CUSOLVER_SOLVER(Lu);
}  // namespace condbench::cusolver
