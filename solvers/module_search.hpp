// Where condbench looks for a module it loads on demand (the cuSOLVER module, the MPI
// module): the file an environment variable names, alone, when it is set; else beside
// the executable, in lib/ beside it (the build tree's condbench), in ../lib (the build
// tree's tests and benchmarks), in the install layout relative to the executable
// (bin/../lib/condbench, wherever the tree was moved), then the install directory
// configured at build time. Duplicates dropped, order kept.
#pragma once

#include <string>
#include <vector>

namespace condbench {

// The folder of /proc/self/exe; empty when it cannot be read.
std::string executable_dir();

// env_value: the variable's value (null or empty: not set). install_rel: the install
// folder relative to the executable's ("../lib/condbench"); install_dir: absolute.
std::vector<std::string> module_search_path(const std::string& file, const char* env_value,
                                            const std::string& exe_dir, const std::string& install_rel,
                                            const std::string& install_dir);

}  // namespace condbench
