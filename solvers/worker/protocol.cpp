#include "solvers/worker/protocol.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstring>
#include <set>
#include <stdexcept>

namespace condbench::worker {
namespace {

template <class U>
void put(std::byte* at, U v) {
  std::memcpy(at, &v, sizeof v);  // little-endian host (static_assert in the header)
}

template <class U>
U get(const std::byte* at) {
  U v;
  std::memcpy(&v, at, sizeof v);
  return v;
}

// Bytes as text a person can read: printable ASCII as is, the rest as \xNN.
std::string printable(const std::byte* p, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(p[i]);
    s += std::isprint(c) ? std::string(1, static_cast<char>(c)) : fmt::format("\\x{:02x}", c);
  }
  return s;
}

std::string string_field(const nlohmann::ordered_json& o, const char* key, const std::string& where, bool required) {
  auto it = o.find(key);
  if (it == o.end()) {
    if (required) throw std::runtime_error(fmt::format("{}: missing \"{}\"", where, key));
    return {};
  }
  if (!it->is_string()) throw std::runtime_error(fmt::format("{}: \"{}\" must be a string", where, key));
  return it->get<std::string>();
}

std::vector<std::string> string_list(const nlohmann::ordered_json& o, const char* key, const std::string& where) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_array() || it->empty())
    throw std::runtime_error(fmt::format("{}: \"{}\" must be a non-empty list of strings", where, key));
  std::vector<std::string> v;
  for (const auto& e : *it) {
    if (!e.is_string()) throw std::runtime_error(fmt::format("{}: \"{}\" must be a list of strings", where, key));
    v.push_back(e.get<std::string>());
  }
  return v;
}

OfferedSolver parse_offered(const nlohmann::ordered_json& o, std::size_t index) {
  std::string where = fmt::format("solvers[{}]", index);
  if (!o.is_object()) throw std::runtime_error(where + ": must be an object");
  OfferedSolver s;
  s.name = string_field(o, "name", where, true);
  where += " (" + s.name + ")";
  // backend.method, as every solver name: the registry, patterns and reports rely on it.
  auto dot = s.name.find('.');
  bool ok = dot != std::string::npos && dot > 0 && dot + 1 < s.name.size();
  for (char c : s.name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  if (!ok) throw std::runtime_error(where + ": a solver name is backend.method (letters, digits, _ and -)");
  s.description = string_field(o, "description", where, true);
  s.flop_method = string_field(o, "flop_method", where, false);
  s.unavailable = string_field(o, "unavailable", where, false);
  for (const std::string& k : string_list(o, "kinds", where)) {
    ProblemKind kind;
    if (!parse_problem_kind(k, kind))
      throw std::runtime_error(fmt::format("{}: unknown kind \"{}\" (general, spd, least_squares, underdetermined)",
                                           where, k));
    s.kinds.bits |= KindSet{kind}.bits;
  }
  for (const std::string& p : string_list(o, "precisions", where)) {
    Precision pr;
    if (p != "f32" && p != "f64")
      throw std::runtime_error(fmt::format("{}: unknown precision \"{}\" (f32, f64)", where, p));
    parse_precision(p, pr);
    (pr == Precision::f32 ? s.f32 : s.f64) = true;
  }
  return s;
}

}  // namespace

std::array<std::byte, kFrameHeaderSize> encode_frame_header(MessageType type, std::uint64_t length) {
  std::array<std::byte, kFrameHeaderSize> h{};
  std::memcpy(h.data(), kMagic.data(), 4);
  put(h.data() + 4, static_cast<std::uint32_t>(type));
  put(h.data() + 8, length);
  return h;
}

std::string decode_frame_header(const std::array<std::byte, kFrameHeaderSize>& bytes, FrameHeader& out) {
  if (std::memcmp(bytes.data(), kMagic.data(), 4) != 0)
    return fmt::format("expected a message starting with \"CBWK\", got \"{}\" (a worker must write only protocol "
                       "messages to stdout; print to stderr)",
                       printable(bytes.data(), bytes.size()));
  out.type = get<std::uint32_t>(bytes.data() + 4);
  out.length = get<std::uint64_t>(bytes.data() + 8);
  return {};
}

