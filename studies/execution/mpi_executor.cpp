#include "studies/execution/mpi_executor.hpp"

#include "solvers/mpi/world.hpp"
#include "studies/execution/messages.hpp"
#include "studies/runner/context.hpp"
#include "studies/runner/input_error.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace condbench::exec {
namespace {

// Message tags of the executor (the MPI module's own start at mpi::kModuleTags).
enum Tag : int { kTagHello = 101, kTagDecision, kTagOrder, kTagResult };

// Rank 0 to another rank (kTagOrder).
enum Order : std::uint32_t { kOrderRun = 1, kOrderInterrupt, kOrderNoMoreCases };
struct OrderMsg {
  std::uint32_t order = 0;
  std::uint32_t interrupted = 0;  // with kOrderNoMoreCases: the run was interrupted
  std::uint64_t case_index = 0;
};

std::string bytes_of(const OrderMsg& o) { return std::string(reinterpret_cast<const char*>(&o), sizeof o); }

// ---------------------------------------------------------------- handshake

struct Handshake {
  bool reported = false;  // ranks > 0: sent their hello; rank 0: received everyone's
  bool decided = false;   // rank 0 said go or stop
  bool go = false;
  std::string failure;    // rank 0: the first rank that could not start, and why
  nlohmann::ordered_json processes = nlohmann::ordered_json::array();
};

Handshake& handshake() {
  static Handshake h;
  return h;
}

nlohmann::ordered_json hello(const std::string& error) {
  return {{"rank", mpi::rank()},
          {"host", mpi::api().processor_name()},
          {"pid", static_cast<long>(::getpid())},
          {"blas_threads", blas_threads()},
          {"error", error}};
}

void report(const std::string& error) {
  Handshake& h = handshake();
  if (h.reported) return;
  mpi::api().send(0, kTagHello, hello(error).dump());
  h.reported = true;
}

bool await_decision() {
  Handshake& h = handshake();
  if (!h.decided) {
    std::string answer;
    mpi::api().recv(0, kTagDecision, &answer);
    h.go = answer == "go";
    h.decided = true;
  }
  return h.go;
}

void collect() {
  Handshake& h = handshake();
  if (h.reported) return;
  nlohmann::ordered_json me = hello("");
  me.erase("error");
  h.processes.push_back(std::move(me));
  std::string bytes;
  for (int r = 1; r < mpi::size(); ++r) {
    mpi::api().recv(r, kTagHello, &bytes);
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(bytes);
    const std::string error = j.value("error", "");
    if (!error.empty() && h.failure.empty())
      h.failure = fmt::format("rank {} (host {}) could not start the run: {}", r, j.value("host", "?"), error);
    j.erase("error");
    h.processes.push_back(std::move(j));
  }
  h.reported = true;
}

void decide(bool go) {
  Handshake& h = handshake();
  if (h.decided) return;
  for (int r = 1; r < mpi::size(); ++r) mpi::api().send(r, kTagDecision, go ? "go" : "stop");
  h.go = go;
  h.decided = true;
}

// ---------------------------------------------------------------- one pass over a case

// A case's messages, framed as over the pipe, gathered into one buffer (one MPI
// message per case). `collective` says which pass: grid solvers or the others.
class FrameEmitter : public Emitter {
 public:
  FrameEmitter(const Task& task, std::size_t c, bool collective, const std::function<bool()>& stop)
      : task_(task), c_(c), collective_(collective), stop_(stop) {}
  void identify(const std::string& s) override { put(kIdent, -1, s); }
  void begin(int unit, const std::string& s) override { put(kBegin, unit, s); }
  void row(int unit, const std::string& r) override { put(kRow, unit, r); }
  void tally(int unit, const std::string& k) override { put(kTally, unit, k); }
  bool stop_requested() override {
    stopped_ = stopped_ || stop_();
    return stopped_;
  }
  bool wanted(int unit) override { return task_.collective(c_, unit) == collective_; }

  void put(MsgType t, int unit, const std::string& payload) {
    const MsgHeader h{t, unit, payload.size()};
    frames.append(reinterpret_cast<const char*>(&h), sizeof h);
    frames += payload;
  }
  bool stopped() const { return stopped_; }
  std::string frames;

