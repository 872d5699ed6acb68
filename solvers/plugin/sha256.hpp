// SHA-256 of a file (OpenSSL), to record exactly which plugin file a run used.
#pragma once

#include <string>

namespace condbench::plugin {

// Lower-case hex digest; throws std::runtime_error when the file cannot be read.
std::string sha256_of_file(const std::string& path);

}  // namespace condbench::plugin
