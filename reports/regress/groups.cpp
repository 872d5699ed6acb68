#include "reports/regress/groups.hpp"

#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <sstream>

namespace condbench::regress {
namespace {

// Below a thousandth of u an error is as good as exact; the clamp keeps log10 finite.
constexpr double kTinyInUnits = 1e-3;

LogStat log_stat(std::vector<double> v) {
  LogStat s;
  s.count = static_cast<int>(v.size());
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  std::size_t k = v.size();
  s.center = k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
  s.min = v.front();
  s.max = v.back();
  if (k >= 2) {
    double mean = 0;
    for (double x : v) mean += x;
    mean /= static_cast<double>(k);
    double ss = 0;
    for (double x : v) ss += (x - mean) * (x - mean);
    s.sd = std::sqrt(ss / static_cast<double>(k - 1));
  }
  return s;
}

bool is_seed_token(const std::string& t) {
  return t.size() >= 2 && t[0] == 's' && std::all_of(t.begin() + 1, t.end(), [](char c) { return std::isdigit(c); });
}

// The exponent of "1e10"; ranges that are no decade ("unknown") sort last.
int decade_of(const std::string& range) {
  if (range.size() < 3 || range.compare(0, 2, "1e") != 0) return std::numeric_limits<int>::max();
  try {
    return std::stoi(range.substr(2));
  } catch (const std::exception&) {
    return std::numeric_limits<int>::max();
  }
}

}  // namespace

std::strong_ordering GroupKey::operator<=>(const GroupKey& o) const {
  if (auto c = std::tie(solver, precision, family) <=> std::tie(o.solver, o.precision, o.family); c != 0) return c;
  return std::pair(decade_of(kappa_range), kappa_range) <=> std::pair(decade_of(o.kappa_range), o.kappa_range);
}

double unit_roundoff_of(const std::string& precision) {
  if (precision == "f32") return 0x1p-24;
  if (precision == "f64") return 0x1p-53;
  throw InputError("precision", fmt::format("'{}' is not a precision regress knows (f32, f64)", precision));
}

std::string family_of(const std::string& case_id) {
  std::vector<std::string> tokens;
  std::stringstream ss(case_id);
  for (std::string t; std::getline(ss, t, ':');) tokens.push_back(t);
  if (!tokens.empty() && is_seed_token(tokens.back())) tokens.pop_back();
  std::string out;
  for (const auto& t : tokens) {
    if (t.rfind("kappa=", 0) == 0) continue;
    if (!out.empty()) out += ':';
    out += t;
  }
  return out;
}

std::string kappa_range_of(const ResultRow& r) {
  double k = std::isfinite(r.kappa_nominal) && r.kappa_nominal > 0 ? r.kappa_nominal : r.kappa;
  if (!std::isfinite(k) || k <= 0) return "unknown";
  // 1e10 must land in the decade of 1e10 whatever log10's last bit says.
  int decade = static_cast<int>(std::floor(std::log10(k) + 1e-9));
  return fmt::format("1e{}", decade);
}

std::map<GroupKey, GroupSummary> summarize_groups(const std::vector<ResultRow>& rows) {
  struct Acc {
    GroupSummary g;
    std::vector<double> fe, be, kappa;
  };
  std::map<GroupKey, Acc> acc;
  for (const ResultRow& r : rows) {
    GroupKey key{r.solver, r.precision, family_of(r.case_id), kappa_range_of(r)};
    Acc& a = acc[key];
    GroupSummary& g = a.g;
    g.key = key;
    g.m = r.m;
    g.n = r.n;
    g.u = unit_roundoff_of(r.precision);
    bool usable = r.status == "ok" && std::isfinite(r.forward_error) && std::isfinite(r.backward_error);
    if (r.status == "skipped") {
      ++g.skipped;
    } else if (!usable) {
      ++g.failed;  // an "ok" without finite errors is no success
    } else {
      ++g.ok;
    }
    if ((r.status != "ok" || !usable) && g.reason.empty())
      g.reason = r.reason.empty() ? (usable ? r.status : "non-finite error") : r.reason;
    if (!usable) continue;
    double kappa = std::isfinite(r.kappa) && r.kappa > 1 ? r.kappa : std::max(1.0, r.kappa_nominal);
    double fe = std::clamp(r.forward_error, kTinyInUnits * g.u, 1.0);
    double be = std::clamp(r.backward_error, kTinyInUnits * g.u, 1.0);
    g.max_forward_error = std::max(g.max_forward_error, r.forward_error);
    a.fe.push_back(std::log10(fe / (g.u * kappa)));
    a.be.push_back(std::log10(be / g.u));
    a.kappa.push_back(std::log10(kappa));
  }
  std::map<GroupKey, GroupSummary> out;
  for (auto& [key, a] : acc) {
    a.g.fe = log_stat(std::move(a.fe));
    a.g.be = log_stat(std::move(a.be));
    a.g.kappa = log_stat(std::move(a.kappa));
    out.emplace(key, std::move(a.g));
  }
  return out;
}

}  // namespace condbench::regress