 private:
  const Task& task_;
  std::size_t c_;
  bool collective_;
  const std::function<bool()>& stop_;
  bool stopped_ = false;
};

// Runs one pass over case c: the frames end with kDone, kError, or nothing (stopped).
std::string run_pass(const Task& task, std::size_t c, bool collective, const std::function<bool()>& stop) {
  FrameEmitter e(task, c, collective, stop);
  try {
    task.run_case(c, 0, e);
    if (!e.stopped()) e.put(kDone, -1, "");
  } catch (const std::exception& ex) {
    e.put(kError, -1, ex.what());
  }
  return std::move(e.frames);
}

bool has_units(const Task& task, std::size_t c, bool collective) {
  for (int u = 0; u < task.unit_count(c); ++u)
    if (task.collective(c, u) == collective) return true;
  return false;
}

// A case's records so far, by unit, and its tallies.
struct CaseRecords {
  std::map<int, std::string> rows;
  std::map<std::string, int> tallies;
};

// Reads one pass's frames into `into`; false when the pass stopped before the end.
// A pass that died of an exception is complete: its remaining units are failed rows,
// as in the other executors.
bool absorb(const Task& task, std::size_t c, bool collective, const std::string& frames, CaseRecords& into) {
  std::string ident, skeleton;
  int current = -1, next = 0;
  bool complete = false;
  std::size_t pos = 0;
  while (pos + sizeof(MsgHeader) <= frames.size()) {
    MsgHeader h;
    std::memcpy(&h, frames.data() + pos, sizeof h);
    std::string payload = frames.substr(pos + sizeof h, h.length);
    pos += sizeof h + h.length;
    switch (h.type) {
      case kIdent: ident = std::move(payload); break;
      case kBegin:
        current = h.unit;
        skeleton = std::move(payload);
        break;
      case kRow:
        into.rows[h.unit] = std::move(payload);
        current = -1;
        next = h.unit + 1;
        break;
      case kTally:
        ++into.tallies[payload];
        next = h.unit + 1;
        break;
      case kDone: complete = true; break;
      case kError:
        for (int u = current >= 0 ? current : next; u < task.unit_count(c); ++u)
          if (task.collective(c, u) == collective)
            into.rows[u] = task.failed_record(c, u, current >= 0 ? skeleton : ident, "exception: " + payload);
        complete = true;
        break;
      default: break;
    }
  }
  return complete;
}

// ---------------------------------------------------------------- rank 0

// Rank 0's computing thread: runs the independent units of one case at a time. It
// never calls MPI (MPI_THREAD_FUNNELED).
class LocalWorker {
 public:
  LocalWorker(const Task& task, std::function<bool()> stop)
      : task_(task), stop_(std::move(stop)), thread_([this] { loop(); }) {}
  ~LocalWorker() {
    {
      std::lock_guard lock(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  LocalWorker(const LocalWorker&) = delete;
  LocalWorker& operator=(const LocalWorker&) = delete;

  bool busy() const { return busy_; }
  void start(std::size_t c) {
    busy_ = true;
    {
      std::lock_guard lock(mu_);
      job_ = c;
    }
    cv_.notify_all();
  }
  // The finished case and its frames, if any; waits at most `d` for one.
  std::optional<std::pair<std::size_t, std::string>> take(std::chrono::microseconds d) {
    std::unique_lock lock(mu_);
    if (d.count() > 0) done_.wait_for(lock, d, [&] { return result_.has_value(); });
    if (!result_) return std::nullopt;
    auto r = std::move(result_);
    result_.reset();
    busy_ = false;
    return r;
  }

 private:
  void loop() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return quit_ || job_.has_value(); });
      if (quit_) return;
      const std::size_t c = *job_;
      job_.reset();
      lock.unlock();
      std::string frames = run_pass(task_, c, false, stop_);
      lock.lock();
      result_.emplace(c, std::move(frames));
      done_.notify_all();
    }
  }

  const Task& task_;
  std::function<bool()> stop_;
  std::mutex mu_;
  std::condition_variable cv_, done_;
  std::optional<std::size_t> job_;
  std::optional<std::pair<std::size_t, std::string>> result_;
  bool quit_ = false;
  bool busy_ = false;  // the main thread's view: a case handed out and not yet taken back
  std::thread thread_;  // last: starts once everything above exists
};

