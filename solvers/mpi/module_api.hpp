// The contract between the condbench executable and its MPI module
// (libcondbench_mpi.so, the only part of condbench that links MPI and ScaLAPACK).
//
// The executable opens the module only when an MPI launcher started it (mpirun,
// srun), before it parses its arguments; `condbench` started by hand never maps an
// MPI library. The module holds two things: the transport the MPI executor uses
// (point-to-point byte messages between ranks, from the main thread only) and the
// ScaLAPACK solves on a process grid. It knows nothing of solvers, studies or
// results: the registry, the executor and the metrics stay in the executable, so
// there is one of each. Both sides come from the same build; the ABI number and tag
// are compared before anything else is used.
#pragma once

#include <string>

namespace condbench::mpi {

// Bump whenever MpiApi, GridJob or GridResult change.
inline constexpr int kModuleAbi = 1;
inline constexpr const char* kEntryPoint = "condbench_mpi_module_v1";
inline constexpr const char* kModuleFile = "libcondbench_mpi.so";
// Message tags from this one up are the module's own (grid commands); the executor's are below.
inline constexpr int kModuleTags = 1000;

enum class GridMethod : int {
  end = 0,       // no solve: the ranks serving grid solves return (end of the collective pass)
  lu = 1,        // p?getrf + p?getrs
  cholesky = 2,  // p?potrf + p?potrs (upper triangle, as lapack.cholesky)
  qr = 3,        // p?gels: least squares (m >= n) or minimum norm (m < n)
};

// One grid solve, as rank 0 sends it to the other ranks. Plain data: it travels as bytes.
struct GridJob {
  GridMethod method = GridMethod::end;
  int f64 = 1;     // working precision: 1 double, 0 float
  int P = 1, Q = 1;  // process grid, P * Q <= ranks (ranks outside the grid take part in the data moves only)
  int nb = 64;     // block size of the block-cyclic distribution (rows and columns)
  int m = 0, n = 0;
};

struct GridResult {
  int info = 0;          // INFO of `routine`, the same on every rank (0: success)
  std::string routine;   // the routine whose INFO this is ("pdgetrf")
  std::string error;     // a problem before any routine ran (no such grid); empty when none
  double distribute_s = 0, factor_s = 0, solve_s = 0, gather_s = 0;  // between barriers of all ranks
};

struct MpiApi {
  // Read first, and compared with the executable's own:
  int abi;              // kModuleAbi
  const char* abi_tag;  // abi_tag() as the module was compiled
  // Used only when both match:
  const char* built_with;  // "Open MPI 4.1.4 headers; libscalapack-openmpi"
  // MPI_Init_thread(MPI_THREAD_FUNNELED): only the thread that initialised MPI calls
  // it. False with the reason in *error.
  bool (*init)(std::string* error);
  void (*finalize)();  // leaves BLACS, then MPI_Finalize
  void (*abort)(int code);  // MPI_Abort on MPI_COMM_WORLD: ends every rank of the job
  int (*rank)();
  int (*size)();
  std::string (*library_version)();  // MPI_Get_library_version
  std::string (*processor_name)();   // MPI_Get_processor_name
  // Messages between ranks (MPI_COMM_WORLD, blocking sends of bytes).
  void (*send)(int dest, int tag, const std::string& bytes);
  // Waits for a message with `tag` from `source` (-1: any) and returns its source. The
  // wait sleeps between probes, so a waiting rank leaves its core to the computing ones.
  int (*recv)(int source, int tag, std::string* bytes);
  // Whether a message with `tag` from `source` (-1: any) is waiting; does not wait.
  bool (*probe)(int source, int tag);
  // Rank 0: one ScaLAPACK solve with every rank. It sends `job` to the ranks serving
  // (serve()), distributes A (m x n, column-major, leading dimension m) and b (m) from
  // rank 0 block-cyclically to the P x Q grid, solves there and gathers x (n) back.
  // x is written only when info == 0 and error is empty.
  GridResult (*grid_solve_f32)(const GridJob& job, const float* A, const float* b, float* x);
  GridResult (*grid_solve_f64)(const GridJob& job, const double* A, const double* b, double* x);
  // Ranks > 0: take part in rank 0's grid solves until it ends the service.
  void (*serve)();
  // Rank 0: every serving rank returns from serve().
  void (*end_service)();
};

// What must be equal on both sides for std::string and the structs to cross: the
// interface (CMake hashes this file into CONDBENCH_MPI_API_HASH for the two files that
// compare tags), the compiler and the C++ standard library.
#ifdef CONDBENCH_MPI_API_HASH
inline std::string abi_tag() {
  return "abi " + std::to_string(kModuleAbi) + "; interface " + CONDBENCH_MPI_API_HASH + "; g++ " + __VERSION__ +
         "; libstdc++ " + std::to_string(__GLIBCXX__) + " cxx11abi " + std::to_string(_GLIBCXX_USE_CXX11_ABI) +
         "; sizes " + std::to_string(sizeof(GridJob)) + "/" + std::to_string(sizeof(GridResult)) + "/" +
         std::to_string(sizeof(MpiApi));
}
#endif

}  // namespace condbench::mpi

// The module's one exported symbol (named by kEntryPoint).
extern "C" const condbench::mpi::MpiApi* condbench_mpi_module_v1();
