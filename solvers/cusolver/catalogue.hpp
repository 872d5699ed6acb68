// The 16 cusolver.* solvers as the executable knows them without the GPU module:
// names, descriptions, problem kinds and precisions. The module builds its real
// solvers from this same table, and the loader refuses a module whose solvers differ.
#pragma once

#include "solvers/solver.hpp"

#include <string_view>
#include <vector>

namespace condbench::cusolver {

// In the order `condbench list solvers` would sort them, lu first.
const std::vector<SolverInfo>& catalogue();

// The entry of `name`; std::logic_error when there is none (a programming error).
const SolverInfo& catalogue_info(std::string_view name);

}  // namespace condbench::cusolver
