// What `condbench --version` prints: the version, the plugin ABI it loads, and where it
// finds what it ships (installed beside the executable, or the source tree).
#pragma once

#include <string>

namespace condbench::cli {

std::string version_text();

}  // namespace condbench::cli
