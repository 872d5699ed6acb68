// textbook.cgs_qr: classical Gram-Schmidt thin QR, x = R^{-1} (Q^T b).
#include "solvers/registry.hpp"
#include "solvers/textbook/gram_schmidt.hpp"

namespace condbench {

class TextbookCgsQr : public SolverT<TextbookCgsQr> {
 public:
  const SolverInfo& info() const override {
    static const SolverInfo i{"textbook.cgs_qr",
                              "classical Gram-Schmidt thin QR, x = R^-1 (Q^T b) by back substitution",
                              KindSet{ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares}};
    return i;
  }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    return textbook::solve_by_gram_schmidt(in, textbook::GramSchmidt::classical);
  }
};

}  // namespace condbench

CONDBENCH_REGISTER_SOLVER(condbench::TextbookCgsQr);
