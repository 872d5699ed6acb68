// eigen.bdc_svd for float (see bdc_svd.hpp for why each scalar type has its own unit).
#include "solvers/eigen/bdc_svd_solve.hpp"

namespace condbench::eigen {
template SolveOutcome<float> BdcSvd::solve<float>(const SolveInput<float>&);
}  // namespace condbench::eigen
