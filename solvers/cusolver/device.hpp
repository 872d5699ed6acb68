// The cuSOLVER backend's shared parts: whether it can run here, and (when built
// with CUDA) the handle, stream, device buffers, event timing and status checks.
//
// Without CUDA at build time every cusolver.* solver still registers and says
// "not compiled"; without a usable GPU at run time it says why (Ginkgo's
// device_hooks idea): listed, skipped with the reason, never silently absent.
#pragma once

#include "solvers/solver.hpp"

#include <string>

namespace condbench::cusolver {

// Empty when cuSOLVER solvers can run; otherwise the reason.
std::string unavailable_reason();

}  // namespace condbench::cusolver

#ifdef CONDBENCH_HAVE_CUDA
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cusolverDn.h>

#include <cstdint>
#include <stdexcept>

namespace condbench::cusolver {

// A CUDA or cuSOLVER call failed: the solver turns it into a failed row.
struct CudaFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void check(cudaError_t e, const char* what);
void check(cusolverStatus_t s, const char* what);
void check(cublasStatus_t s, const char* what);
const char* status_name(cusolverStatus_t s);

// One handle pair and stream per process, created on first use with a warm-up
// call so that library loading and handle creation stay out of every timing.
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
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  template <class T>
  T* as() const { return static_cast<T*>(ptr_); }
  std::size_t bytes() const { return bytes_; }

 private:
  void* ptr_ = nullptr;
  std::size_t bytes_ = 0;
};

// Events on the context's stream: mark() records a point, seconds(i, j) the device
// time between two marks after synchronizing.
class EventTimer {
 public:
  explicit EventTimer(int marks);
  ~EventTimer();
  void mark(int i);
  double seconds(int from, int to);

 private:
  cudaEvent_t ev_[8] = {};
  int n_;
};

template <class T>
constexpr cudaDataType data_type() {
  return sizeof(T) == 4 ? CUDA_R_32F : CUDA_R_64F;
}

// devInfo read back after synchronizing.
int read_info(const DeviceBuffer& info);

}  // namespace condbench::cusolver
#endif