class Root {
 public:
  Root(const Task& task, ResultsFile& out, const ExecOptions& opt) : task_(task), out_(out), opt_(opt) {}

  ExecStats run(const std::vector<std::size_t>& cases) {
    std::deque<std::size_t> independent;
    std::vector<std::size_t> collective;
    for (std::size_t c : cases) {
      if (has_units(task_, c, false)) independent.push_back(c);
      if (has_units(task_, c, true)) collective.push_back(c);
      if (!has_units(task_, c, false) && !has_units(task_, c, true)) out_.write_case(c, {}, {});  // no units
    }
    steps_total_ = independent.size() + collective.size();
    independent_pass(independent);
    if (!stats_.interrupted) collective_pass(collective);
    mpi::api().end_service();  // every other rank serves grid solves until now
    std::vector<std::string> left = incomplete_;
    for (const auto& [c, r] : pending_)
      for (const auto& [u, row] : r.rows) left.push_back(row);
    if (!left.empty()) out_.write_incomplete(left);
    return stats_;
  }

 private:
  bool interrupted() const { return stats_.interrupted || (opt_.interrupted && *opt_.interrupted); }

  void step_done(std::size_t c) {
    if (opt_.progress) opt_.progress(++steps_done_, steps_total_, c);
  }

  void write(std::size_t c) {
    CaseRecords& r = pending_[c];
    std::vector<std::string> records;
    for (auto& [u, row] : r.rows) records.push_back(std::move(row));
    out_.write_case(c, records, r.tallies);
    pending_.erase(c);
  }

  // A pass that stopped midway: the run is interrupted, the case stays incomplete.
  void stopped(std::size_t c) {
    stats_.interrupted = true;
    for (const auto& [u, row] : pending_[c].rows) incomplete_.push_back(row);
    pending_.erase(c);
  }

  void independent_done(std::size_t c, const std::string& frames) {
    if (!absorb(task_, c, false, frames, pending_[c])) return stopped(c);
    step_done(c);
    if (!has_units(task_, c, true)) write(c);
  }

  void independent_pass(std::deque<std::size_t>& queue) {
    const mpi::MpiApi& api = mpi::api();
    const int ranks = mpi::size();
    std::vector<std::optional<std::size_t>> remote(static_cast<std::size_t>(ranks));
    std::atomic<bool> stop_local{false};
    LocalWorker local(task_, [&] { return stop_local.load() || (opt_.interrupted && *opt_.interrupted); });
    bool interrupts_sent = false;
    auto pause = std::chrono::microseconds(10);
    std::string bytes;
    while (true) {
      if (interrupted()) {
        stats_.interrupted = true;
        stop_local = true;
        if (!interrupts_sent)
          for (int r = 1; r < ranks; ++r)
            if (remote[static_cast<std::size_t>(r)]) api.send(r, kTagOrder, bytes_of({kOrderInterrupt, 0, 0}));
        interrupts_sent = true;
      } else {
        for (int r = 1; r < ranks && !queue.empty(); ++r)
          if (!remote[static_cast<std::size_t>(r)]) {
            remote[static_cast<std::size_t>(r)] = queue.front();
            api.send(r, kTagOrder, bytes_of({kOrderRun, 0, queue.front()}));
            queue.pop_front();
          }
        if (!local.busy() && !queue.empty()) {
          local.start(queue.front());
          queue.pop_front();
        }
      }
      bool any_busy = local.busy();
      for (const auto& r : remote) any_busy = any_busy || r.has_value();
      if (!any_busy) break;
      bool got = false;
      while (api.probe(-1, kTagResult)) {
        const int r = api.recv(-1, kTagResult, &bytes);
        const std::size_t c = *remote[static_cast<std::size_t>(r)];
        remote[static_cast<std::size_t>(r)].reset();
        independent_done(c, bytes);
        got = true;
      }
      // Waiting on the local thread is also the pause between probes of the other ranks.
      if (auto done = local.take(got ? std::chrono::microseconds(0) : pause)) {
        independent_done(done->first, done->second);
        got = true;
      }
      pause = got ? std::chrono::microseconds(10) : std::min(pause * 2, std::chrono::microseconds(1000));
    }
    const std::uint32_t stop = stats_.interrupted ? 1 : 0;
    for (int r = 1; r < ranks; ++r) api.send(r, kTagOrder, bytes_of({kOrderNoMoreCases, stop, 0}));
  }

