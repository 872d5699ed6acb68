#include "studies/metrics/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace condbench {
namespace {

constexpr double kU = 0x1p-53;

ref::ReferenceSolution exact_ref(std::vector<double> x, std::vector<double> r = {}) {
  ref::ReferenceSolution s;
  for (double v : x) s.x.emplace_back(v);
  for (double v : r) s.r.emplace_back(v);
  s.converged = true;
  s.ref_error = 0;
  return s;
}

// A = [1 2; 3 4], b = [5; 6], x* = [-4; 4.5]; xhat = [-4; 4.25] gives r = b - A xhat = [0.5; 1].
TEST(Metrics, SquareTwoByTwoWorkedByHand) {
  const arma::mat A = {{1, 2}, {3, 4}};
  const arma::vec b = {5, 6}, xhat = {-4, 4.25}, xtrue = {-4, 4.5};
  const Metrics m = compute_metrics(A, b, xhat, exact_ref({-4, 4.5}), ProblemKind::general, kU, xtrue);
  EXPECT_DOUBLE_EQ(m.forward_error, 0.25 / std::sqrt(36.25));  // ||[0, -0.25]|| / ||[-4, 4.5]||
  EXPECT_DOUBLE_EQ(m.forward_error_inf, 0.25 / 4.5);
  EXPECT_DOUBLE_EQ(m.error_vs_true, 0.25 / std::sqrt(36.25));
  // ||A||_2^2 = largest eigenvalue of A^T A = [10 14; 14 20]: 15 + sqrt(221).
  const double norm2 = std::sqrt(15 + std::sqrt(221.0));
  EXPECT_NEAR(m.backward_error / (std::sqrt(1.25) / (norm2 * std::sqrt(34.0625) + std::sqrt(61.0))), 1, 1e-14);
  // |A||xhat| + |b| = [4 + 8.5 + 5; 12 + 17 + 6] = [17.5; 35]; |r| / that = [1/35; 1/35].
  EXPECT_DOUBLE_EQ(m.componentwise_backward_error, 1.0 / 35);
  // ||r||_1 = 1.5, ||A||_1 = 6, ||xhat||_1 = 8.25, n = 2.
  EXPECT_DOUBLE_EQ(m.residual_ratio, 1.5 / (6 * 8.25 * 2 * kU));
  EXPECT_TRUE(std::isnan(m.ls_residual_ratio));
}

// A = [1 0; 0 1; 0 0], b = [1; 2; 3]: x* = [1; 2], r* = [0; 0; 3]. xhat = [1; 2.5]:
// r = [0; -0.5; 3], A^T r = [0; -0.5], sigma = (1, 1).
TEST(Metrics, LeastSquaresWorkedByHand) {
  const arma::mat A = {{1, 0}, {0, 1}, {0, 0}};
  const arma::vec b = {1, 2, 3}, xhat = {1, 2.5};
  const Metrics m = compute_metrics(A, b, xhat, exact_ref({1, 2}, {0, 0, 3}), ProblemKind::least_squares, kU, {});
  // Karlson-Walden: ||x||^2 = 7.25, ||r||^2 = 9.25 -> eta = 0.5 / sqrt(7.25 + 9.25) / sqrt(7.25).
  EXPECT_NEAR(m.backward_error / (0.5 / std::sqrt(16.5) / std::sqrt(7.25)), 1, 1e-14);
  EXPECT_TRUE(std::isnan(m.componentwise_backward_error));
  // ||A^T r||_1 = 0.5, ||A||_1 = 1, alpha = ||r*||_1 = 3, max(m, n) = 3.
  EXPECT_DOUBLE_EQ(m.ls_residual_ratio, 0.5 / (3 * 3 * kU));
  EXPECT_DOUBLE_EQ(m.residual_ratio, 3.5 / (1 * 3.5 * 2 * kU));
  EXPECT_DOUBLE_EQ(m.forward_error, 0.5 / std::sqrt(5.0));
  EXPECT_TRUE(std::isnan(m.error_vs_true));
}

TEST(Metrics, ZeroResidualLeastSquaresUsesNormOfBAsAlpha) {
  const arma::mat A = {{1, 0}, {0, 1}, {0, 0}};
  const arma::vec b = {1, 2, 0}, xhat = {1, 2.5};
  const Metrics m = compute_metrics(A, b, xhat, exact_ref({1, 2}, {0, 0, 0}), ProblemKind::least_squares, kU, {});
  EXPECT_DOUBLE_EQ(m.ls_residual_ratio, 0.5 / (3 * 3 * kU));  // alpha = ||b||_1 = 3
}

TEST(Metrics, ZeroAnswerToNonzeroProblemIsInfiniteNotNaN) {
  const arma::mat A = {{1, 2}, {3, 4}};
  const arma::vec b = {5, 0}, xhat = {0, 0};
  const Metrics m = compute_metrics(A, b, xhat, exact_ref({-4, 4.5}), ProblemKind::general, kU, {});
  EXPECT_TRUE(std::isinf(m.residual_ratio));
  EXPECT_DOUBLE_EQ(m.componentwise_backward_error, 1);  // row 2: 0/0 -> 0, row 1: 5/5
  EXPECT_DOUBLE_EQ(m.backward_error, 1);
  EXPECT_DOUBLE_EQ(m.forward_error, 1);
}

TEST(Metrics, ExactAnswerHasZeroErrorsAndResidual) {
  const arma::mat A = {{2, 1}, {1, 3}};
  const arma::vec x = {0.5, -0.25}, b = A * x;  // exact in double
  const Metrics m = compute_metrics(A, b, x, exact_ref({0.5, -0.25}), ProblemKind::general, kU, x);
  EXPECT_EQ(m.forward_error, 0);
  EXPECT_EQ(m.backward_error, 0);
  EXPECT_EQ(m.componentwise_backward_error, 0);
  EXPECT_EQ(m.residual_ratio, 0);
}

}  // namespace
}  // namespace condbench
