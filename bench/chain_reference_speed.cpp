// Cost of the chain reference (studies/chains/reference.hpp) against the working-precision
// methods, for one chain: by default d = 256, L = 32, measured at depths 1, 2, 4, ..., L,
// Gaussian s = 1, f64. Prints wall and CPU seconds (the machine may be shared: the load
// average is printed beside them); asserts nothing.
// Usage: chain_reference_speed [d] [L] [route: graded|explicit]
#include "studies/chains/chain_problem.hpp"
#include "studies/chains/methods.hpp"
#include "studies/chains/reference.hpp"
#include "studies/generators/construct.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>

namespace cb = condbench::chains;

namespace {

struct Clock {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  std::clock_t cpu = std::clock();
  std::string since() const {
    const double w = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
    const double c = static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC;
    return fmt::format("{:7.2f} s wall {:7.2f} s CPU", w, c);
  }
};

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

}  // namespace

int main(int argc, char** argv) {
  const int d = argc > 1 ? std::atoi(argv[1]) : 256;
  const int L = argc > 2 ? std::atoi(argv[2]) : 32;
  cb::RefRoute route = cb::RefRoute::graded;
  if (argc > 3 && !cb::parse_ref_route(argv[3], route)) {
    fmt::print(stderr, "route must be graded or explicit\n");
    return 2;
  }
  condbench::SingleThreadedBlas one_thread;
  cb::ChainSpec spec;
  spec.width = d;
  for (int j = 1; j < L; j *= 2) spec.depths.push_back(j);
  spec.depths.push_back(L);
  fmt::print("chain reference, d = {}, L = {}, depths {}, route {}; load average {}\n", d, L,
             fmt::join(spec.depths, " "), cb::to_string(route), load_average());
  Clock t0;
  const cb::ChainProblem p = cb::generate_chain(spec, 1);
  const cb::StoredChain<double> c = cb::store_chain<double>(p);
  fmt::print("generate                      {}\n", t0.since());

  auto time_ref = [&](const char* what, cb::RefNeeds needs) {
    Clock t;
    const cb::ChainReference ref = cb::chain_reference(c, spec.depths, route, needs);
    std::string extra;
    for (const auto& [q, note] : ref.note)
      if (q == "log10_kappa" || q == "weight_kappa") extra = note;
    for (const auto& [q, why] : ref.failure)
      if (q == "log10_kappa") extra += " FAILED: " + why;
    fmt::print("reference: {:<19} {}  {}\n", what, t.since(), extra);
    return ref;
  };
  time_ref("vectors", {true, false, false});
  const cb::ChainReference spec_ref = time_ref("spectrum", {false, true, false});
  time_ref("weights", {false, false, true});
  if (route == cb::RefRoute::explicit_product) fmt::print("explicit route digits: {}\n", cb::explicit_route_digits(c));

  for (const char* m : {"chain.backprop", "chain.explicit_svd", "chain.qr_sweep", "chain.qr_jacobi", "chain.monitor"}) {
    Clock t;
    const auto ms = cb::run_method<double>(m, c, spec.depths);
    double err = 0;
    for (const auto& x : ms)
      if (x.quantity == "log10_kappa" && x.depth == L)
        err = std::abs(x.value - spec_ref.value(L, 0, "log10_kappa")) / spec_ref.value(L, 0, "log10_kappa");
    fmt::print("method: {:<22} {}{}\n", m, t.since(),
               err > 0 ? fmt::format("  relative error of log10 kappa at L: {:.1e}", err) : "");
  }
  fmt::print("log10 kappa at L (reference): {:.6f}; load average now {}\n", spec_ref.value(L, 0, "log10_kappa"),
             load_average());
  return 0;
}
