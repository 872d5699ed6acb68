// Every cuSOLVER and cuBLAS status code of the CUDA headers this build used has its
// own name: read the enumerators from the headers and ask status_name for each.
// Built where the CUDA toolkit was found (the headers are needed, not the libraries).
#ifdef CONDBENCH_CUDA_INCLUDE_DIR
#include "solvers/cusolver/gpu/status.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

namespace condbench::cusolver {
namespace {

std::map<std::string, int> enumerators(const std::string& header, const std::string& prefix) {
  std::ifstream in(std::string(CONDBENCH_CUDA_INCLUDE_DIR) + "/" + header);
  EXPECT_TRUE(in) << header;
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  std::map<std::string, int> out;
  const std::regex re("(" + prefix + "[A-Z0-9_]+)\\s*=\\s*([0-9]+)");
  for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator(); ++it)
    out[(*it)[1]] = std::stoi((*it)[2]);
  return out;
}

TEST(CusolverStatus, EveryCusolverStatusOfTheHeadersHasItsName) {
  const auto codes = enumerators("cusolver_common.h", "CUSOLVER_STATUS_");
  EXPECT_GE(codes.size(), 25u) << "the header parse found too few codes";
  for (const auto& [name, value] : codes)
    EXPECT_STREQ(status_name(static_cast<cusolverStatus_t>(value)), name.c_str()) << value;
  EXPECT_STREQ(status_name(static_cast<cusolverStatus_t>(999)), "unknown cuSOLVER status");
}

TEST(CusolverStatus, EveryCublasStatusOfTheHeadersHasItsName) {
  const auto codes = enumerators("cublas_api.h", "CUBLAS_STATUS_");
  EXPECT_GE(codes.size(), 10u) << "the header parse found too few codes";
  for (const auto& [name, value] : codes)
    EXPECT_STREQ(status_name(static_cast<cublasStatus_t>(value)), name.c_str()) << value;
  EXPECT_STREQ(status_name(static_cast<cublasStatus_t>(999)), "unknown cuBLAS status");
}

}  // namespace
}  // namespace condbench::cusolver
#endif
