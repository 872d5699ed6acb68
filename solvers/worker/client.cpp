#include "solvers/worker/client.hpp"

#include <cblas.h>
#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace condbench::worker {
namespace {

using Clock = Process::Clock;
using namespace std::chrono_literals;

std::string quoted(const std::string& a) {
  if (!a.empty() && a.find_first_of(" \t\n'\"\\$`") == std::string::npos) return a;
  std::string s = "'";
  for (char c : a) s += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return s + "'";
}

iovec bytes(const void* p, std::size_t n) { return iovec{const_cast<void*>(p), n}; }

std::vector<std::string> names_of(const Hello& h) {
  std::vector<std::string> v;
  for (const auto& s : h.solvers) v.push_back(s.name);
  return v;
}

Clock::time_point after(Clock::time_point t, double seconds) {
  return t + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

std::string seconds_text(double s) { return fmt::format("{:g} s", s); }

// Reads a text body (an error message) of a length a worker sent, bounded.
std::string read_text(Process& p, std::uint64_t length, Clock::time_point deadline) {
  std::string text(static_cast<std::size_t>(std::min(length, kMaxJsonBytes)), '\0');
  if (p.read_exact(text.data(), text.size(), deadline) != Process::Io::ok) return text + " (cut short)";
  return text;
}

}  // namespace

std::string command_text(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) {
    if (!s.empty()) s += ' ';
    s += quoted(a);
  }
  return s;
}

WorkerClient::WorkerClient(WorkerSpec spec) : spec_(std::move(spec)) {
  if (spec_.command.empty()) throw WorkerStartError("the command is empty");
  if (!(spec_.time_limit_s > 0)) throw WorkerStartError("the time limit must be positive");
  proc_ = start(hello_);
}

WorkerClient::~WorkerClient() = default;  // Process's destructor says goodbye (end of file) and reaps

int WorkerClient::restarts() const { return restarts_; }

std::string WorkerClient::label() const { return fmt::format("worker '{}'", spec_.name); }

std::unique_ptr<Process> WorkerClient::start(Hello& hello) const {
  std::unique_ptr<Process> p;
  try {
    p = std::make_unique<Process>(spec_.command, spec_.env);
  } catch (const std::runtime_error& e) {
    throw WorkerStartError(e.what());
  }
  auto fail = [&](const std::string& what, std::chrono::milliseconds grace) {
    std::string how = p->terminate(grace);
    std::string err = p->stderr_tail(20, "\n    ");
    return WorkerStartError(fmt::format("{} ({}); {}", what, how,
                                        err.empty() ? "it wrote nothing to stderr" : "its stderr ends:\n    " + err));
  };
  const auto deadline = after(Clock::now(), spec_.time_limit_s);
  auto head = encode_frame_header(MessageType::hello, 4);
  const std::uint32_t version = kProtocolVersion;
  Process::Io io = p->write_all({bytes(head.data(), head.size()), bytes(&version, 4)}, deadline);
  if (io == Process::Io::timeout)
    throw fail(fmt::format("it did not read the hello within {}", seconds_text(spec_.time_limit_s)), 0ms);
  std::array<std::byte, kFrameHeaderSize> fh;
  if (io == Process::Io::ok) io = p->read_exact(fh.data(), fh.size(), deadline);
  if (io == Process::Io::closed) throw fail("it ended before answering the hello", 2000ms);
  if (io == Process::Io::timeout)
    throw fail(fmt::format("no answer to the hello within {}", seconds_text(spec_.time_limit_s)), 0ms);
  FrameHeader f;
  if (std::string e = decode_frame_header(fh, f); !e.empty()) throw fail("bad answer to the hello: " + e, 500ms);
  if (f.type == static_cast<std::uint32_t>(MessageType::error))
    throw fail("it refused: " + read_text(*p, f.length, deadline), 2000ms);
  if (f.type != static_cast<std::uint32_t>(MessageType::hello_reply))
    throw fail(fmt::format("it answered the hello with message type {} (expected 101)", f.type), 500ms);
  if (f.length > kMaxJsonBytes) throw fail(fmt::format("its hello reply claims {} bytes", f.length), 0ms);
  std::string text(static_cast<std::size_t>(f.length), '\0');
  io = p->read_exact(text.data(), text.size(), deadline);
  if (io != Process::Io::ok)
    throw fail(io == Process::Io::closed ? "it ended in the middle of its hello reply" : "its hello reply stalled",
               io == Process::Io::closed ? 2000ms : 0ms);
  try {
    hello = parse_hello(text);
  } catch (const std::runtime_error& e) {
    throw fail(e.what(), 500ms);
  }
  return p;
}

