#include "solvers/cusolver/device.hpp"

#include <fmt/format.h>

#include <mutex>
#include <vector>

namespace condbench::cusolver {

#ifndef CONDBENCH_HAVE_CUDA

std::string unavailable_reason() {
  return "not compiled: the CUDA toolkit (cuSOLVER, cuBLAS) was not found when condbench was built; "
         "rebuild on a machine with CUDA (cmake -DCONDBENCH_CUDA=ON)";
}

#else

std::string unavailable_reason() {
  static const std::string reason = [] {
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) return fmt::format("no usable CUDA device: {} ({})", cudaGetErrorString(e), static_cast<int>(e));
    if (count == 0) return std::string("no CUDA device on this machine");
    return std::string();
  }();
  return reason;
}

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw CudaFailure(fmt::format("{}: {}", what, cudaGetErrorString(e)));
}

const char* status_name(cusolverStatus_t s) {
  switch (s) {
    case CUSOLVER_STATUS_SUCCESS: return "CUSOLVER_STATUS_SUCCESS";
    case CUSOLVER_STATUS_NOT_INITIALIZED: return "CUSOLVER_STATUS_NOT_INITIALIZED";
    case CUSOLVER_STATUS_ALLOC_FAILED: return "CUSOLVER_STATUS_ALLOC_FAILED";
    case CUSOLVER_STATUS_INVALID_VALUE: return "CUSOLVER_STATUS_INVALID_VALUE";
    case CUSOLVER_STATUS_ARCH_MISMATCH: return "CUSOLVER_STATUS_ARCH_MISMATCH";
    case CUSOLVER_STATUS_EXECUTION_FAILED: return "CUSOLVER_STATUS_EXECUTION_FAILED";
    case CUSOLVER_STATUS_INTERNAL_ERROR: return "CUSOLVER_STATUS_INTERNAL_ERROR";
    case CUSOLVER_STATUS_NOT_SUPPORTED: return "CUSOLVER_STATUS_NOT_SUPPORTED";
    case CUSOLVER_STATUS_IRS_PARAMS_INVALID: return "CUSOLVER_STATUS_IRS_PARAMS_INVALID";
    case CUSOLVER_STATUS_IRS_NOT_SUPPORTED: return "CUSOLVER_STATUS_IRS_NOT_SUPPORTED";
    case CUSOLVER_STATUS_IRS_OUT_OF_RANGE: return "CUSOLVER_STATUS_IRS_OUT_OF_RANGE";
    case CUSOLVER_STATUS_IRS_INFOS_NOT_INITIALIZED: return "CUSOLVER_STATUS_IRS_INFOS_NOT_INITIALIZED";
    default: return "cusolver status";
  }
}

void check(cusolverStatus_t s, const char* what) {
  if (s != CUSOLVER_STATUS_SUCCESS) throw CudaFailure(fmt::format("{}: {} ({})", what, status_name(s), static_cast<int>(s)));
}

void check(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS) throw CudaFailure(fmt::format("{}: cublas status {}", what, static_cast<int>(s)));
}

Context& context() {
  static Context ctx;
  static std::once_flag once;
  std::call_once(once, [] {
    check(cudaStreamCreateWithFlags(&ctx.stream, cudaStreamNonBlocking), "cudaStreamCreate");
    check(cusolverDnCreate(&ctx.solver), "cusolverDnCreate");
    check(cusolverDnSetStream(ctx.solver, ctx.stream), "cusolverDnSetStream");
    check(cublasCreate(&ctx.blas), "cublasCreate");
    check(cublasSetStream(ctx.blas, ctx.stream), "cublasSetStream");
    check(cusolverDnCreateParams(&ctx.params), "cusolverDnCreateParams");
    // Warm-up: a tiny LU loads the kernels so the first timed solve does not pay for it.
    DeviceBuffer a(4 * sizeof(double)), ipiv(2 * sizeof(std::int64_t)), info(sizeof(int));
    double h[4] = {2, 1, 1, 3};
    check(cudaMemcpyAsync(a.as<double>(), h, sizeof h, cudaMemcpyHostToDevice, ctx.stream), "warm-up copy");
    std::size_t dev = 0, host = 0;
    check(cusolverDnXgetrf_bufferSize(ctx.solver, ctx.params, 2, 2, CUDA_R_64F, a.as<double>(), 2, CUDA_R_64F, &dev,
                                      &host),
          "warm-up getrf_bufferSize");
    DeviceBuffer work(dev ? dev : 8);
    std::vector<char> hwork(host ? host : 8);
    check(cusolverDnXgetrf(ctx.solver, ctx.params, 2, 2, CUDA_R_64F, a.as<double>(), 2, ipiv.as<std::int64_t>(),
                           CUDA_R_64F, work.as<void>(), dev, hwork.data(), host, info.as<int>()),
          "warm-up getrf");
    check(cudaStreamSynchronize(ctx.stream), "warm-up sync");
  });
  return ctx;
}

DeviceBuffer::DeviceBuffer(std::size_t bytes) : bytes_(bytes) {
  check(cudaMalloc(&ptr_, bytes ? bytes : 1), fmt::format("cudaMalloc({} bytes)", bytes).c_str());
}

DeviceBuffer::~DeviceBuffer() {
  if (ptr_) cudaFree(ptr_);
}

EventTimer::EventTimer(int marks) : n_(marks) {
  for (int i = 0; i < n_; ++i) check(cudaEventCreate(&ev_[i]), "cudaEventCreate");
}

EventTimer::~EventTimer() {
  for (int i = 0; i < n_; ++i) cudaEventDestroy(ev_[i]);
}

void EventTimer::mark(int i) { check(cudaEventRecord(ev_[i], context().stream), "cudaEventRecord"); }

double EventTimer::seconds(int from, int to) {
  check(cudaEventSynchronize(ev_[to]), "cudaEventSynchronize");
  float ms = 0;
  check(cudaEventElapsedTime(&ms, ev_[from], ev_[to]), "cudaEventElapsedTime");
  return ms * 1e-3;
}

int read_info(const DeviceBuffer& info) {
  int h = 0;
  check(cudaMemcpyAsync(&h, info.as<int>(), sizeof h, cudaMemcpyDeviceToHost, context().stream), "copy devInfo");
  check(cudaStreamSynchronize(context().stream), "cudaStreamSynchronize");
  return h;
}

#endif

}  // namespace condbench::cusolver
