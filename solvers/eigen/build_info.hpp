// What the Eigen backend was built with, without including Eigen: the version of the headers and the SIMD
// instruction sets its kernels were compiled for (-march decides; Eigen has no run-time dispatch).
#pragma once

#include <string>

namespace condbench::eigen {

std::string version();  // "3.4.0"
std::string simd();     // "AVX2 FMA AVX SSE4.2 SSE4.1 SSSE3 SSE3 SSE2", or "none" when not vectorised
bool vectorized();

}  // namespace condbench::eigen
