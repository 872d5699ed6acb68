// cusolver_direct: cusolverDnXgetrf + cusolverDnXgetrs called directly and timed with CUDA
// events, beside condbench's own cusolver.* solvers on the same matrix, interleaved. It is
// the check that condbench's cusolver.lu timing is cuSOLVER's (within 2 %), and the large-n
// rate measurement (TFLOP/s against the card's peak) where a study's reference would cost
// too much. Built only with the CUDA toolkit; needs a GPU. Prints a table, and one JSON
// object per measurement with --json=FILE.
//
// Timed region, both sides: from before getrf to after getrs, device time between events;
// the matrix is copied in before the first event (direct: device-to-device from a pristine
// copy; condbench: host-to-device, its transfer_s). Medians over --reps after 2 warm-ups.
#include <cuda_runtime.h>
#include <cusolverDn.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <armadillo>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "solvers/cusolver/loader.hpp"
#include "solvers/flops.hpp"
#include "solvers/registry.hpp"
#include "studies/generators/generator.hpp"

namespace {

using condbench::Precision;

struct Options {
  std::vector<int> sizes{8192};
  Precision precision = Precision::f64;
  std::string matrix = "uniform";
  int reps = 10;
  std::vector<std::string> solvers{"cusolver.lu"};
  double peak_tflops = 67;  // H100/H200 FP64 tensor-core peak (datasheet); --peak-tflops for others
  std::string json;
};

constexpr const char* kHelp = R"(cusolver_direct: direct cusolverDnXgetrf + Xgetrs timing beside condbench's cusolver.* solvers.
  --sizes=8192[,16384,...]   n
  --precision=f64|f32
  --matrix=uniform|diagdom|randsvd
                             uniform: entries uniform in [-1, 1] (HPL's matrix; any n, generated in seconds)
                             diagdom: uniform plus n on the diagonal (kappa ~ 3: refinement converges)
                             randsvd: condbench's generator, kappa 1e3, seed 1 (condbench_bench's problem; O(n^3) on the CPU)
  --reps=10                  timed repetitions (median), after 2 warm-ups each
  --solvers=cusolver.lu,...  condbench solvers (or prefixes with *) timed on the same matrix; "none" for none
  --peak-tflops=67           the card's peak in the working precision, for % of peak
  --json=FILE                one JSON object per line and measurement
)";

[[noreturn]] void fail(const std::string& what) {
  fmt::print(stderr, "cusolver_direct: {}\n", what);
  std::exit(2);
}

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) fail(fmt::format("{}: {}", what, cudaGetErrorString(e)));
}
void check(cusolverStatus_t s, const char* what) {
  if (s != CUSOLVER_STATUS_SUCCESS) fail(fmt::format("{}: cuSOLVER status {}", what, static_cast<int>(s)));
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t c = s.find(',', start);
    if (std::string item = s.substr(start, c == std::string::npos ? c : c - start); !item.empty()) out.push_back(item);
    if (c == std::string::npos) break;
    start = c + 1;
  }
  return out;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&](const char* name) -> const char* {
      const std::size_t len = std::strlen(name);
      return a.compare(0, len, name) == 0 && a.size() > len && a[len] == '=' ? argv[i] + len + 1 : nullptr;
    };
    if (a == "--help" || a == "-h") {
      fmt::print("{}", kHelp);
      std::exit(0);
    } else if (const char* v = value("--sizes")) {
      o.sizes.clear();
      for (const std::string& s : split(v)) o.sizes.push_back(std::atoi(s.c_str()));
      if (o.sizes.empty() || *std::min_element(o.sizes.begin(), o.sizes.end()) <= 0) fail("--sizes: positive n");
    } else if (const char* v = value("--precision")) {
      if (!condbench::parse_precision(v, o.precision)) fail(std::string("--precision: ") + v);
    } else if (const char* v = value("--matrix")) {
      o.matrix = v;
      if (o.matrix != "uniform" && o.matrix != "diagdom" && o.matrix != "randsvd") fail("--matrix: " + o.matrix);
    } else if (const char* v = value("--reps")) {
      o.reps = std::max(1, std::atoi(v));
    } else if (const char* v = value("--solvers")) {
      o.solvers = std::string(v) == "none" ? std::vector<std::string>{} : split(v);
    } else if (const char* v = value("--peak-tflops")) {
      o.peak_tflops = std::atof(v);
    } else if (const char* v = value("--json")) {
      o.json = v;
    } else {
      fail("unknown argument " + a + " (see --help)");
    }
  }
  return o;
}

