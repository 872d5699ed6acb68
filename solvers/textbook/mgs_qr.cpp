// textbook.mgs_qr: modified Gram-Schmidt thin QR, x = R^{-1} (Q^T b).
#include "solvers/registry.hpp"
#include "solvers/textbook/gram_schmidt.hpp"

namespace condbench {

class TextbookMgsQr : public SolverT<TextbookMgsQr> {
 public:
  const SolverInfo& info() const override {
    static const SolverInfo i{"textbook.mgs_qr", "modified Gram-Schmidt thin QR, x = R^-1 (Q^T b) by back substitution",
                              KindSet{ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares}};
    return i;
  }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    return textbook::solve_by_gram_schmidt(in, textbook::GramSchmidt::modified);
  }
};

}  // namespace condbench

CONDBENCH_REGISTER_SOLVER(condbench::TextbookMgsQr);
