// condbench under an MPI launcher: noticing it, loading the MPI module, this
// process's rank and the job's size, and ending MPI when condbench exits.
//
// Nothing here maps an MPI library unless a launcher started the process: main()
// asks (Process) before it parses its arguments, from the environment the launcher
// sets (OMPI_COMM_WORLD_SIZE, PMI_SIZE, PMIX_RANK).
#pragma once

#include "solvers/mpi/module_api.hpp"

#include <string>
#include <utility>

namespace condbench::mpi {

// What the environment says: started by an MPI launcher, and the rank and size it
// gave (-1 when it does not say).
struct Launch {
  bool launched = false;
  int rank = -1, size = -1;
  std::string evidence;  // "OMPI_COMM_WORLD_SIZE=2"
};
Launch launch_from_env();

// MPI is initialised in this process (an MPI launcher started it and the module loaded).
bool active();
int rank();  // 0 when not active
int size();  // 1 when not active
const MpiApi& api();  // only when active()
std::string module_path();  // the module loaded; empty when none

// Whether this build made the MPI module, and if not why not.
bool module_compiled();
// One line for `condbench --version`: built, and where mpirun would load it from. Does not load it.
std::string module_summary();

// The default process grid for `ranks`: as square as possible, P <= Q, P * Q = ranks.
std::pair<int, int> default_grid(int ranks);

// Empty when a solver on a P x Q grid (0 x 0: the default grid) can run in this
// process; otherwise why not ("needs mpirun: ...").
std::string grid_unavailable(int P, int Q);

// Rank 0 inside the MPI executor's collective pass, the only place where every other
// rank serves grid solves: grid solvers run only there.
class CollectivePass {
 public:
  CollectivePass();
  ~CollectivePass();
  CollectivePass(const CollectivePass&) = delete;
  CollectivePass& operator=(const CollectivePass&) = delete;
};
bool in_collective_pass();

// Marks a stretch of code in which the ranks talk to each other: when an exception
// leaves it, the other ranks may wait for a message that will never come, so MPI is
// aborted at exit (ending the job) instead of finalised (which would wait for them).
class Conversation {
 public:
  Conversation();
  ~Conversation();
  Conversation(const Conversation&) = delete;
  Conversation& operator=(const Conversation&) = delete;

 private:
  int exceptions_;
};

// main(): under an MPI launcher, loads the MPI module and initialises MPI (before the
// arguments are parsed); ranks other than 0 print nothing from then on. ok() is false
// after an error already printed (rank 0 only): main returns 2. The destructor ends MPI.
class Process {
 public:
  Process();
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  bool ok() const { return ok_; }

 private:
  bool ok_ = true;
};

}  // namespace condbench::mpi