// The matrix, column-major, filled in parallel from per-column seeds (reproducible for any thread count).
template <class T>
arma::Mat<T> make_matrix(const std::string& kind, int n) {
  if (kind == "randsvd") {
    const condbench::Generator* g = condbench::GeneratorRegistry::instance().find("randsvd");
    const condbench::ParamMap params{{"kappa", 1e3}, {"kind", std::string("general")}};
    return arma::conv_to<arma::Mat<T>>::from(g->generate(params, n, n, 1).A);
  }
  arma::Mat<T> a(n, n);
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int j = static_cast<int>(t); j < n; j += static_cast<int>(threads)) {
        std::mt19937_64 rng(0x9e3779b97f4a7c15ull ^ static_cast<std::uint64_t>(j));
        std::uniform_real_distribution<T> u(T(-1), T(1));
        T* col = a.colptr(j);
        for (int i = 0; i < n; ++i) col[i] = u(rng);
        if (kind == "diagdom") col[j] += T(n);
      }
    });
  for (auto& th : pool) th.join();
  return a;
}

struct Sample {
  double factor_s, solve_s;
  double device_s() const { return factor_s + solve_s; }
};

Sample median(std::vector<Sample> v) {
  std::sort(v.begin(), v.end(), [](const Sample& a, const Sample& b) { return a.device_s() < b.device_s(); });
  return v[(v.size() - 1) / 2];
}

// Direct getrf + getrs on one stream, with the matrix kept pristine on the device.
template <class T>
class Direct {
 public:
  Direct(const arma::Mat<T>& A, const arma::Col<T>& b) : n_(A.n_rows) {
    const cudaDataType t = sizeof(T) == 4 ? CUDA_R_32F : CUDA_R_64F;
    type_ = t;
    check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
    check(cusolverDnCreate(&handle_), "cusolverDnCreate");
    check(cusolverDnSetStream(handle_, stream_), "cusolverDnSetStream");
    check(cusolverDnCreateParams(&params_), "cusolverDnCreateParams");
    const std::size_t bytes = std::size_t(n_) * n_ * sizeof(T);
    check(cudaMalloc(&a0_, bytes), "cudaMalloc A0");
    check(cudaMalloc(&a_, bytes), "cudaMalloc A");
    check(cudaMalloc(&b0_, n_ * sizeof(T)), "cudaMalloc b0");
    check(cudaMalloc(&b_, n_ * sizeof(T)), "cudaMalloc b");
    check(cudaMalloc(&ipiv_, n_ * sizeof(std::int64_t)), "cudaMalloc ipiv");
    check(cudaMalloc(&info_, sizeof(int)), "cudaMalloc info");
    check(cudaMemcpy(a0_, A.memptr(), bytes, cudaMemcpyHostToDevice), "copy A");
    check(cudaMemcpy(b0_, b.memptr(), n_ * sizeof(T), cudaMemcpyHostToDevice), "copy b");
    check(cusolverDnXgetrf_bufferSize(handle_, params_, n_, n_, t, a_, n_, t, &dev_, &host_), "getrf_bufferSize");
    check(cudaMalloc(&work_, std::max<std::size_t>(dev_, 1)), "cudaMalloc work");
    hwork_.resize(host_ + 1);
    for (auto& e : ev_) check(cudaEventCreate(&e), "cudaEventCreate");
  }

  Sample run() {
    const std::size_t bytes = std::size_t(n_) * n_ * sizeof(T);
    check(cudaMemcpyAsync(a_, a0_, bytes, cudaMemcpyDeviceToDevice, stream_), "restore A");
    check(cudaMemcpyAsync(b_, b0_, n_ * sizeof(T), cudaMemcpyDeviceToDevice, stream_), "restore b");
    check(cudaEventRecord(ev_[0], stream_), "event");
    check(cusolverDnXgetrf(handle_, params_, n_, n_, type_, a_, n_, static_cast<std::int64_t*>(ipiv_), type_, work_,
                           dev_, hwork_.data(), host_, static_cast<int*>(info_)),
          "cusolverDnXgetrf");
    check(cudaEventRecord(ev_[1], stream_), "event");
    check(cusolverDnXgetrs(handle_, params_, CUBLAS_OP_N, n_, 1, type_, a_, n_, static_cast<std::int64_t*>(ipiv_),
                           type_, b_, n_, static_cast<int*>(info_)),
          "cusolverDnXgetrs");
    check(cudaEventRecord(ev_[2], stream_), "event");
    check(cudaEventSynchronize(ev_[2]), "sync");
    int info = 0;
    check(cudaMemcpy(&info, info_, sizeof info, cudaMemcpyDeviceToHost), "copy info");
    if (info != 0) fail(fmt::format("getrf/getrs devInfo = {}", info));
    float f = 0, s = 0;
    check(cudaEventElapsedTime(&f, ev_[0], ev_[1]), "elapsed");
    check(cudaEventElapsedTime(&s, ev_[1], ev_[2]), "elapsed");
    return {f * 1e-3, s * 1e-3};
  }

  ~Direct() {
    for (auto& e : ev_) cudaEventDestroy(e);
    for (void* p : {a0_, a_, b0_, b_, ipiv_, info_, work_}) cudaFree(p);
    cusolverDnDestroyParams(params_);
    cusolverDnDestroy(handle_);
    cudaStreamDestroy(stream_);
  }

