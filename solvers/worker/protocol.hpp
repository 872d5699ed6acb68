// The solver-worker protocol, version 1: byte layouts and the handshake's JSON (docs/workers.md
// is the specification; this file and python/condbench_worker.py implement it).
//
// Every message is a 16-byte frame header -- magic "CBWK", u32 type, u64 body length -- and
// a body. Integers are little-endian, floats IEEE 754 binary32/binary64 little-endian. A
// worker only writes JSON (its hello and a result's facts), it never has to parse any.
#pragma once

#include "solvers/solver.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace condbench::worker {

static_assert(std::endian::native == std::endian::little, "the worker protocol is little-endian, as this host");

inline constexpr std::uint32_t kProtocolVersion = 1;
inline constexpr std::array<char, 4> kMagic{'C', 'B', 'W', 'K'};
inline constexpr std::size_t kFrameHeaderSize = 16;
inline constexpr std::size_t kSolveHeaderSize = 40;
inline constexpr std::size_t kResultHeaderSize = 48;
// Bounds on what a worker may send, so a corrupt length cannot make condbench wait for or
// allocate gigabytes: the hello and a result's facts are JSON of at most this size.
inline constexpr std::uint64_t kMaxJsonBytes = 16u << 20;

enum class MessageType : std::uint32_t {
  hello = 1,          // condbench -> worker: u32 highest protocol version condbench speaks
  solve = 2,          // condbench -> worker: SolveHeader, A (column-major), b
  bye = 3,            // condbench -> worker: empty; the worker exits with status 0
  hello_reply = 101,  // worker -> condbench: JSON (protocol, worker, versions, solvers)
  result = 102,       // worker -> condbench: ResultHeader, facts JSON, x
  error = 199,        // worker -> condbench: UTF-8 text; the worker exits after it
};

struct FrameHeader {
  std::uint32_t type = 0;
  std::uint64_t length = 0;  // body bytes after the 16-byte header
};

std::array<std::byte, kFrameHeaderSize> encode_frame_header(MessageType type, std::uint64_t length);
// Empty when `bytes` is a well-formed header; otherwise what is wrong with it (shown as bytes
// when it is not our magic: a worker that prints to stdout shows up as its text).
std::string decode_frame_header(const std::array<std::byte, kFrameHeaderSize>& bytes, FrameHeader& out);

// Element size on the wire: 4 (float32) or 8 (float64).
inline std::uint32_t element_size(Precision p) { return p == Precision::f32 ? 4 : 8; }
std::string element_name(std::uint64_t element_size);  // "float32", "float64", "4-byte elements"...

std::uint32_t kind_code(ProblemKind k);  // 0 general, 1 spd, 2 least_squares, 3 underdetermined

struct SolveHeader {
  std::uint64_t id = 0;            // counts up from 1 per worker process; echoed by the result
  std::uint32_t solver_index = 0;  // position of the solver in the hello's "solvers" array
  std::uint32_t kind = 0;          // kind_code
  std::uint32_t element_size = 0;  // 4 or 8: A, b and the expected x
  std::uint32_t threads = 0;       // BLAS threads condbench runs with (0: not pinned)
  std::uint64_t m = 0, n = 0;
};
std::array<std::byte, kSolveHeaderSize> encode_solve_header(const SolveHeader& h);

struct ResultHeader {
  std::uint64_t id = 0;
  std::uint32_t status = 0;        // 0 ok, 1 failed
  std::uint32_t element_size = 0;  // of x
  std::uint64_t count = 0;         // elements of x
  double factor_s = 0, solve_s = 0;
  std::uint64_t facts_length = 0;  // bytes of facts JSON after the header
};
ResultHeader decode_result_header(const std::array<std::byte, kResultHeaderSize>& bytes);

// One solver a worker offers, from its hello.
struct OfferedSolver {
  std::string name, description, flop_method;
  KindSet kinds;
  bool f32 = false, f64 = false;
  std::string unavailable;  // empty: it can run here; else why not ("torch not importable: ...")
};

struct Hello {
  std::uint32_t protocol = 0;
  std::string worker;                 // the worker's own name for itself
  nlohmann::ordered_json versions;    // library versions, as the worker reports them
  nlohmann::ordered_json threads;     // how it pins threads (free form), if it says
  std::vector<OfferedSolver> solvers;
};

// Parses and checks a hello reply; throws std::runtime_error saying what is wrong.
Hello parse_hello(const std::string& text);

// A result's facts JSON (empty text: none) into SolverFacts; `reason` receives "reason".
// Throws std::runtime_error saying what is wrong.
SolverFacts parse_facts(const std::string& text, std::string& reason);

}  // namespace condbench::worker
