// eigen.bdc_svd for double (see bdc_svd.hpp for why each scalar type has its own unit).
#include "solvers/eigen/bdc_svd_solve.hpp"

namespace condbench::eigen {
template SolveOutcome<double> BdcSvd::solve<double>(const SolveInput<double>&);
}  // namespace condbench::eigen