std::string WorkerClient::end_worker(std::chrono::milliseconds grace) {
  std::string how = proc_->terminate(grace);
  std::string err = proc_->stderr_tail(4, " | ");
  proc_.reset();
  return err.empty() ? how : how + "; stderr: " + err;
}

SolveOutcome<float> WorkerClient::solve(std::size_t index, const SolveInput<float>& in) {
  std::lock_guard lock(mu_);
  return solve_locked(index, in);
}

SolveOutcome<double> WorkerClient::solve(std::size_t index, const SolveInput<double>& in) {
  std::lock_guard lock(mu_);
  return solve_locked(index, in);
}

template <class T>
SolveOutcome<T> WorkerClient::solve_locked(std::size_t index, const SolveInput<T>& in) {
  using Outcome = SolveOutcome<T>;
  if (in.b.n_elem != in.A.n_rows)
    return Outcome::failure(fmt::format("b has {} entries but A has {} rows", in.b.n_elem, in.A.n_rows));
  // A forked copy of condbench holds the parent's pipes: not ours to use (Process's destructor
  // only closes our copies there). This process starts its own worker.
  if (proc_ && !proc_->started_here()) proc_.reset();
  if (!proc_) {
    try {
      Hello again;
      proc_ = start(again);
      ++restarts_;
      if (names_of(again) != names_of(hello_)) {
        end_worker(500ms);
        return Outcome::failure(label() + " offers other solvers after its restart than at its first start");
      }
    } catch (const WorkerStartError& e) {
      return Outcome::failure(label() + " could not be restarted: " + e.what());
    }
  }

  const auto t0 = Clock::now();
  const auto deadline = after(t0, spec_.time_limit_s);
  Timing wall_only;
  wall_only.transfer_in_time = false;
  auto fault = [&](Process::Io io) {
    wall_only.transfer_s = std::chrono::duration<double>(Clock::now() - t0).count();
    Outcome o = Outcome::failure(
        io == Process::Io::timeout
            ? fmt::format("timeout after {} ({} killed; a new one starts for the next solve)",
                          seconds_text(spec_.time_limit_s), label())
            : fmt::format("{} died during the solve: {}", label(), end_worker(2000ms)));
    if (io == Process::Io::timeout) end_worker(0ms);
    o.timing = wall_only;
    return o;
  };
  auto malformed = [&](const std::string& what, bool resync) {
    Outcome o = Outcome::failure(fmt::format("malformed answer from {}: {}", label(), what));
    if (resync) {
      end_worker(0ms);  // out of step: whatever it is doing now, it cannot be trusted
      o.reason += " (worker restarted for the next solve)";
    }
    wall_only.transfer_s = std::chrono::duration<double>(Clock::now() - t0).count();
    o.timing = wall_only;
    return o;
  };

  SolveHeader h;
  h.id = ++next_id_;
  h.solver_index = static_cast<std::uint32_t>(index);
  h.kind = kind_code(in.kind);
  h.element_size = sizeof(T);
  h.threads = static_cast<std::uint32_t>(std::max(0, openblas_get_num_threads()));
  h.m = in.A.n_rows;
  h.n = in.A.n_cols;
  const std::size_t a_bytes = in.A.n_elem * sizeof(T), b_bytes = in.b.n_elem * sizeof(T);
  auto frame = encode_frame_header(MessageType::solve, kSolveHeaderSize + a_bytes + b_bytes);
  auto sh = encode_solve_header(h);
  Process::Io io = proc_->write_all({bytes(frame.data(), frame.size()), bytes(sh.data(), sh.size()),
                                     bytes(in.A.memptr(), a_bytes), bytes(in.b.memptr(), b_bytes)},
                                    deadline);
  std::array<std::byte, kFrameHeaderSize> fh;
  if (io == Process::Io::ok) io = proc_->read_exact(fh.data(), fh.size(), deadline);
  if (io != Process::Io::ok) return fault(io);
  FrameHeader f;
  if (std::string e = decode_frame_header(fh, f); !e.empty()) return malformed(e, true);
  if (f.type == static_cast<std::uint32_t>(MessageType::error)) {
    std::string text = read_text(*proc_, f.length, deadline);
    end_worker(2000ms);
    Outcome o = Outcome::failure(fmt::format("{} gave up: {} (a worker exits after an error message; a new one "
                                             "starts for the next solve)",
                                             label(), text));
    wall_only.transfer_s = std::chrono::duration<double>(Clock::now() - t0).count();
    o.timing = wall_only;
    return o;
  }
  if (f.type != static_cast<std::uint32_t>(MessageType::result))
    return malformed(fmt::format("message type {} where a result (102) was due", f.type), true);
  if (f.length < kResultHeaderSize) return malformed(fmt::format("a result of {} bytes (at least 48)", f.length), true);
  std::array<std::byte, kResultHeaderSize> rb;
  if ((io = proc_->read_exact(rb.data(), rb.size(), deadline)) != Process::Io::ok) return fault(io);
  ResultHeader r = decode_result_header(rb);
  // The lengths must agree before anything more is read: a corrupt count must neither make
  // condbench wait for gigabytes nor allocate them.
  const std::uint64_t max_count = 2 * h.n + 1024;
  if (r.facts_length > kMaxJsonBytes || r.count > max_count || r.element_size > 16 ||
      f.length != kResultHeaderSize + r.facts_length + r.count * r.element_size)
    return malformed(fmt::format("result of {} bytes does not match its header (facts {} bytes, {} elements of {} "
                                 "bytes)",
                                 f.length, r.facts_length, r.count, r.element_size),
                     true);
  std::string facts_text(static_cast<std::size_t>(r.facts_length), '\0');
  std::vector<std::byte> x_bytes(static_cast<std::size_t>(r.count * r.element_size));
  if ((io = proc_->read_exact(facts_text.data(), facts_text.size(), deadline)) != Process::Io::ok ||
      (io = proc_->read_exact(x_bytes.data(), x_bytes.size(), deadline)) != Process::Io::ok)
    return fault(io);
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  if (r.id != h.id) return malformed(fmt::format("answer to request {} where {} was due", r.id, h.id), true);

  // From here the stream is in step: a bad answer is this solve's failure, the worker stays.
  if (r.status > 1) return malformed(fmt::format("status {} (0 ok, 1 failed)", r.status), false);
  for (auto [name, v] : {std::pair{"factor_s", r.factor_s}, std::pair{"solve_s", r.solve_s}})
    if (!std::isfinite(v) || v < 0) return malformed(fmt::format("{} = {} (seconds, >= 0)", name, v), false);
  Outcome out;
  std::string reason;
  try {
    out.facts = parse_facts(facts_text, reason);
  } catch (const std::runtime_error& e) {
    return malformed(e.what(), false);
  }
  out.timing.factor_s = r.factor_s;
  out.timing.solve_s = r.solve_s;
  out.timing.transfer_s = std::max(0.0, wall - r.factor_s - r.solve_s);
  out.timing.transfer_in_time = false;
  if (r.status == 1) {
    out.status = Status::failed;
    out.reason = reason.empty() ? label() + " reported a failure without a reason" : reason;
    return out;
  }
  if (r.element_size != sizeof(T))
    return malformed(fmt::format("x is {}, the problem {} (answers come in the working precision)",
                                 element_name(r.element_size), element_name(sizeof(T))),
                     false);
  if (r.count != h.n) return malformed(fmt::format("x has {} elements, expected {}", r.count, h.n), false);
  out.x.set_size(static_cast<arma::uword>(r.count));
  if (!x_bytes.empty()) std::memcpy(out.x.memptr(), x_bytes.data(), x_bytes.size());
  out.reason = reason;
  if (!out.x.is_finite()) {  // as SolverT says it for every solver
    out.status = Status::failed;
    out.reason = "non-finite result (NaN or Inf in x)";
  }
  return out;
}

}  // namespace condbench::worker
