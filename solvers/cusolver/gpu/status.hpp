// Names of every cuSOLVER and cuBLAS status code, so that a failed row says
// CUSOLVER_STATUS_IRS_OUT_OF_RANGE rather than a number. Needs the CUDA headers only,
// not the libraries: the tests check it against the headers on any machine with the toolkit.
#pragma once

#include <cublas_api.h>
#include <cusolver_common.h>

namespace condbench::cusolver {

const char* status_name(cusolverStatus_t s);  // "unknown cuSOLVER status" for a code the headers do not have
const char* status_name(cublasStatus_t s);    // "unknown cuBLAS status" likewise

}  // namespace condbench::cusolver
