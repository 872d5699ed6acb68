// The eigen.* solvers: Eigen 3.4's own dense decompositions and their solve(), measured as a C++ user calls them.
//
// A method is a struct with its name, description, kinds, shape, flop_method (its class in solvers/flops.hpp
// for GFLOP/s; "" for the SVDs and COD, whose work has no honest count) and
//   template <class T> static SolveOutcome<T> solve(const SolveInput<T>&);
// EigenSolver<Method> turns it into a Solver that checks the shape and records how Eigen was built. Each
// decomposition is one translation unit (Eigen's SVDs for several scalar types in one unit need gigabytes to
// compile).
#pragma once

// Eigen must run its own kernels here: with these it would hand the work to BLAS/LAPACK, another backend.
#if defined(EIGEN_USE_LAPACKE) || defined(EIGEN_USE_BLAS) || defined(EIGEN_USE_MKL_ALL)
#error "the eigen.* solvers measure Eigen's own kernels: build them without EIGEN_USE_LAPACKE/EIGEN_USE_BLAS/MKL"
#endif

// GCC 12 warns about its own AVX-512 intrinsics headers when Eigen's packet code is inlined (GCC bug 105593);
// set before any of those headers is read, so that the warnings, located in them, are off.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <Eigen/Dense>  // all the decompositions: parsing them costs little, instantiating them is per unit
#include <string>

#include "solvers/eigen/build_info.hpp"
#include "solvers/registry.hpp"
#include "solvers/solver.hpp"
#include "solvers/stopwatch.hpp"

namespace condbench::eigen {

template <class T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;  // column-major, as Armadillo's
template <class T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// The stored problem seen by Eigen without a copy.
template <class T>
Eigen::Map<const Matrix<T>> matrix(const arma::Mat<T>& a) {
  return {a.memptr(), static_cast<Eigen::Index>(a.n_rows), static_cast<Eigen::Index>(a.n_cols)};
}
template <class T>
Eigen::Map<const Vector<T>> vector(const arma::Col<T>& v) {
  return {v.memptr(), static_cast<Eigen::Index>(v.n_elem)};
}
template <class T>
arma::Col<T> to_arma(const Vector<T>& v) {
  return arma::Col<T>(v.data(), static_cast<arma::uword>(v.size()));
}

enum class Shape { square, tall, any };  // tall: m >= n

std::string shape_error(arma::uword m, arma::uword n, arma::uword b_rows, Shape shape);

// Success, NumericalIssue, NoConvergence, InvalidInput.
const char* info_name(Eigen::ComputationInfo info);

template <class T>
SolveOutcome<T> solved(Vector<T> x, double factor_s, double solve_s) {
  SolveOutcome<T> o;
  o.x = to_arma(x);
  o.timing = {factor_s, solve_s};
  return o;
}

template <class T>
SolveOutcome<T> failed(std::string why, double factor_s, double solve_s = 0) {
  SolveOutcome<T> o = SolveOutcome<T>::failure(std::move(why));
  o.timing = {factor_s, solve_s};
  return o;
}

// The rank a rank-revealing decomposition used in its solve, and the relative threshold that decided it.
void record_rank(SolverFacts& f, long rank, double threshold, long full_rank);

template <class Method>
class EigenSolver : public SolverT<EigenSolver<Method>> {
 public:
  const SolverInfo& info() const override {
    static const SolverInfo i = [] {
      SolverInfo s;
      s.name = Method::name;
      s.description = Method::description;
      s.kinds = Method::kinds;
      s.flop_method = Method::flop_method;
      return s;
    }();
    return i;
  }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    if (std::string e = shape_error(in.A.n_rows, in.A.n_cols, in.b.n_elem, Method::shape); !e.empty())
      return SolveOutcome<T>::failure(e);
    SolveOutcome<T> out = Method::template solve<T>(in);
    out.facts.extra["eigen"] = version();
    out.facts.extra["simd"] = simd();
    return out;
  }
};

}  // namespace condbench::eigen

#define CONDBENCH_REGISTER_EIGEN_SOLVER(Method) CONDBENCH_REGISTER_SOLVER(::condbench::eigen::EigenSolver<Method>)
