// The output of a shell command, for recording context (library versions, commit, GPU).
#pragma once

#include <string>

namespace condbench {

// stdout of `cmd` (stderr discarded), trailing newlines and spaces trimmed; empty when the
// command cannot be started or exits with a non-zero status.
std::string capture_output(const std::string& cmd);

}  // namespace condbench
