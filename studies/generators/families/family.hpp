// The shared machinery of the classical test-matrix families (MATLAB's gallery, Higham's
// Test Matrix Toolbox): a family supplies its entries evaluated in 256-bit binary
// floating point (integers exactly, up to 256 bits); this base class rounds them once to
// double, decides from those values whether the matrix is stored exactly in float64 and in
// float32 (Problem.params exact_f64 / exact_f32: computed, never asserted), applies the
// modifiers (scale, zero_columns, perturb: modifiers.hpp), picks x_true and forms
// b = A x_true accurately (double-double, construct.hpp accurate_matvec) from the double
// matrix, so x_true is the exact solution of the stored float64 problem up to b's rounding.
//
// x = "ones" (default, as the gallery tests do) or "random" (N(0, 1), seeded).
#pragma once

#include <boost/multiprecision/cpp_bin_float.hpp>
#include <boost/multiprecision/cpp_int.hpp>

#include <map>
#include <string>
#include <vector>

#include "studies/generators/generator.hpp"
#include "studies/generators/grammar.hpp"
#include "studies/generators/params.hpp"

namespace condbench {

using HP = boost::multiprecision::number<
    boost::multiprecision::cpp_bin_float<256, boost::multiprecision::digit_base_2>, boost::multiprecision::et_off>;

struct FamilyFacts {
  ProblemKind kind = ProblemKind::general;
  double kappa_nominal = arma::datum::nan;
  std::map<std::string, std::string> resolved;  // the family's own parameters, defaults filled in
};

class Family : public Generator {
 public:
  // info.params: the family's own; the modifiers and x are appended here.
  Family(GeneratorInfo info, NameSpec spec);

  const GeneratorInfo& info() const override { return info_; }
  ProblemKind kind(const ParamMap& params) const override;
  int default_m(const ParamMap& params, int n) const override;
  std::optional<ParamError> validate(const ParamMap& params, int m, int n) const override;
  Problem generate(const ParamMap& params, int m, int n, std::uint64_t seed) const override;

 protected:
  // Reads and checks the family's own parameters and the shape (square unless overridden);
  // cheap: no entries.
  virtual FamilyFacts facts(const ParamReader& p, int m, int n) const = 0;
  // The m x n entries, column-major.
  virtual std::vector<HP> entries(const ParamReader& p, int m, int n) const = 0;
  virtual int default_m_for(const ParamReader&, int n) const { return n; }
  // The kind before modifiers; by default facts() at a small size.
  virtual ProblemKind kind_of(const ParamReader& p) const { return facts(p, default_m_for(p, 2), 2).kind; }

  ParamReader reader(const ParamMap& params) const { return ParamReader(params, keys_); }
  static void require_square(int m, int n);

 private:
  GeneratorInfo info_;
  std::vector<std::string> keys_;
};

// Helpers for families.
HP hp_pi();
std::string param_text(double v);

}  // namespace condbench
