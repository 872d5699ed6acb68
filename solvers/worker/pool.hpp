// The workers of this condbench process, and the proxy solvers they put in the registry.
//
// start_worker starts a worker once per distinct command (a study and a --workers file naming
// the same one share it), reads its hello and registers one proxy Solver per offered solver:
// SolverInfo::origin "worker <command>", isolate_by_default false (the worker already is
// another process). Run.json's context gets every worker's command, protocol, library
// versions and solvers under "workers" (solvers/context_hook.hpp).
#pragma once

#include "solvers/worker/client.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace condbench::worker {

// The names of the worker's solvers, registered. Throws WorkerStartError when the worker does
// not start, std::invalid_argument when one of its names is already taken.
std::vector<std::string> start_worker(const WorkerSpec& spec);

// What run.json records about the workers started so far (null when there are none).
nlohmann::ordered_json workers_context();

// Ends every worker and removes its solvers from the registry (tests; at exit this happens
// by itself). Solver pointers taken before are invalid afterwards.
void stop_workers();

}  // namespace condbench::worker
