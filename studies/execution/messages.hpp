// The messages a case's runner sends to the process that writes the results: over a
// pipe from a forked child (executor.cpp) and over MPI from another rank
// (mpi_executor.cpp). Each is a header and `length` bytes of payload.
#pragma once

#include <cstdint>

namespace condbench::exec {

enum MsgType : std::uint32_t { kRun = 1, kIdent, kBegin, kRow, kTally, kDone, kError };

struct MsgHeader {
  std::uint32_t type;
  std::int32_t unit;
  std::uint64_t length;
};

}  // namespace condbench::exec