std::string element_name(std::uint64_t size) {
  if (size == 4) return "float32";
  if (size == 8) return "float64";
  return fmt::format("{}-byte elements", size);
}

std::uint32_t kind_code(ProblemKind k) { return static_cast<std::uint32_t>(k); }

std::array<std::byte, kSolveHeaderSize> encode_solve_header(const SolveHeader& h) {
  std::array<std::byte, kSolveHeaderSize> b{};
  put(b.data() + 0, h.id);
  put(b.data() + 8, h.solver_index);
  put(b.data() + 12, h.kind);
  put(b.data() + 16, h.element_size);
  put(b.data() + 20, h.threads);
  put(b.data() + 24, h.m);
  put(b.data() + 32, h.n);
  return b;
}

ResultHeader decode_result_header(const std::array<std::byte, kResultHeaderSize>& b) {
  ResultHeader h;
  h.id = get<std::uint64_t>(b.data() + 0);
  h.status = get<std::uint32_t>(b.data() + 8);
  h.element_size = get<std::uint32_t>(b.data() + 12);
  h.count = get<std::uint64_t>(b.data() + 16);
  h.factor_s = get<double>(b.data() + 24);
  h.solve_s = get<double>(b.data() + 32);
  h.facts_length = get<std::uint64_t>(b.data() + 40);
  return h;
}

Hello parse_hello(const std::string& text) {
  nlohmann::ordered_json j;  // ordered: run.json keeps the worker's own order of its versions
  try {
    j = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(std::string("hello reply is not valid JSON: ") + e.what());
  }
  if (!j.is_object()) throw std::runtime_error("hello reply must be a JSON object");
  Hello h;
  auto p = j.find("protocol");
  if (p == j.end() || !p->is_number_unsigned())
    throw std::runtime_error("hello reply: missing \"protocol\" (the version the worker speaks, 1)");
  h.protocol = p->get<std::uint32_t>();
  if (h.protocol != kProtocolVersion)
    throw std::runtime_error(
        fmt::format("worker speaks protocol {}, condbench speaks {}", h.protocol, kProtocolVersion));
  h.worker = string_field(j, "worker", "hello reply", false);
  if (auto v = j.find("versions"); v != j.end()) {
    if (!v->is_object()) throw std::runtime_error("hello reply: \"versions\" must be an object");
    h.versions = *v;
  }
  if (auto t = j.find("threads"); t != j.end()) h.threads = *t;
  auto s = j.find("solvers");
  if (s == j.end() || !s->is_array() || s->empty())
    throw std::runtime_error("hello reply: \"solvers\" must be a non-empty list");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < s->size(); ++i) {
    h.solvers.push_back(parse_offered((*s)[i], i));
    if (!seen.insert(h.solvers.back().name).second)
      throw std::runtime_error("hello reply: solver \"" + h.solvers.back().name + "\" is offered twice");
  }
  return h;
}

SolverFacts parse_facts(const std::string& text, std::string& reason) {
  SolverFacts f;
  if (text.empty()) return f;
  nlohmann::ordered_json j;
  try {
    j = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(std::string("facts are not valid JSON: ") + e.what());
  }
  if (!j.is_object()) throw std::runtime_error("facts must be a JSON object");
  for (const auto& [k, v] : j.items()) {
    if (k == "reason" || k == "note") {
      if (!v.is_string()) throw std::runtime_error("facts: \"" + k + "\" must be a string");
      (k == "reason" ? reason : f.note) = v.get<std::string>();
    } else if (k == "iterations") {
      if (!v.is_number_integer()) throw std::runtime_error("facts: \"iterations\" must be an integer");
      f.iterations = v.get<int>();
    } else if (k == "fallback") {
      if (!v.is_boolean()) throw std::runtime_error("facts: \"fallback\" must be true or false");
      f.fallback = v.get<bool>();
    } else if (k == "extra") {
      if (!v.is_object()) throw std::runtime_error("facts: \"extra\" must be an object");
      for (const auto& [ek, ev] : v.items())
        if (!ev.is_primitive() || ev.is_null())
          throw std::runtime_error("facts: extra \"" + ek + "\" must be a number, string or boolean");
      f.extra = v;
    }
    // Other keys are ignored: a later protocol minor may add some (docs/workers.md, "Versioning").
  }
  return f;
}

}  // namespace condbench::worker
