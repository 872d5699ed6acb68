#include "solvers/context_hook.hpp"

#include <mutex>

namespace condbench {
namespace {

struct Contributors {
  std::mutex mu;
  std::vector<std::pair<std::string, ContextContributor>> list;
};

Contributors& contributors() {
  static Contributors c;
  return c;
}

}  // namespace

void add_context_contributor(const std::string& key, ContextContributor f) {
  Contributors& c = contributors();
  std::lock_guard lock(c.mu);
  for (auto& [k, g] : c.list)
    if (k == key) {
      g = std::move(f);
      return;
    }
  c.list.emplace_back(key, std::move(f));
}

std::vector<std::pair<std::string, nlohmann::ordered_json>> contributed_context() {
  std::vector<std::pair<std::string, ContextContributor>> list;
  {
    Contributors& c = contributors();
    std::lock_guard lock(c.mu);
    list = c.list;  // called without the lock: a contributor may take its own locks
  }
  std::vector<std::pair<std::string, nlohmann::ordered_json>> out;
  for (const auto& [k, f] : list)
    if (nlohmann::ordered_json v = f(); !v.is_null()) out.emplace_back(k, std::move(v));
  return out;
}

}  // namespace condbench