 private:
  std::int64_t n_;
  cudaDataType type_{};
  cudaStream_t stream_ = nullptr;
  cusolverDnHandle_t handle_ = nullptr;
  cusolverDnParams_t params_ = nullptr;
  void *a0_ = nullptr, *a_ = nullptr, *b0_ = nullptr, *b_ = nullptr, *ipiv_ = nullptr, *info_ = nullptr,
       *work_ = nullptr;
  std::size_t dev_ = 0, host_ = 0;
  std::vector<char> hwork_;
  cudaEvent_t ev_[3] = {};
};

template <class T>
void measure(const Options& o, int n, const std::vector<const condbench::Solver*>& solvers, std::ofstream* json) {
  const double t0 = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  const arma::Mat<T> A = make_matrix<T>(o.matrix, n);
  const arma::Col<T> b = A * arma::Col<T>(n, arma::fill::ones);
  const double gen_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count() - t0;
  Direct<T> direct(A, b);
  const condbench::SolveInput<T> in{A, b, condbench::ProblemKind::general};
  std::vector<Sample> direct_t;
  std::vector<std::vector<Sample>> solver_t(solvers.size());
  std::vector<condbench::SolverFacts> facts(solvers.size());
  for (int r = 0; r < o.reps + 2; ++r) {  // interleaved: drift and clocks hit every side alike
    const Sample d = direct.run();
    if (r >= 2) direct_t.push_back(d);
    for (std::size_t i = 0; i < solvers.size(); ++i) {
      const condbench::SolveOutcome<T> out = solvers[i]->solve(in);
      if (out.status != condbench::Status::ok) fail(solvers[i]->info().name + ": " + out.reason);
      if (r >= 2) solver_t[i].push_back({out.timing.factor_s, out.timing.solve_s});
      facts[i] = out.facts;
    }
  }
  const double flops = condbench::flops("cusolver.lu", n, n);
  const Sample dm = median(direct_t);
  const auto row = [&](const std::string& who, const Sample& s, const condbench::SolverFacts* f) {
    const double tflops = flops / s.device_s() * 1e-12;
    nlohmann::ordered_json j;
    j["n"] = n;
    j["precision"] = condbench::to_string(o.precision);
    j["matrix"] = o.matrix;
    j["who"] = who;
    j["factor_s"] = s.factor_s;
    j["solve_s"] = s.solve_s;
    j["device_s"] = s.device_s();
    j["tflops_lu_model"] = tflops;
    j["pct_of_peak"] = 100 * tflops / o.peak_tflops;
    j["vs_direct"] = s.device_s() / dm.device_s();
    j["reps"] = o.reps;
    if (f) j["facts"] = f->extra;
    if (f) j["note"] = f->note;
    fmt::print("{:>6} {:<30} {:>11.6f} {:>11.6f} {:>11.6f} {:>9.2f} {:>7.1f}% {:>9.4f}  {}\n", n, who, s.factor_s,
               s.solve_s, s.device_s(), tflops, j["pct_of_peak"].get<double>(), j["vs_direct"].get<double>(),
               f ? f->note : "");
    if (json) *json << j.dump() << "\n";
  };
  fmt::print("# n = {}, {} {} matrix (generated in {:.1f} s), median of {} after 2 warm-ups\n", n,
             condbench::to_string(o.precision), o.matrix, gen_s, o.reps);
  fmt::print("{:>6} {:<30} {:>11} {:>11} {:>11} {:>9} {:>8} {:>9}  {}\n", "n", "who", "factor_s", "solve_s",
             "device_s", "TFLOP/s", "of peak", "/direct", "note");
  row("direct Xgetrf+Xgetrs", dm, nullptr);
  for (std::size_t i = 0; i < solvers.size(); ++i) row(solvers[i]->info().name, median(solver_t[i]), &facts[i]);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  if (const std::string why = condbench::cusolver::unavailable_reason(); !why.empty()) fail("needs a GPU: " + why);
  std::vector<const condbench::Solver*> solvers;
  for (const std::string& pat : o.solvers)
    for (const condbench::Solver* s : condbench::SolverRegistry::instance().match(pat)) {
      if (std::string why = s->why_not(condbench::ProblemKind::general, o.precision); !why.empty()) {
        fmt::print(stderr, "skip {}\n", why);
        continue;
      }
      solvers.push_back(s);
    }
  std::ofstream json;
  if (!o.json.empty()) {
    json.open(o.json);
    if (!json) fail("cannot write " + o.json);
  }
  fmt::print("# TFLOP/s from the LU flop model (2/3 n^3 + ...) for every row, IRS included: its speed-up over LU; "
             "peak {} TFLOP/s\n",
             o.peak_tflops);
  for (int n : o.sizes) {
    if (o.precision == Precision::f64)
      measure<double>(o, n, solvers, json.is_open() ? &json : nullptr);
    else
      measure<float>(o, n, solvers, json.is_open() ? &json : nullptr);
  }
  return 0;
}
