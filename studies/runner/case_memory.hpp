// The memory a case needs, checked against what the machine has free before a study runs,
// so that a size too large fails with a message instead of swapping or the OOM killer
// ending the run hours later.
#pragma once

#include "studies/runner/study.hpp"

namespace condbench {

// MemAvailable of /proc/meminfo (what can be allocated without swapping), in bytes;
// the physical memory where that file is missing.
double available_memory_bytes();

// Peak bytes of one case: m x n doubles times the most matrices alive at once, the
// generator's own (GeneratorInfo::peak_matrices) or the runner's: the problem, the stored
// copy, the typed copy and a solver's working copy (4), plus the reference's float64
// factors and a transposed copy (2 more) when the reference is computed.
double case_bytes(const ProblemSpec& spec);

// Throws InputError at the [[problem]] of the first case that does not fit.
void check_case_memory(const Study& study, double available = available_memory_bytes());

}  // namespace condbench
