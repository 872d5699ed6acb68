// Inside the MPI module: what its two files share.
#pragma once

#include "solvers/mpi/module_api.hpp"

namespace condbench::mpi::module {

int rank();
int size();
void send(int dest, int tag, const std::string& bytes);
int recv(int source, int tag, std::string* bytes);

// grid.cpp
GridResult grid_solve_f32(const GridJob& job, const float* A, const float* b, float* x);
GridResult grid_solve_f64(const GridJob& job, const double* A, const double* b, double* x);
void serve();
void end_service();
void leave_blacs();  // before MPI_Finalize; nothing when BLACS was never used

}  // namespace condbench::mpi::module
