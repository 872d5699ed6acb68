#include "solvers/eigen/bdc_svd.hpp"

CONDBENCH_REGISTER_EIGEN_SOLVER(condbench::eigen::BdcSvd);
