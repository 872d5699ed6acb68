#include "solvers/plugin/plugin_solver.hpp"

#include "solvers/stopwatch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <set>
#include <type_traits>

namespace condbench::plugin {
namespace {

static_assert(CONDBENCH_KIND_GENERAL == 1u << static_cast<int>(ProblemKind::general));
static_assert(CONDBENCH_KIND_SPD == 1u << static_cast<int>(ProblemKind::spd));
static_assert(CONDBENCH_KIND_LEAST_SQUARES == 1u << static_cast<int>(ProblemKind::least_squares));
static_assert(CONDBENCH_KIND_UNDERDETERMINED == 1u << static_cast<int>(ProblemKind::underdetermined));

// A string from a plugin's result is not trusted to end: inside `text` it must end before
// the buffer does; elsewhere (a literal in the plugin) it is cut at kMaxText characters.
constexpr std::size_t kMaxText = 4096;

bool read_text(const condbench_result& r, const char* p, const char* what, std::string& out, std::string& bad) {
  const auto begin = reinterpret_cast<std::uintptr_t>(r.text);
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  if (at >= begin && at < begin + sizeof r.text) {
    const std::size_t room = begin + sizeof r.text - at;
    const std::size_t len = strnlen(p, room);
    if (len == room) {
      bad = fmt::format("{} in result.text is not NUL-terminated", what);
      return false;
    }
    out.assign(p, len);
    return true;
  }
  const std::size_t len = strnlen(p, kMaxText);
  out.assign(p, len);
  if (len == kMaxText) out += " [cut at 4096 characters]";
  return true;
}

bool valid_fact_key(const std::string& k) {
  if (k.empty() || k.size() > 64 || k[0] < 'a' || k[0] > 'z') return false;
  return std::all_of(k.begin(), k.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// The facts of a result as a JSON object; false (and `bad`) on the first malformed one.
bool read_facts(const condbench_result& r, nlohmann::ordered_json& extra, std::string& bad) {
  if (r.fact_count > CONDBENCH_MAX_FACTS) {
    bad = fmt::format("fact_count = {} (at most CONDBENCH_MAX_FACTS = {})", r.fact_count, CONDBENCH_MAX_FACTS);
    return false;
  }
  for (std::uint32_t i = 0; i < r.fact_count; ++i) {
    const condbench_fact& f = r.facts[i];
    std::string key;
    if (!f.key) {
      bad = fmt::format("facts[{}].key is NULL", i);
      return false;
    }
    if (!read_text(r, f.key, "a fact key", key, bad)) return false;
    if (!valid_fact_key(key) || key == "timed_by") {
      bad = fmt::format("facts[{}].key '{}' is not a lower_snake_case name of at most 64 characters{}", i, key,
                        key == "timed_by" ? " other than the reserved 'timed_by'" : "");
      return false;
    }
    if (extra.contains(key)) {
      bad = fmt::format("fact '{}' is given twice", key);
      return false;
    }
    switch (f.type) {
      case CONDBENCH_FACT_INT: extra[key] = f.int_value; break;
      case CONDBENCH_FACT_BOOL:
        if (f.int_value != 0 && f.int_value != 1) {
          bad = fmt::format("fact '{}' is a BOOL with int_value {} (0 or 1 expected)", key, f.int_value);
          return false;
        }
        extra[key] = f.int_value == 1;
        break;
      case CONDBENCH_FACT_DOUBLE:
        // JSON has no NaN or infinity; the fact keeps what it said as text.
        if (std::isfinite(f.double_value))
          extra[key] = f.double_value;
        else
          extra[key] = std::isnan(f.double_value) ? "nan" : f.double_value > 0 ? "inf" : "-inf";
        break;
      case CONDBENCH_FACT_STRING: {
        std::string value;
        if (!f.string_value) {
          bad = fmt::format("fact '{}' is a STRING with string_value NULL", key);
          return false;
        }
        if (!read_text(r, f.string_value, "a fact value", value, bad)) return false;
        extra[key] = value;
        break;
      }
      default:
        bad = fmt::format("fact '{}' has type {} (not 0 int, 1 double, 2 string or 3 bool)", key, f.type);
        return false;
    }
  }
  return true;
}

// The plugin's timing, or the call's when it left both phases negative.
bool read_timing(const condbench_result& r, double call_s, Timing& t, bool& by_host, std::string& bad) {
  const double f = r.factor_seconds, s = r.solve_seconds;
  by_host = f < 0 && s < 0;
  if (by_host) {
    t.factor_s = call_s;
    return true;
  }
  auto valid = [](double x) { return std::isfinite(x) && x >= 0; };
  if (!valid(f) || !valid(s)) {
    bad = fmt::format("factor_seconds = {}, solve_seconds = {}: give both as wall-clock seconds >= 0, or leave both "
                      "negative for condbench to time the call",
                      f, s);
    return false;
  }
  // Its phases happen inside the call: more than the call's wall time (beyond clock
  // granularity) means another unit or CPU time summed over threads.
  if (f + s > call_s * 1.01 + 1e-4) {
    bad = fmt::format("factor_seconds + solve_seconds = {:.3g} s exceeds the call's wall time {:.3g} s (wall-clock "
                      "seconds expected)",
                      f + s, call_s);
    return false;
  }
  t.factor_s = f;
  t.solve_s = s;
  return true;
}

}  // namespace

std::uint32_t kind_bit(ProblemKind k) { return 1u << static_cast<int>(k); }

KindSet kinds_of_bits(std::uint32_t bits) {
  KindSet s;
  s.bits = static_cast<std::uint8_t>(bits & 0xFu);
  return s;
}

void preset_result(condbench_result& r) {
  std::memset(&r, 0, sizeof r);
  r.size = sizeof r;
  r.status = CONDBENCH_STATUS_OK;
  r.iterations = -1;
  r.factor_seconds = -1;
  r.solve_seconds = -1;
}

template <class T>
void translate_result(const condbench_result& r, double call_s, SolveOutcome<T>& out) {
  std::string bad, reason, note;
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
  Timing timing;
  bool by_host = false;
  const bool ok = [&] {
    if (r.status != CONDBENCH_STATUS_OK && r.status != CONDBENCH_STATUS_FAILED && r.status != CONDBENCH_STATUS_SKIPPED) {
      bad = fmt::format("status {} (not 0 ok, 1 failed or 2 skipped)", r.status);
      return false;
    }
    if (r.status != CONDBENCH_STATUS_OK && !r.reason) {
      bad = fmt::format("status {} without a reason (reason is NULL)", r.status == CONDBENCH_STATUS_FAILED ? "failed" : "skipped");
      return false;
    }
    if (r.reason && !read_text(r, r.reason, "the reason", reason, bad)) return false;
    if (r.note && !read_text(r, r.note, "the note", note, bad)) return false;
    if (r.iterations < -1) {
      bad = fmt::format("iterations = {} (-1 when not iterative, else >= 0)", r.iterations);
      return false;
    }
    return read_facts(r, extra, bad) && read_timing(r, call_s, timing, by_host, bad);
  }();
  if (!ok) {
    out = SolveOutcome<T>::failure("bad result from the plugin: " + bad);
    out.timing.factor_s = call_s;
    return;
  }
  out.status = r.status == CONDBENCH_STATUS_OK ? Status::ok : r.status == CONDBENCH_STATUS_FAILED ? Status::failed
                                                                                                  : Status::skipped;
  out.reason = std::move(reason);
  out.facts.iterations = r.iterations;
  out.facts.fallback = r.fallback != 0;
  out.facts.note = std::move(note);
  if (by_host) extra["timed_by"] = "condbench";
  out.facts.extra = std::move(extra);
  out.timing = timing;
  if (out.status != Status::ok) out.x.reset();
}

template void translate_result<float>(const condbench_result&, double, SolveOutcome<float>&);
template void translate_result<double>(const condbench_result&, double, SolveOutcome<double>&);

PluginSolver::PluginSolver(const condbench_solver& desc, SolverInfo info) : desc_(desc), info_(std::move(info)) {}

template <class T>
SolveOutcome<T> PluginSolver::run(const SolveInput<T>& in) const {
  constexpr bool single = std::is_same_v<T, float>;
  using Problem = std::conditional_t<single, condbench_problem_f32, condbench_problem_f64>;
  const auto fn = [&] {
    if constexpr (single)
      return desc_.solve_f32;
    else
      return desc_.solve_f64;
  }();
  if (!fn) return SolveOutcome<T>::failure(info_.name + " has no " + to_string(precision_of<T>()) + " variant");

  // The plugin's own copies (it may factor in place), made before the clock starts, as
  // every built-in solver copies before its Stopwatch.
  arma::Mat<T> a = in.A;
  arma::Col<T> b = in.b;
  SolveOutcome<T> out;
  out.x.set_size(in.A.n_cols);
  out.x.fill(std::numeric_limits<T>::quiet_NaN());
  Problem p{};
  p.size = sizeof p;
  p.kind = kind_bit(in.kind);
  p.m = static_cast<std::int64_t>(a.n_rows);
  p.n = static_cast<std::int64_t>(a.n_cols);
  p.lda = std::max<std::int64_t>(1, p.m);
  p.A = a.memptr();
  p.b = b.memptr();
  p.x = out.x.memptr();
  condbench_result r;
  preset_result(r);

  Stopwatch sw;
  try {
    fn(desc_.user_data, &p, &r);
  } catch (...) {
    return SolveOutcome<T>::failure("the plugin's solve function threw a C++ exception (nothing may be thrown across "
                                    "the C interface: catch it and return CONDBENCH_STATUS_FAILED)");
  }
  const double call_s = sw.lap();
  translate_result(r, call_s, out);
  return out;
}

template SolveOutcome<float> PluginSolver::run<float>(const SolveInput<float>&) const;
template SolveOutcome<double> PluginSolver::run<double>(const SolveInput<double>&) const;

}  // namespace condbench::plugin
