#include "studies/generators/butterfly.hpp"

#include <cmath>
#include <thread>

namespace condbench {

Butterfly::Butterfly(arma::uword n, Rng& rng) : n_(n) {
  // For n not a power of two one sweep leaves entries that never meet (n = 100: outputs
  // 36..63 see no input from 64..99); a second sweep makes Q dense.
  const int sweeps = (n & (n - 1)) == 0 ? 1 : 2;
  for (int sweep = 0; sweep < sweeps; ++sweep)
    for (arma::uword h = 1; h < n; h *= 2) {
    std::vector<double> c, s;
    for (arma::uword i = 0; i + h < n; ++i) {
      if (i % (2 * h) >= h) continue;
      const double theta = 2 * M_PI * rng.uniform();
      c.push_back(std::cos(theta));
      s.push_back(std::sin(theta));
    }
      c_.push_back(std::move(c));
      s_.push_back(std::move(s));
    }
}

void Butterfly::apply_column(double* x) const {
  arma::uword h = 1;
  for (std::size_t l = 0; l < c_.size(); ++l, h = h * 2 < n_ ? h * 2 : 1) {
    const double* c = c_[l].data();
    const double* s = s_[l].data();
    std::size_t k = 0;
    for (arma::uword base = 0; base + h < n_; base += 2 * h) {
      const arma::uword end = std::min(base + h, n_ - h);
      for (arma::uword i = base; i < end; ++i, ++k) {
        const double a = x[i], b = x[i + h];
        x[i] = c[k] * a - s[k] * b;
        x[i + h] = s[k] * a + c[k] * b;
      }
    }
  }
}

void Butterfly::apply(double* x, arma::uword cols) const {
  // Columns are independent, so two threads give the same bits as one.
  auto range = [&](arma::uword from, arma::uword to) {
    for (arma::uword j = from; j < to; ++j) apply_column(x + j * n_);
  };
  if (cols * n_ < (1u << 20)) {
    range(0, cols);
    return;
  }
  std::thread other(range, cols / 2, cols);
  range(0, cols / 2);
  other.join();
}

}  // namespace condbench
