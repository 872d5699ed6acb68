// What the harness itself costs per stored problem: the reference solution and kappa
// (studies/reference/engine.hpp, one shared float64 LU) against LAPACK dgetrf + dgetrs on
// the same matrix, for n x kappa (randsvd, geometric spectrum, Haar factors, float64).
// Each case runs in a fresh process (this program re-executed with --one) so that its
// peak memory is its own: VmHWM of /proc/self/status, reset through /proc/self/clear_refs
// once the matrix exists, minus the resident size at that moment. The times are those of a
// second engine on the same matrix (warm heap, as in a study after its first case); the
// first one's, with the page faults of fresh memory, are in cold/LU and the JSON.
//
//   harness_cost [--sizes 500,1000,2000,4000] [--kappas 1e2,1e10,1e15] [--json]
//
// A table on stdout (or one JSON document with --json); progress and the load average on
// stderr. Prints figures, asserts nothing; time it on an idle machine.
#include "studies/generators/generator.hpp"
#include "studies/reference/engine.hpp"
#include "studies/reference/lapack.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <armadillo>
#include <malloc.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace condbench;
using json = nlohmann::ordered_json;

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// A field of /proc/self/status in bytes ("VmRSS", "VmHWM").
double status_bytes(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) * 1024;
  return -1;
}

// Resets VmHWM to the current resident size (Linux >= 4.0); false where not allowed.
bool reset_peak() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  return static_cast<bool>(out.flush());
}

double lu_seconds(const arma::mat& A, const arma::vec& b) {
  double best = 1e300;
  for (int rep = 0; rep < 3; ++rep) {  // the first call also wakes OpenBLAS's threads
    arma::mat lu = A;
    arma::vec x = b;
    std::vector<int> piv(A.n_rows);
    const int n = static_cast<int>(A.n_rows), one = 1;
    int info = 0;
    const double t0 = now();
    dgetrf_(&n, &n, lu.memptr(), &n, piv.data(), &info);
    dgetrs_("N", &n, &one, lu.memptr(), &n, piv.data(), x.memptr(), &n, &info, 1);
    best = std::min(best, now() - t0);
  }
  return best;
}

std::string first_words(const std::string& s, char stop) { return s.substr(0, s.find(stop)); }

