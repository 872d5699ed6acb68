// Where condbench finds what it ships beside the executable (report assets, shipped studies,
// the Python worker module). Installed, that is PREFIX/share/condbench, found relative to
// the executable (PREFIX/bin/condbench), so an installation works without the source tree
// and still works when the prefix is moved. Run from its build tree, condbench uses the
// source tree it was built from.
#pragma once

#include <filesystem>
#include <string>

namespace condbench {

// (The folder of the running executable: executable_dir() of solvers/module_search.hpp.)

// PREFIX/share/condbench when this executable is an installed one (that folder exists
// beside it); empty otherwise.
std::filesystem::path installed_data_dir();

// installed_data_dir()/installed_sub when it exists, else source_dir/source_sub.
std::filesystem::path data_dir(const std::string& installed_sub, const std::string& source_dir,
                               const std::string& source_sub);

}  // namespace condbench