  void collective_pass(const std::vector<std::size_t>& cases) {
    mpi::CollectivePass pass;  // grid solvers may run now, here
    const std::function<bool()> stop = [&] { return opt_.interrupted && *opt_.interrupted; };
    for (std::size_t c : cases) {
      if (interrupted()) {
        stats_.interrupted = true;
        return;
      }
      if (!absorb(task_, c, true, run_pass(task_, c, true, stop), pending_[c])) return stopped(c);
      write(c);
      step_done(c);
    }
  }

  const Task& task_;
  ResultsFile& out_;
  const ExecOptions& opt_;
  ExecStats stats_;
  std::map<std::size_t, CaseRecords> pending_;  // cases not yet written
  std::vector<std::string> incomplete_;         // records of cases a stop cut short
  std::size_t steps_total_ = 0, steps_done_ = 0;
};

}  // namespace

MpiSession::MpiSession() : active_(mpi::active()) {
  if (!active_ || mpi::rank() != 0) return;
  collect();
  if (!handshake().failure.empty()) {
    decide(false);
    throw InputError("mpirun", handshake().failure);
  }
}

MpiSession::~MpiSession() {
  if (active_ && mpi::rank() == 0) decide(false);  // nothing when execute() said go
}

bool MpiSession::follower() const { return active_ && mpi::rank() != 0; }

int MpiSession::ranks() const { return active_ ? mpi::size() : 1; }

nlohmann::ordered_json MpiSession::context() const {
  if (!active_) return nullptr;
  const auto [P, Q] = mpi::default_grid(mpi::size());
  nlohmann::ordered_json j;
  j["ranks"] = mpi::size();
  j["library"] = mpi::api().library_version();
  j["module"] = mpi::module_path();
  j["module_built_with"] = mpi::api().built_with;
  j["thread_level"] = "MPI_THREAD_FUNNELED";
  j["default_grid"] = fmt::format("{}x{}", P, Q);
  j["processes"] = handshake().processes;
  j["passes"] = "independent solvers: cases from a work queue on every rank (rank 0 on a second thread); grid "
                "solvers: afterwards, case by case, with every rank";
  j["isolation"] = "none: a crash ends the MPI job (continue with --resume); no time limit per solver row";
  return j;
}

ExecStats MpiSession::execute(const Task& task, const std::vector<std::size_t>& cases, ResultsFile& out,
                              const ExecOptions& opt) {
  decide(true);
  mpi::Conversation talking;
  Root root(task, out, opt);
  return root.run(cases);
}

ExecStats MpiSession::follow(const Task& task, const std::atomic<bool>* interrupted) {
  report("");
  if (!await_decision()) throw InputError("mpirun", "rank 0 stopped the run before it began (it says why)");
  mpi::Conversation talking;
  const mpi::MpiApi& api = mpi::api();
  ExecStats st;
  std::string bytes;
  // Rank 0 sends another order while a case runs only to interrupt it.
  const std::function<bool()> stop = [&] { return (interrupted && *interrupted) || api.probe(0, kTagOrder); };
  while (true) {
    api.recv(0, kTagOrder, &bytes);
    OrderMsg o;
    if (bytes.size() != sizeof o) throw std::logic_error("mpirun: malformed order from rank 0");
    std::memcpy(&o, bytes.data(), sizeof o);
    if (o.order == kOrderRun)
      api.send(0, kTagResult, run_pass(task, static_cast<std::size_t>(o.case_index), false, stop));
    if (o.order == kOrderNoMoreCases) {
      st.interrupted = o.interrupted != 0;
      break;
    }
    // kOrderInterrupt after this rank's case already went back: nothing to stop.
  }
  api.serve();
  return st;
}

int mpi_guarded(const std::function<int()>& command) {
  if (!mpi::active()) return command();
  try {
    return command();
  } catch (const std::exception& e) {
    if (mpi::rank() == 0) {
      collect();
      decide(false);
    } else {
      report(e.what());
      await_decision();
    }
    throw;
  }
}

}  // namespace condbench::exec
