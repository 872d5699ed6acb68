#include "tests/solvers/solver_test_support.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

namespace condbench::testing {

std::vector<long double> solve_long_double(LMat m, std::vector<long double> c) {
  const std::size_t n = c.size();
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t p = k;
    for (std::size_t i = k + 1; i < n; ++i)
      if (std::abs(m[i][k]) > std::abs(m[p][k])) p = i;
    if (m[p][k] == 0.0L) throw std::runtime_error("reference: singular matrix");
    std::swap(m[p], m[k]);
    std::swap(c[p], c[k]);
    for (std::size_t i = k + 1; i < n; ++i) {
      const long double l = m[i][k] / m[k][k];
      for (std::size_t j = k + 1; j < n; ++j) m[i][j] -= l * m[k][j];
      c[i] -= l * c[k];
    }
  }
  for (std::size_t k = n; k-- > 0;) {
    for (std::size_t j = k + 1; j < n; ++j) c[k] -= m[k][j] * c[j];
    c[k] /= m[k][k];
  }
  return c;
}

long double norm1(const std::vector<long double>& v) {
  long double s = 0;
  for (long double e : v) s += std::abs(e);
  return s;
}

long double norm2(const std::vector<long double>& v) {
  long double s = 0;
  for (long double e : v) s += e * e;
  return std::sqrt(s);
}

}  // namespace condbench::testing
