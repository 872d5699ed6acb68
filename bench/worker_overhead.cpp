// What a solver worker costs beyond the call it measures (issue 12's figures):
// - transfer_s per solve (the round trip minus the worker's own call) of numpy.solve through
//   workers/python_stack.py at n = 200 (goal <= 0.5 ms) and n = 2000 (goal <= 30 ms), f64 and f32;
// - numpy.solve's time_s at n = 1000 against the same call on the same matrix timed in a bare
//   Python loop (goal: within 5%), one BLAS thread in both, interleaved rounds.
// Prints figures and the load average; asserts nothing.
// Usage: worker_overhead [rounds]     (Debian's /usr/bin/python3 with python3-numpy)
#include "solvers/worker/client.hpp"

#include <cblas.h>
#include <fmt/format.h>

#include <armadillo>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using condbench::ProblemKind;
using condbench::SolveInput;
using condbench::worker::WorkerClient;

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? NAN : v[v.size() / 2];
}
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v.empty() ? NAN : v[static_cast<std::size_t>(q * (v.size() - 1))];
}

std::size_t index_of(const WorkerClient& c, const std::string& name) {
  for (std::size_t i = 0; i < c.hello().solvers.size(); ++i)
    if (c.hello().solvers[i].name == name) return i;
  throw std::runtime_error("no " + name);
}

template <class T>
void transfer(WorkerClient& c, arma::uword n, int reps) {
  arma::Mat<T> A = arma::conv_to<arma::Mat<T>>::from(arma::randn<arma::mat>(n, n) + n * arma::eye(n, n));
  arma::Col<T> b = arma::conv_to<arma::Col<T>>::from(arma::randn<arma::vec>(n));
  const std::size_t solver = index_of(c, "numpy.solve");
  std::vector<double> tr, call;
  for (int i = 0; i < reps + 1; ++i) {
    auto out = c.solve(solver, SolveInput<T>{A, b, ProblemKind::general});
    if (out.status != condbench::Status::ok) throw std::runtime_error(out.reason);
    if (i == 0) continue;  // the first one pays for page faults of fresh buffers
    tr.push_back(out.timing.transfer_s);
    call.push_back(out.timing.total_s());
  }
  const double mb = static_cast<double>((n * n + n) * sizeof(T)) / 1e6;
  fmt::print("numpy.solve {} n = {:5}: transfer_s median {:8.3f} ms (p10 {:.3f}, p90 {:.3f}) for {:.1f} MB out, "
             "{:.3f} MB back ({:.2f} GB/s); the call itself {:.3f} ms  [{} solves]\n",
             sizeof(T) == 8 ? "f64" : "f32", n, median(tr) * 1e3, quantile(tr, 0.1) * 1e3, quantile(tr, 0.9) * 1e3,
             mb, n * sizeof(T) / 1e6, mb / 1e3 / median(tr), median(call) * 1e3, reps);
}

// The same np.linalg.solve on the same matrix, in a plain Python loop (one BLAS thread).
std::vector<double> bare_loop(const fs::path& a, const fs::path& b, arma::uword n, int reps) {
  std::string script =
      "import time, numpy as np\n"
      "A = np.fromfile('" + a.string() + "').reshape((" + std::to_string(n) + ", " + std::to_string(n) +
      "), order='F')\n"
      "b = np.fromfile('" + b.string() + "')\n"
      "np.linalg.solve(A, b)\n"
      "for _ in range(" + std::to_string(reps) + "):\n"
      "    t0 = time.perf_counter(); np.linalg.solve(A, b); print(time.perf_counter() - t0)\n";
  fs::path py = fs::temp_directory_path() / "condbench_bare_loop.py";
  std::ofstream(py) << script;
  std::vector<double> t;
  FILE* p = popen(("OPENBLAS_NUM_THREADS=1 /usr/bin/python3 " + py.string()).c_str(), "r");
  std::array<char, 128> line;
  while (p && fgets(line.data(), line.size(), p)) t.push_back(std::atof(line.data()));
  if (p) pclose(p);
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 5;
  openblas_set_num_threads(1);  // the worker follows: condbench sends its count with each solve
  fmt::print("load average before: {}\n", load_average());
  condbench::worker::WorkerSpec spec;
  spec.name = "python_stack";
  spec.command = {"/usr/bin/python3", std::string(CONDBENCH_SOURCE_DIR) + "/workers/python_stack.py"};
  WorkerClient c(spec);

  arma::arma_rng::set_seed(1);
  transfer<double>(c, 200, 200);
  transfer<float>(c, 200, 200);
  transfer<double>(c, 2000, 20);
  transfer<float>(c, 2000, 20);

  const arma::uword n = 1000;
  arma::mat A = arma::randn<arma::mat>(n, n) + std::sqrt(double(n)) * arma::eye(n, n);
  arma::vec b = arma::randn<arma::vec>(n);
  const fs::path tmp = fs::temp_directory_path();
  const fs::path fa = tmp / "condbench_bare_A.bin", fb = tmp / "condbench_bare_b.bin";
  A.save(fa.string(), arma::raw_binary);
  b.save(fb.string(), arma::raw_binary);
  const std::size_t solver = index_of(c, "numpy.solve");
  std::vector<double> worker_t, bare_t;
  for (int r = 0; r < rounds; ++r) {  // interleaved: drift in the machine's load hits both alike
    for (int i = 0; i < 11; ++i) {
      auto out = c.solve(solver, SolveInput<double>{A, b, ProblemKind::general});
      if (i) worker_t.push_back(out.timing.total_s());
    }
    for (double t : bare_loop(fa, fb, n, 10)) bare_t.push_back(t);
  }
  fs::remove(fa);
  fs::remove(fb);
  double w = median(worker_t), bl = median(bare_t);
  fmt::print("numpy.solve f64 n = 1000, one BLAS thread: worker time_s median {:.3f} ms ({} solves), bare Python "
             "loop {:.3f} ms ({} calls): ratio {:.3f} (goal within 5%)\n",
             w * 1e3, worker_t.size(), bl * 1e3, bare_t.size(), w / bl);
  fmt::print("load average after: {}\n", load_average());
  return 0;
}