// One case, in this process: one JSON line on stdout.
int one_case(int n, double kappa) {
  // Large blocks always mmapped, so that a freed matrix leaves the resident set at once
  // (glibc's adaptive threshold would keep it in the heap and hide the next one's peak).
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  const Generator* g = GeneratorRegistry::instance().find("randsvd");
  const Problem p = g->generate({{"kappa", kappa}}, n, n, 1);
  const double lu = lu_seconds(p.A, p.b);
  malloc_trim(0);
  // From here large blocks come from the heap and stay there once freed: the first engine
  // pays the page faults of fresh memory (cold, as the first case of a run), a second one
  // on the same matrix reuses it (warm, as every later case of a run whose matrices fit
  // glibc's heap). The LU above is timed warm too (best of 3, its copy made untimed).
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  const bool peak_reset = reset_peak();
  const double rss0 = status_bytes("VmRSS");
  auto run_engine = [&](ref::KappaResult& k, ref::ReferenceSolution& r) {
    ref::ReferenceEngine engine(p.A, p.kind);
    k = engine.kappa();
    r = engine.reference(p.b, 1e-6 * 0x1p-53);
  };
  ref::KappaResult k;
  ref::ReferenceSolution r;
  run_engine(k, r);
  const double peak = status_bytes("VmHWM") - rss0;
  const double ref_cold = r.seconds, kappa_cold = k.seconds;
  // The warm repeat only where it costs little (past kappa ~ 1e13 the faults are noise).
  const bool warm = ref_cold + kappa_cold < 2.0;
  if (warm) run_engine(k, r);
  json j;
  j["n"] = n;
  j["kappa_nominal"] = kappa;
  j["kappa"] = k.kappa;
  j["kappa_certified"] = k.certified;
  j["lu_s"] = lu;
  j["reference_s"] = r.seconds;
  j["kappa_s"] = k.seconds;
  j["reference_over_lu"] = r.seconds / lu;
  j["kappa_over_lu"] = k.seconds / lu;
  j["both_over_lu"] = (r.seconds + k.seconds) / lu;
  j["warm"] = warm;  // reference_s and kappa_s from a second engine (else: the first, cold)
  j["reference_cold_s"] = ref_cold;
  j["kappa_cold_s"] = kappa_cold;
  j["both_cold_over_lu"] = (ref_cold + kappa_cold) / lu;
  j["ref_steps"] = r.iterations;
  j["ref_gmres_products"] = r.gmres_iterations;
  j["ref_error"] = r.ref_error;
  j["ref_converged"] = r.converged;
  j["ref_method"] = first_words(r.method, ':');
  j["kappa_products"] = k.products;
  j["kappa_solves"] = k.refined_solves ? "refined" : "f64 LU";
  j["kappa_method"] = k.method;
  j["peak_bytes"] = peak_reset ? peak : -1;
  j["peak_over_matrix"] = peak_reset ? peak / (8.0 * n * n) : -1;
  fmt::print("{}\n", j.dump());
  return 0;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

json run_child(const std::string& self, int n, double kappa) {
  const std::string cmd = fmt::format("'{}' --one {} {:g}", self, n, kappa);
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return json{{"n", n}, {"kappa_nominal", kappa}, {"error", "cannot start " + cmd}};
  std::string out;
  std::array<char, 4096> buf;
  while (fgets(buf.data(), buf.size(), pipe)) out += buf.data();
  const int status = pclose(pipe);
  try {
    if (status == 0) return json::parse(out);
  } catch (const json::exception&) {
  }
  return json{{"n", n}, {"kappa_nominal", kappa}, {"error", fmt::format("child failed (status {}): {}", status, out)}};
}

void print_table(const json& cases) {
  fmt::print("{:>5} {:>7} {:>10} {:>4} {:>8} {:>8} {:>8} {:>7} {:>7} {:>7} {:>8} {:>9} {:>5} {:>7} {:>8} {:>7}\n",
             "n", "kappa", "measured", "cert", "LU s", "ref s", "kappa s", "ref/LU", "kap/LU", "sum/LU", "cold/LU", "ref",
             "steps", "kap.prd", "solves", "mem/A");
  for (const json& c : cases) {
    if (c.contains("error")) {
      fmt::print("{:>5} {:>7.0e}  {}\n", c["n"].get<int>(), c["kappa_nominal"].get<double>(),
                 c["error"].get<std::string>());
      continue;
    }
    fmt::print("{:>5} {:>7.0e} {:>10.3e} {:>4} {:>8.4f} {:>8.4f} {:>8.4f} {:>7.2f} {:>7.2f} {:>7.2f} {:>8} {:>9} {:>5} "
               "{:>7} {:>8} {:>7.2f}\n",
               c["n"].get<int>(), c["kappa_nominal"].get<double>(), c["kappa"].get<double>(),
               c["kappa_certified"].get<bool>() ? "yes" : "NO", c["lu_s"].get<double>(), c["reference_s"].get<double>(),
               c["kappa_s"].get<double>(), c["reference_over_lu"].get<double>(), c["kappa_over_lu"].get<double>(),
               c["both_over_lu"].get<double>(),
               c["warm"].get<bool>() ? fmt::format("{:.2f}", c["both_cold_over_lu"].get<double>()) : "(same)",
               c["ref_method"].get<std::string>(),
               fmt::format("{}+{}", c["ref_steps"].get<int>(), c["ref_gmres_products"].get<int>()),
               c["kappa_products"].get<int>(), c["kappa_solves"].get<std::string>(),
               c["peak_over_matrix"].get<double>());
  }
  fmt::print("ref, kappa: a second engine on the same matrix in the same process (warm heap, as every case of a run "
             "after the first); cold/LU: the first one's sum, with the page faults of fresh memory (not repeated past 2 s)\n"
             "ref steps: refinement steps + GMRES products; kap.prd: Lanczos products; mem/A: peak resident memory of "
             "reference + kappa (the first engine) over the matrix's 8 n^2 bytes\n");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("harness_cost: the reference's and kappa's cost against LU, n x kappa, one process per case");
  std::vector<int> sizes{500, 1000, 2000, 4000};
  std::vector<double> kappas{1e2, 1e10, 1e15};
  std::vector<double> one;
  bool as_json = false;
  app.add_option("--sizes", sizes, "matrix sizes n")->delimiter(',');
  app.add_option("--kappas", kappas, "nominal condition numbers")->delimiter(',');
  app.add_flag("--json", as_json, "one JSON document on stdout instead of the table");
  app.add_option("--one", one, "(internal) run one case N KAPPA in this process")->expected(2);
  CLI11_PARSE(app, argc, argv);
  if (!one.empty()) return one_case(static_cast<int>(one[0]), one[1]);

  json doc;
  doc["load_average_start"] = load_average();
  fmt::print(stderr, "harness_cost: load average {} (1, 5, 15 min)\n", doc["load_average_start"].get<std::string>());
  json cases = json::array();
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  for (int n : sizes)
    for (double k : kappas) {
      fmt::print(stderr, "  n {} kappa {:g} ...\n", n, k);
      cases.push_back(run_child(self, n, k));
    }
  doc["load_average_end"] = load_average();
  doc["cases"] = cases;
  fmt::print(stderr, "harness_cost: load average {} at the end\n", doc["load_average_end"].get<std::string>());
  if (as_json)
    fmt::print("{}\n", doc.dump(2));
  else
    print_table(cases);
  return 0;
}
