// ScaLAPACK solves on a P x Q process grid, with every rank of the job.
//
// The problem lives on rank 0. Rank 0 sends the job to the other ranks (waiting in
// serve()), then all of them: A and b are moved from a 1 x 1 BLACS context holding
// rank 0 to the block-cyclic P x Q grid with p?gemr2d (the standard redistribution,
// through a context spanning every rank), the grid factors and solves, and x comes
// back to rank 0 the same way. Ranks beyond P * Q take part in the data moves only.
// Every phase starts and ends with a barrier of all ranks, so its time is the
// slowest rank's.
#include "solvers/mpi/module/module.hpp"
#include "solvers/mpi/module/scalapack.hpp"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <map>
#include <type_traits>
#include <utility>
#include <vector>

namespace condbench::mpi::module {
namespace {

constexpr int kGridTag = kModuleTags;

// BLACS contexts, made on first use by every rank in the same order (each grid
// command reaches every rank) and kept for the process: making one is collective.
struct Contexts {
  bool made = false;
  int all = -1;   // 1 x ranks: spans the union of the root and grid contexts (p?gemr2d's ictxt)
  int root = -1;  // 1 x 1 on rank 0; -1 elsewhere
  std::map<std::pair<int, int>, int> grids;  // P x Q, row-major; -1 on ranks outside the grid
};

Contexts& contexts() {
  static Contexts c;
  return c;
}

int make_context(int P, int Q) {
  int ctxt = -1;
  Cblacs_get(-1, 0, &ctxt);  // the system context: MPI_COMM_WORLD
  Cblacs_gridinit(&ctxt, "Row", P, Q);
  return ctxt;
}

Contexts& ensure_contexts() {
  Contexts& c = contexts();
  if (!c.made) {
    int me = 0, np = 0;
    Cblacs_pinfo(&me, &np);
    c.all = make_context(1, np);
    c.root = make_context(1, 1);
    c.made = true;
  }
  return c;
}

int grid_context(int P, int Q) {
  Contexts& c = ensure_contexts();
  auto it = c.grids.find({P, Q});
  if (it == c.grids.end()) it = c.grids.emplace(std::make_pair(P, Q), make_context(P, Q)).first;
  return it->second;
}

// A descriptor written field by field: descinit_ rejects the context -1 that a rank
// outside a grid must give, and p?gemr2d reads the sizes on every rank.
void describe(int* desc, int ctxt, int m, int n, int nb, int lld) {
  const int d[9] = {1, ctxt, m, n, nb, nb, 0, 0, std::max(1, lld)};
  std::memcpy(desc, d, sizeof d);
}

int local_count(int n, int nb, int me, int procs) {
  const int zero = 0;
  return numroc_(&n, &nb, &me, &zero, &procs);
}

// The ranks' INFO as one value: the first negative one, else the smallest positive
// one (ranks outside the grid say 0), so that every rank takes the same branch.
int agree(int info) {
  int v[2] = {std::min(info, 0), info > 0 ? info : INT_MAX};
  MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return v[0] < 0 ? v[0] : v[1] == INT_MAX ? 0 : v[1];
}

double synced_now() {
  MPI_Barrier(MPI_COMM_WORLD);
  return MPI_Wtime();
}

template <class T>
std::string routine(const char* base) {
  return std::string("p") + (std::is_same_v<T, float> ? "s" : "d") + base;
}

// Every rank runs this with the same job; A, b and x are read or written on rank 0 only.
template <class T>
GridResult run(const GridJob& job, const T* A, const T* b, T* x) {
  GridResult r;
  const int me = rank();
  const int m = job.m, n = job.n, nb = job.nb, P = job.P, Q = job.Q;
  const int grid = grid_context(P, Q);
  const Contexts& c = contexts();
  int prow = -1, pcol = -1, myrow = -1, mycol = -1;
  if (grid >= 0) Cblacs_gridinfo(grid, &prow, &pcol, &myrow, &mycol);
  const bool in_grid = grid >= 0 && myrow >= 0 && mycol >= 0;

  // B holds b on the way in and x on the way out: max(m, n) rows for p?gels.
  const int brows = job.method == GridMethod::qr ? std::max(m, n) : m;
  int dA0[9], dB0[9], dX0[9], dA[9], dB[9];
  const int root_ctxt = me == 0 ? c.root : -1;
  describe(dA0, root_ctxt, m, n, nb, m);
  describe(dB0, root_ctxt, m, 1, nb, m);
  describe(dX0, root_ctxt, n, 1, nb, n);
  const int mloc = in_grid ? local_count(m, nb, myrow, P) : 0;
  const int nloc = in_grid ? local_count(n, nb, mycol, Q) : 0;
  const int bloc = in_grid ? local_count(brows, nb, myrow, P) : 0;
  const int bcols = in_grid ? local_count(1, nb, mycol, Q) : 0;
  describe(dA, in_grid ? grid : -1, m, n, nb, mloc);
  describe(dB, in_grid ? grid : -1, brows, 1, nb, bloc);
  std::vector<T> a(static_cast<std::size_t>(std::max(1, mloc * nloc)));
  std::vector<T> bx(static_cast<std::size_t>(std::max(1, bloc * bcols)), T(0));

  double t = synced_now();
  if (m > 0 && n > 0) scalapack::gemr2d(m, n, A, dA0, a.data(), dA, c.all);
  if (m > 0) scalapack::gemr2d(m, 1, b, dB0, bx.data(), dB, c.all);
  double now = synced_now();
  r.distribute_s = now - t;

  int info = 0;
  if (job.method == GridMethod::lu) {
    std::vector<int> ipiv(static_cast<std::size_t>(mloc + nb));
    t = synced_now();
    if (in_grid) info = scalapack::getrf(n, a.data(), dA, ipiv.data());
    r.info = agree(info);
    r.routine = routine<T>("getrf");
    now = synced_now();
    r.factor_s = now - t;
    if (r.info != 0) return r;
    t = now;
    if (in_grid) info = scalapack::getrs(n, a.data(), dA, ipiv.data(), bx.data(), dB);
    r.info = agree(info);
    r.routine = routine<T>("getrs");
    now = synced_now();
    r.solve_s = now - t;
  } else if (job.method == GridMethod::cholesky) {
    t = synced_now();
    if (in_grid) info = scalapack::potrf(n, a.data(), dA);
    r.info = agree(info);
    r.routine = routine<T>("potrf");
    now = synced_now();
    r.factor_s = now - t;
    if (r.info != 0) return r;
    t = now;
    if (in_grid) info = scalapack::potrs(n, a.data(), dA, bx.data(), dB);
    r.info = agree(info);
    r.routine = routine<T>("potrs");
    now = synced_now();
    r.solve_s = now - t;
  } else {
    std::vector<T> work(1);
    if (in_grid) {
      T query = 0;
      scalapack::gels(m, n, a.data(), dA, bx.data(), dB, &query, -1, &info);
      work.resize(static_cast<std::size_t>(std::max(1, static_cast<int>(query))));
    }
    // p?gels factors and solves in one call: its whole time is factor_s.
    t = synced_now();
    if (in_grid && info == 0)
      scalapack::gels(m, n, a.data(), dA, bx.data(), dB, work.data(), static_cast<int>(work.size()), &info);
    r.info = agree(info);
    r.routine = routine<T>("gels");
    now = synced_now();
    r.factor_s = now - t;
  }
  if (r.info != 0) return r;

  t = now;
  if (n > 0) scalapack::gemr2d(n, 1, bx.data(), dB, x, dX0, c.all);
  r.gather_s = synced_now() - t;
  return r;
}

// Rank 0: a job the grid cannot take is refused before any rank hears of it.
std::string check(const GridJob& job) {
  const int np = size();
  if (job.P < 1 || job.Q < 1 || job.nb < 1) return "grid and block size must be positive";
  if (job.P * job.Q > np)
    return "a " + std::to_string(job.P) + "x" + std::to_string(job.Q) + " grid needs " +
           std::to_string(job.P * job.Q) + " ranks; this run has " + std::to_string(np);
  if (job.m < 0 || job.n < 0) return "negative dimensions";
  return {};
}

std::string as_bytes(const GridJob& job) { return std::string(reinterpret_cast<const char*>(&job), sizeof job); }

template <class T>
GridResult solve_from_root(const GridJob& job, const T* A, const T* b, T* x) {
  if (std::string why = check(job); !why.empty()) {
    GridResult r;
    r.error = why;
    return r;
  }
  const std::string bytes = as_bytes(job);
  for (int dest = 1; dest < size(); ++dest) send(dest, kGridTag, bytes);
  return run<T>(job, A, b, x);
}

}  // namespace

GridResult grid_solve_f32(const GridJob& job, const float* A, const float* b, float* x) {
  return solve_from_root<float>(job, A, b, x);
}

GridResult grid_solve_f64(const GridJob& job, const double* A, const double* b, double* x) {
  return solve_from_root<double>(job, A, b, x);
}

void serve() {
  std::string bytes;
  while (true) {
    recv(0, kGridTag, &bytes);
    GridJob job;
    if (bytes.size() != sizeof job) MPI_Abort(MPI_COMM_WORLD, 3);  // every rank runs the same build (ABI checked)
    std::memcpy(&job, bytes.data(), sizeof job);
    if (job.method == GridMethod::end) return;
    if (job.f64)
      run<double>(job, nullptr, nullptr, nullptr);
    else
      run<float>(job, nullptr, nullptr, nullptr);
  }
}

void end_service() {
  const std::string bytes = as_bytes(GridJob{});
  for (int dest = 1; dest < size(); ++dest) send(dest, kGridTag, bytes);
}

void leave_blacs() {
  Contexts& c = contexts();
  if (!c.made) return;
  for (const auto& [pq, ctxt] : c.grids)
    if (ctxt >= 0) Cblacs_gridexit(ctxt);
  if (c.root >= 0) Cblacs_gridexit(c.root);
  if (c.all >= 0) Cblacs_gridexit(c.all);
  Cblacs_exit(1);  // 1: MPI stays up; finalize() ends it
  c = Contexts{};
}

}  // namespace condbench::mpi::module
