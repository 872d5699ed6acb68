#include "solvers/worker/pool.hpp"

#include "solvers/context_hook.hpp"
#include "solvers/registry.hpp"

#include <pthread.h>

#include <memory>
#include <mutex>
#include <stdexcept>

namespace condbench::worker {
namespace {

// A solver served by a worker: SolverT checks x's length and finiteness as for any solver.
class WorkerSolver : public SolverT<WorkerSolver> {
 public:
  WorkerSolver(std::shared_ptr<WorkerClient> client, std::size_t index)
      : client_(std::move(client)), index_(index) {
    const OfferedSolver& o = client_->hello().solvers[index];
    info_.name = o.name;
    info_.description = o.description;
    info_.kinds = o.kinds;
    info_.f32 = o.f32;
    info_.f64 = o.f64;
    info_.origin = "worker " + command_text(client_->spec().command);
    info_.isolate_by_default = false;  // the worker is already another process
    info_.flop_method = o.flop_method;
    unavailable_ = o.unavailable;
  }
  const SolverInfo& info() const override { return info_; }
  std::string unavailable_reason() const override { return unavailable_; }

  template <class T>
  SolveOutcome<T> run(const SolveInput<T>& in) const {
    return client_->solve(index_, in);
  }

 private:
  std::shared_ptr<WorkerClient> client_;
  std::size_t index_;
  SolverInfo info_;
  std::string unavailable_;
};

struct Pool {
  std::mutex mu;
  std::vector<std::shared_ptr<WorkerClient>> clients;
};

Pool& pool() {
  static Pool p;
  return p;
}

// A fork waits until no solve is in flight, so the child never inherits a locked client.
void register_fork_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    pthread_atfork(
        [] {
          pool().mu.lock();
          for (auto& c : pool().clients) c->lock();
        },
        [] {
          for (auto& c : pool().clients) c->unlock();
          pool().mu.unlock();
        },
        [] {
          for (auto& c : pool().clients) c->unlock();
          pool().mu.unlock();
        });
    add_context_contributor("workers", workers_context);
  });
}

}  // namespace

std::vector<std::string> start_worker(const WorkerSpec& spec) {
  register_fork_handlers();
  std::shared_ptr<WorkerClient> client;
  {
    std::lock_guard lock(pool().mu);
    for (const auto& c : pool().clients)
      if (c->spec().same_worker(spec)) client = c;
  }
  std::vector<std::string> names;
  if (client) {
    for (const auto& s : client->hello().solvers) names.push_back(s.name);
    return names;
  }
  client = std::make_shared<WorkerClient>(spec);  // WorkerStartError
  std::vector<std::unique_ptr<Solver>> proxies;
  for (std::size_t i = 0; i < client->hello().solvers.size(); ++i)
    proxies.push_back(std::make_unique<WorkerSolver>(client, i));
  SolverRegistry& reg = SolverRegistry::instance();
  for (auto& p : proxies) {
    std::string name = p->info().name;
    try {
      reg.add(std::move(p));
    } catch (const std::invalid_argument&) {
      for (const auto& n : names) reg.remove(n);  // all of a worker's solvers or none
      throw;
    }
    names.push_back(name);
  }
  std::lock_guard lock(pool().mu);
  pool().clients.push_back(std::move(client));
  return names;
}

nlohmann::ordered_json workers_context() {
  std::lock_guard lock(pool().mu);
  if (pool().clients.empty()) return nullptr;
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (const auto& c : pool().clients) {
    const WorkerSpec& s = c->spec();
    const Hello& h = c->hello();
    nlohmann::ordered_json w;
    w["name"] = s.name;
    w["command"] = s.command;
    w["env"] = s.env;
    w["time_limit_s"] = s.time_limit_s;
    w["declared_at"] = s.where;
    w["protocol"] = h.protocol;
    w["worker"] = h.worker;
    w["versions"] = h.versions.is_null() ? nlohmann::ordered_json::object() : h.versions;
    if (!h.threads.is_null()) w["threads"] = h.threads;
    nlohmann::ordered_json solvers = nlohmann::ordered_json::object();
    for (const auto& o : h.solvers) solvers[o.name] = o.unavailable.empty() ? "available" : o.unavailable;
    w["solvers"] = solvers;
    all.push_back(w);
  }
  return all;
}

void stop_workers() {
  std::vector<std::shared_ptr<WorkerClient>> clients;
  {
    std::lock_guard lock(pool().mu);
    clients.swap(pool().clients);
  }
  for (const auto& c : clients)
    for (const auto& s : c->hello().solvers) SolverRegistry::instance().remove(s.name);
}

}  // namespace condbench::worker
