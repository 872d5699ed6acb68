// scalapack.lu, scalapack.cholesky, scalapack.qr: ScaLAPACK on a P x Q process grid
// of the MPI job, on the same stored problem as every other solver.
//
// The problem lives on rank 0 (it was generated there, with its reference and kappa);
// the MPI module distributes it block-cyclically (nb x nb blocks) to the grid, solves
// there and gathers x back (distribution + gathering = transfer_s). The grid and block
// size are in the name: scalapack.lu:grid=2x1:nb=32 (defaults: the most square grid
// of all ranks, nb = 64). Every rank takes part at once (SolverInfo::collective), so
// the MPI executor runs these solvers in its collective pass; without mpirun they are
// listed as unavailable with the reason.
#include "solvers/lapack/shape.hpp"
#include "solvers/mpi/world.hpp"
#include "solvers/family_options.hpp"
#include "solvers/registry.hpp"

#include <cblas.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

namespace condbench {
namespace {

using mpi::GridMethod;

struct Method {
  const char* name;  // "lu"
  GridMethod grid;
  const char* routines;  // for the description
  KindSet kinds;
};

const Method kMethods[] = {
    {"lu", GridMethod::lu, "LU with partial pivoting: p?getrf + p?getrs",
     KindSet{ProblemKind::general, ProblemKind::spd}},
    {"cholesky", GridMethod::cholesky, "Cholesky: p?potrf (upper) + p?potrs", KindSet{ProblemKind::spd}},
    {"qr", GridMethod::qr, "Householder QR or LQ: p?gels (factor_s is the whole solve)",
     KindSet{ProblemKind::general, ProblemKind::spd, ProblemKind::least_squares, ProblemKind::underdetermined}},
};

std::string grammar(const Method& m) {
  return fmt::format("scalapack.{}[:grid=PxQ][:nb=N]  {} on a P x Q process grid of the mpirun job (default: the most "
                     "square grid of all ranks, P <= Q), nb x nb blocks (default 64); needs mpirun (docs/mpi.md)",
                     m.name, m.routines);
}

class GridSolver : public SolverT<GridSolver> {
 public:
  GridSolver(SolverInfo info, GridMethod method, int P, int Q, int nb)
      : info_(std::move(info)), method_(method), P_(P), Q_(Q), nb_(nb) {}
  const SolverInfo& info() const override { return info_; }
  std::string unavailable_reason() const override { return mpi::grid_unavailable(P_, Q_); }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    const std::string shape_error = method_ == GridMethod::qr ? shape::basic_error(in) : shape::square_error(in);
    if (!shape_error.empty()) return SolveOutcome<T>::failure(shape_error);
    if (std::string why = unavailable_reason(); !why.empty()) return SolveOutcome<T>::failure(why);
    if (mpi::rank() != 0 || !mpi::in_collective_pass())
      return SolveOutcome<T>::failure(info_.name + " runs only in condbench run's collective pass on rank 0, "
                                                   "while every other rank serves the grid");
    const auto [P, Q] = P_ > 0 ? std::pair{P_, Q_} : mpi::default_grid(mpi::size());
    mpi::GridJob job;
    job.method = method_;
    job.f64 = std::is_same_v<T, double> ? 1 : 0;
    job.P = P;
    job.Q = Q;
    job.nb = nb_;
    job.m = shape::as_int(in.A.n_rows);
    job.n = shape::as_int(in.A.n_cols);
    arma::Col<T> x(in.A.n_cols, arma::fill::zeros);
    mpi::GridResult r;
    if constexpr (std::is_same_v<T, double>)
      r = mpi::api().grid_solve_f64(job, in.A.memptr(), in.b.memptr(), x.memptr());
    else
      r = mpi::api().grid_solve_f32(job, in.A.memptr(), in.b.memptr(), x.memptr());

    SolveOutcome<T> out;
    out.timing = {r.factor_s, r.solve_s, r.distribute_s + r.gather_s};
    out.facts.extra = {{"P", P}, {"Q", Q}, {"nb", nb_}, {"ranks", mpi::size()},
                       {"threads_per_rank", openblas_get_num_threads()}};
    if (!r.error.empty()) {
      out.status = Status::failed;
      out.reason = r.error;
    } else if (r.info != 0) {
      out.status = Status::failed;
      out.reason = failure_text(r.routine, r.info);
    } else {
      out.x = std::move(x);
    }
    return out;
  }

 private:
  std::string failure_text(const std::string& routine, int info) const {
    const std::string text = shape::info_text(routine, info);
    if (info < 0) return text;
    if (method_ == GridMethod::lu)
      return fmt::format("{}: U({},{}) is exactly zero", text, info, info);
    if (method_ == GridMethod::cholesky)
      return fmt::format("not SPD: {} (leading minor {} not positive definite)", text, info);
    return text;
  }

  SolverInfo info_;
  GridMethod method_;
  int P_, Q_, nb_;  // P_ = Q_ = 0: the default grid of the run's ranks
};

int parse_positive(const std::string& name, const std::string& what, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  const long x = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno != 0 || x < 1 || x > 100000)
    bad_solver_name(name, fmt::format("{}: expected a positive integer, got '{}'", what, v));
  return static_cast<int>(x);
}

std::unique_ptr<Solver> make(const std::string& name, const Method& m) {
  const std::string prefix = std::string("scalapack.") + m.name;
  int P = 0, Q = 0, nb = 64;
  for (const auto& [key, value] : family_options(name, prefix + ":", {"grid", "nb"}, "grid=PxQ and nb=N")) {
    if (key == "grid") {
      const std::size_t x = value.find('x');
      if (x == std::string::npos) bad_solver_name(name, "grid=" + value + ": expected PxQ, e.g. grid=2x1");
      P = parse_positive(name, "grid P", value.substr(0, x));
      Q = parse_positive(name, "grid Q", value.substr(x + 1));
    } else {
      nb = parse_positive(name, "nb", value);
    }
  }
  SolverInfo info;
  info.name = name;
  info.description = fmt::format("ScaLAPACK {} on a {} grid, {}x{} blocks, from rank 0 and back", m.routines,
                                 P > 0 ? fmt::format("{}x{}", P, Q) : std::string("default (most square)"), nb, nb);
  info.kinds = m.kinds;
  info.flop_method = m.name;
  info.collective = true;
  return std::make_unique<GridSolver>(std::move(info), m.grid, P, Q, nb);
}

[[maybe_unused]] const bool registered = [] {
  SolverRegistry& reg = SolverRegistry::instance();
  for (const Method& m : kMethods) {
    const std::string prefix = std::string("scalapack.") + m.name;
    reg.add_family({prefix + ":", grammar(m), [&m](const std::string& n) { return make(n, m); }});
    reg.add(make(prefix, m));  // the plain name is always listed
  }
  return true;
}();

}  // namespace
}  // namespace condbench
