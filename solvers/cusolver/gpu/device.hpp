// The GPU module's shared parts: whether a device is usable, the handles and stream,
// device buffers, event timing and the status checks. Every CUDA object is owned by
// an RAII wrapper, so a call that throws half-way leaks nothing.
#pragma once

#include "solvers/cusolver/gpu/status.hpp"
#include "solvers/solver.hpp"

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cusolverDn.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace condbench::cusolver {

// "" when a CUDA device is usable, else why not (driver missing, no device, ...).
std::string device_reason();
// CUDA runtime, driver and cuSOLVER versions, and device 0's name and compute capability.
std::string versions();

// A CUDA, cuSOLVER or cuBLAS call failed: the solver turns it into a failed row.
struct CudaFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void check(cudaError_t e, const char* what);
void check(cusolverStatus_t s, const char* what);
void check(cublasStatus_t s, const char* what);

// Ownership of a handle whose type is a pointer (every CUDA, cuSOLVER and cuBLAS handle is).
template <auto Destroy>
struct Destroyer {
  template <class P>
  void operator()(P p) const {
    Destroy(p);
  }
};
template <class Handle, auto Destroy>
using Owned = std::unique_ptr<std::remove_pointer_t<Handle>, Destroyer<Destroy>>;

// One handle pair, stream and params object per process, created on first use and
// kept to the end (destroying them at exit races the CUDA runtime's own teardown).
struct Context {
  cusolverDnHandle_t solver = nullptr;
  cublasHandle_t blas = nullptr;
  cudaStream_t stream = nullptr;
  cusolverDnParams_t params = nullptr;
};
Context& context();

// Device memory owned for the duration of one solve.
class DeviceBuffer {
 public:
  explicit DeviceBuffer(std::size_t bytes);
  template <class T>
  T* as() const {
    return static_cast<T*>(ptr_.get());
  }
  std::size_t bytes() const { return bytes_; }

 private:
  Owned<void*, cudaFree> ptr_;
  std::size_t bytes_ = 0;
};

// Events on the context's stream: mark(i) records point i, seconds(i, j) the device
// time between two marks after synchronizing.
class EventTimer {
 public:
  explicit EventTimer(int marks);
  void mark(int i);
  double seconds(int from, int to);

 private:
  std::vector<Owned<cudaEvent_t, cudaEventDestroy>> ev_;
};

template <class T>
constexpr cudaDataType data_type() {
  return sizeof(T) == 4 ? CUDA_R_32F : CUDA_R_64F;
}

// devInfo read back after synchronizing the stream.
int read_info(const DeviceBuffer& info);

}  // namespace condbench::cusolver
