// Where and with what a run was made: every result carries it.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace condbench {

// git commit and dirty flag of the condbench sources, compiler, BLAS name and
// version, LAPACK version, thread count, CPU and GPU model, host, versions.
nlohmann::ordered_json run_context();

int blas_threads();
void set_blas_threads(int n);
std::string now_iso8601();
std::string condbench_version();
// `condbench --version`: the version, and whether the GPU module was built and where it
// would be loaded from (without loading it).

}  // namespace condbench
