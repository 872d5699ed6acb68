#include "solvers/cusolver/gpu/rules.hpp"

#include <fmt/format.h>

#include <bit>

namespace condbench::cusolver {

int size_class(std::int64_t dim) {
  return dim <= 1 ? 0 : std::bit_width(static_cast<std::uint64_t>(dim)) - 1;
}

bool WarmupLedger::first_use(const std::string& solver, Precision p, std::int64_t m, std::int64_t n) {
  // (to_string(Precision) lives in the executable's registry, which the module does not link.)
  const std::string key =
      fmt::format("{}/{}/{}x{}", solver, p == Precision::f32 ? "f32" : "f64", size_class(m), size_class(n));
  std::lock_guard lock(mu_);
  return seen_.insert(key).second;
}

std::string niters_meaning(int niters, int max_iters) {
  if (niters >= 0) return fmt::format("converged after {} iterations", niters);
  // -1, -2, -3, -5 are fixed codes; -max_iters is the limit, unless the limit is one of them.
  if (niters == -max_iters && max_iters > 5) return fmt::format("iteration limit ({}) reached", max_iters);
  switch (niters) {
    case -1: return "not worth it for this size (machine parameters, n, nrhs)";
    case -2: return "overflow converting A to the lower precision";
    case -3: return "lower-precision factorization failed";
    case -5: return "overflow during the refinement";
    default: return "undocumented code";
  }
}

namespace {

std::string or_unset(const std::optional<int>& v) { return v ? std::to_string(*v) : "unset"; }

}  // namespace

IrsReport describe_irs(const IrsCall& c) {
  IrsReport r;
  nlohmann::ordered_json& x = r.facts.extra;
  x["niters"] = c.niters ? nlohmann::ordered_json(*c.niters) : nlohmann::ordered_json();
  x["outer_niters"] = c.outer_niters;
  x["max_iters"] = c.max_iters;
  x["d_info"] = c.d_info ? nlohmann::ordered_json(*c.d_info) : nlohmann::ordered_json();
  const std::string meaning = c.niters ? niters_meaning(*c.niters, c.max_iters) : "not set by the call";
  if (!c.niters) {
    r.facts.note = "niters not set by the call";
  } else if (*c.niters >= 0) {
    r.facts.iterations = *c.niters;
    r.facts.note = fmt::format("outer iterations {}", c.outer_niters);
  } else if (c.fallback_enabled) {
    r.facts.fallback = true;
    x["fallback_reason"] = meaning;
    r.facts.note = fmt::format("niters={} ({}): fell back to a full-precision LU", *c.niters, meaning);
  } else {
    x["stop"] = meaning;
    r.facts.note = fmt::format("niters={} ({}); fallback disabled: x is the refinement's last iterate", *c.niters,
                               meaning);
  }
  if (!c.status.empty()) {
    x["irs_status"] = c.status;
    x["x_written"] = c.x_written;
    r.failure = fmt::format("cusolverDnIRSXgesv: {}; niters={} ({}), d_info={}, x written {} of {}", c.status,
                            or_unset(c.niters), meaning, or_unset(c.d_info), c.x_written, c.n);
  } else if (!c.d_info) {
    r.facts.note += "; devInfo not set by the call";  // the metrics still judge x
  } else if (*c.d_info > 0) {
    r.failure = fmt::format("cusolverDnIRSXgesv devInfo={}: U({},{}) is exactly zero", *c.d_info, *c.d_info, *c.d_info);
  } else if (*c.d_info < 0) {
    r.failure = fmt::format("cusolverDnIRSXgesv devInfo={}: invalid argument", *c.d_info);
  }
  return r;
}

}  // namespace condbench::cusolver
