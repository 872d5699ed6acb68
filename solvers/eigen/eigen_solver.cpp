#include "solvers/eigen/eigen_solver.hpp"

namespace condbench::eigen {
namespace {

std::string dims(arma::uword m, arma::uword n) { return std::to_string(m) + "x" + std::to_string(n); }

}  // namespace

std::string shape_error(arma::uword m, arma::uword n, arma::uword b_rows, Shape shape) {
  if (b_rows != m) return "b has " + std::to_string(b_rows) + " entries but A is " + dims(m, n);
  if (shape == Shape::square && m != n) return "needs a square A, got " + dims(m, n);
  if (shape == Shape::tall && m < n) return "needs m >= n, got " + dims(m, n);
  return {};
}

const char* info_name(Eigen::ComputationInfo info) {
  switch (info) {
    case Eigen::Success:
      return "Success";
    case Eigen::NumericalIssue:
      return "NumericalIssue";
    case Eigen::NoConvergence:
      return "NoConvergence";
    case Eigen::InvalidInput:
      return "InvalidInput";
  }
  return "?";
}

void record_rank(SolverFacts& f, long rank, double threshold, long full_rank) {
  f.extra["rank"] = rank;
  f.extra["threshold"] = threshold;
  if (rank < full_rank)
    f.note = "rank " + std::to_string(rank) + " < " + std::to_string(full_rank) +
             " at Eigen's threshold: solve() used the rank-" + std::to_string(rank) + " part";
}

}  // namespace condbench::eigen
