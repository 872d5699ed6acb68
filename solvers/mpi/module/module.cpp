// The MPI module's entry point and transport: initialisation, byte messages between
// ranks, and the one exported symbol.
#include "solvers/mpi/module/module.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace condbench::mpi::module {
namespace {

std::string error_text(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, text, &len);
  return std::string(text, static_cast<std::size_t>(len));
}

bool init(std::string* error) {
  int provided = 0;
  const int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  if (rc != MPI_SUCCESS) {
    *error = "MPI_Init_thread failed: " + error_text(rc);
    return false;
  }
  // The executor's computing thread never calls MPI; the main thread does all of it.
  if (provided < MPI_THREAD_FUNNELED) {
    *error = "the MPI library does not provide MPI_THREAD_FUNNELED";
    MPI_Finalize();
    return false;
  }
  return true;
}

void finalize() {
  leave_blacs();
  MPI_Finalize();
}

void abort_job(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

std::string library_version() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(text, &len);
  std::string s(text, static_cast<std::size_t>(len));
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string processor_name() {
  char text[MPI_MAX_PROCESSOR_NAME];
  int len = 0;
  MPI_Get_processor_name(text, &len);
  return std::string(text, static_cast<std::size_t>(len));
}

bool probe(int source, int tag) {
  int flag = 0;
  MPI_Iprobe(source < 0 ? MPI_ANY_SOURCE : source, tag, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
  return flag != 0;
}

#ifdef OMPI_MAJOR_VERSION
#define CONDBENCH_STR2(x) #x
#define CONDBENCH_STR(x) CONDBENCH_STR2(x)
constexpr const char* kBuiltWith = "Open MPI " CONDBENCH_STR(OMPI_MAJOR_VERSION) "." CONDBENCH_STR(
    OMPI_MINOR_VERSION) "." CONDBENCH_STR(OMPI_RELEASE_VERSION) " headers, ScaLAPACK " CONDBENCH_SCALAPACK_LIBRARY;
#else
constexpr const char* kBuiltWith = "MPI headers, ScaLAPACK " CONDBENCH_SCALAPACK_LIBRARY;
#endif

}  // namespace

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int size() {
  int s = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

void send(int dest, int tag, const std::string& bytes) {
  MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, dest, tag, MPI_COMM_WORLD);
}

int recv(int source, int tag, std::string* bytes) {
  // Open MPI's blocking receive spins on its core; a rank that waits for work (or for
  // rank 0 to prepare the next grid solve) sleeps between probes instead.
  MPI_Status st;
  int flag = 0;
  auto pause = std::chrono::microseconds(10);
  while (true) {
    MPI_Iprobe(source < 0 ? MPI_ANY_SOURCE : source, tag, MPI_COMM_WORLD, &flag, &st);
    if (flag) break;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(1000));
  }
  int count = 0;
  MPI_Get_count(&st, MPI_BYTE, &count);
  bytes->resize(static_cast<std::size_t>(count));
  MPI_Recv(bytes->data(), count, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return st.MPI_SOURCE;
}

}  // namespace condbench::mpi::module

extern "C" __attribute__((visibility("default"))) const condbench::mpi::MpiApi* condbench_mpi_module_v1() {
  using namespace condbench::mpi;
  using namespace condbench::mpi::module;
  static const std::string tag = abi_tag();
  static const MpiApi api{kModuleAbi,       tag.c_str(),     kBuiltWith, &init,           &finalize,
                          &abort_job,       &rank,           &size,      &library_version, &processor_name,
                          &send,            &recv,           &probe,     &grid_solve_f32,  &grid_solve_f64,
                          &serve,           &end_service};
  return &api;
}
