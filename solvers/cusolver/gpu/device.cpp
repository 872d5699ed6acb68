#include "solvers/cusolver/gpu/device.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

namespace condbench::cusolver {

std::string device_reason() {
  static const std::string reason = [] {
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
      cudaGetLastError();
      std::string why = fmt::format("{}: {}", cudaGetErrorName(e), cudaGetErrorString(e));
      // The runtime says "driver version is insufficient" also when there is no driver at all: say which.
      if (void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL); !driver)
        why += fmt::format(" (the NVIDIA driver library libcuda.so.1 cannot be opened: {})", dlerror());
      return why;
    }
    if (count == 0) return std::string("cudaGetDeviceCount found no device");
    return std::string();
  }();
  return reason;
}

std::string versions() {
  int runtime = 0, driver = 0, solver = 0;
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);
  cusolverGetVersion(&solver);
  std::string device = "none";
  cudaDeviceProp p{};
  if (device_reason().empty() && cudaGetDeviceProperties(&p, 0) == cudaSuccess)
    device = fmt::format("{} (compute capability {}.{}, {:.1f} GiB)", p.name, p.major, p.minor,
                         static_cast<double>(p.totalGlobalMem) / (1 << 30));
  cudaGetLastError();
  const auto v = [](int x) { return x ? fmt::format("{}.{}", x / 1000, x % 1000 / 10) : std::string("none"); };
  // cusolverGetVersion: major * 1000 + minor * 100 + patch (cusolver_common.h's CUSOLVER_VERSION).
  return fmt::format("CUDA runtime {}, driver {}, cuSOLVER {}.{}.{}, device {}", v(runtime), v(driver),
                     solver / 1000, solver % 1000 / 100, solver % 100, device);
}

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw CudaFailure(fmt::format("{}: {}: {}", what, cudaGetErrorName(e), cudaGetErrorString(e)));
}

void check(cusolverStatus_t s, const char* what) {
  if (s != CUSOLVER_STATUS_SUCCESS) throw CudaFailure(fmt::format("{}: {} ({})", what, status_name(s), int(s)));
}

void check(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS) throw CudaFailure(fmt::format("{}: {} ({})", what, status_name(s), int(s)));
}

Context& context() {
  // Built from owned parts and released only when all of them exist: a failure half-way
  // frees what was made, throws, and the next call tries again.
  static Context* ctx = [] {
    cudaStream_t s = nullptr;
    check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
    Owned<cudaStream_t, cudaStreamDestroy> stream(s);
    cusolverDnHandle_t h = nullptr;
    check(cusolverDnCreate(&h), "cusolverDnCreate");
    Owned<cusolverDnHandle_t, cusolverDnDestroy> solver(h);
    check(cusolverDnSetStream(h, s), "cusolverDnSetStream");
    cublasHandle_t b = nullptr;
    check(cublasCreate(&b), "cublasCreate");
    Owned<cublasHandle_t, cublasDestroy> blas(b);
    check(cublasSetStream(b, s), "cublasSetStream");
    cusolverDnParams_t p = nullptr;
    check(cusolverDnCreateParams(&p), "cusolverDnCreateParams");
    Owned<cusolverDnParams_t, cusolverDnDestroyParams> params(p);
    return new Context{solver.release(), blas.release(), stream.release(), params.release()};
  }();
  return *ctx;
}

DeviceBuffer::DeviceBuffer(std::size_t bytes) : bytes_(bytes) {
  void* p = nullptr;
  if (const cudaError_t e = cudaMalloc(&p, bytes ? bytes : 1); e != cudaSuccess) {
    // cudaMalloc's error stays as the runtime's last error: clear it, or the next
    // cudaGetLastError (ours or a library's) would report a failure that is not its own.
    cudaGetLastError();
    std::size_t free = 0, total = 0;
    cudaMemGetInfo(&free, &total);
    cudaGetLastError();
    throw CudaFailure(fmt::format("cudaMalloc({} bytes): {}: {} ({:.2f} of {:.2f} GiB free)", bytes,
                                  cudaGetErrorName(e), cudaGetErrorString(e), free / 1073741824.0,
                                  total / 1073741824.0));
  }
  ptr_.reset(p);
}

EventTimer::EventTimer(int marks) {
  ev_.reserve(static_cast<std::size_t>(marks));
  for (int i = 0; i < marks; ++i) {
    cudaEvent_t e = nullptr;
    check(cudaEventCreate(&e), "cudaEventCreate");
    ev_.emplace_back(e);
  }
}

void EventTimer::mark(int i) { check(cudaEventRecord(ev_.at(i).get(), context().stream), "cudaEventRecord"); }

double EventTimer::seconds(int from, int to) {
  check(cudaEventSynchronize(ev_.at(to).get()), "cudaEventSynchronize");
  float ms = 0;
  check(cudaEventElapsedTime(&ms, ev_.at(from).get(), ev_.at(to).get()), "cudaEventElapsedTime");
  return ms * 1e-3;
}

int read_info(const DeviceBuffer& info) {
  int h = 0;
  check(cudaMemcpyAsync(&h, info.as<int>(), sizeof h, cudaMemcpyDeviceToHost, context().stream), "copy devInfo");
  check(cudaStreamSynchronize(context().stream), "cudaStreamSynchronize");
  return h;
}

}  // namespace condbench::cusolver
