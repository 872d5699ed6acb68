#include "solvers/eigen/build_info.hpp"

#include <Eigen/Core>
#include <vector>

namespace condbench::eigen {

std::string version() {
  return std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
         std::to_string(EIGEN_MINOR_VERSION);
}

// From Eigen's EIGEN_VECTORIZE_* macros rather than Eigen::SimdInstructionSetsInUse(), which says "AVX" for an
// AVX2 + FMA build.
std::string simd() {
  std::vector<const char*> sets;
#ifdef EIGEN_VECTORIZE_AVX512
  sets.push_back("AVX512");
#endif
#ifdef EIGEN_VECTORIZE_AVX2
  sets.push_back("AVX2");
#endif
#ifdef EIGEN_VECTORIZE_FMA
  sets.push_back("FMA");
#endif
#ifdef EIGEN_VECTORIZE_AVX
  sets.push_back("AVX");
#endif
#ifdef EIGEN_VECTORIZE_SSE4_2
  sets.push_back("SSE4.2");
#endif
#ifdef EIGEN_VECTORIZE_SSE4_1
  sets.push_back("SSE4.1");
#endif
#ifdef EIGEN_VECTORIZE_SSSE3
  sets.push_back("SSSE3");
#endif
#ifdef EIGEN_VECTORIZE_SSE3
  sets.push_back("SSE3");
#endif
#ifdef EIGEN_VECTORIZE_SSE2
  sets.push_back("SSE2");
#endif
#ifdef EIGEN_VECTORIZE_NEON
  sets.push_back("NEON");
#endif
  std::string s;
  for (const char* x : sets) {
    if (!s.empty()) s += ' ';
    s += x;
  }
  return s.empty() ? "none" : s;
}

bool vectorized() {
#ifdef EIGEN_VECTORIZE
  return true;
#else
  return false;
#endif
}

}  // namespace condbench::eigen
