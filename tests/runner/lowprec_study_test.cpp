// Refinement solvers inside a study: generated randsvd problems, the harness's own reference and metrics.
// ir.lu:uf=f32:ur=f64:steps=30 at f64 rows is LAPACK dsgesv's method (S,D,D) with dsgesv's 30 steps: the two
// stop converging at the same kappa (within a decade) and give the same accuracy where both converge: both
// backward stable (forward error within 10 n kappa u), and no systematic difference (the median ratio of their
// forward errors within a decade; one case alone may differ more, since at fixed precision the error is the
// residual's rounding amplified by up to kappa). A malformed solver name in a study file is an input error naming
// file and line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <vector>

#include "studies/runner/input_error.hpp"
#include "studies/runner/runner.hpp"
#include "studies/runner/study.hpp"

namespace fs = std::filesystem;
using namespace condbench;

namespace {

const char* kSdd = R"([study]
name = "sdd"
seeds = [1, 2]
precisions = ["f64"]
solvers = ["ir.lu:uf=f32:ur=f64:steps=30", "lapack.dsgesv"]

[[problem]]
generator = "randsvd"
n = 60
kind = "general"
mode = ["one_small", "geometric"]
kappa = { from = 1e4, to = 1e11, per_decade = 2 }
)";

bool dsgesv_converged(const ResultRow& r) { return r.status == "ok" && !r.fallback && r.iterations >= 0; }

TEST(LowPrecisionStudy, IrLuSddAndDsgesvStopConvergingAtTheSameKappaWithTheSameAccuracy) {
  const fs::path dir = fs::temp_directory_path() / ("condbench_lowprec_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  RunOptions o;
  o.out_dir = dir.string();
  o.progress = false;
  const RunResult run = run_study(parse_study(kSdd, "sdd.toml"), o);
  fs::remove_all(dir);

  // (problem, seed) -> kappa_nominal -> {ir row, dsgesv row}
  std::map<std::pair<std::string, std::uint64_t>, std::map<double, std::pair<const ResultRow*, const ResultRow*>>>
      sweeps;
  for (const ResultRow& r : run.rows) {
    auto& cell = sweeps[{r.problem, r.seed}][r.kappa_nominal];
    (r.solver == "lapack.dsgesv" ? cell.second : cell.first) = &r;
  }
  ASSERT_EQ(sweeps.size(), 4u);
  const double u = 0x1p-53;
  std::vector<double> log_ratios;
  for (const auto& [key, levels] : sweeps) {
    SCOPED_TRACE(key.first + " seed " + std::to_string(key.second));
    // The largest kappa of the contiguous region (from the smallest kappa) where each converged.
    double top_ir = 0, top_ds = 0;
    bool ir_on = true, ds_on = true;
    for (const auto& [kappa, rows] : levels) {
      ASSERT_TRUE(rows.first && rows.second);
      ir_on = ir_on && rows.first->status == "ok";
      ds_on = ds_on && dsgesv_converged(*rows.second);
      if (ir_on) top_ir = kappa;
      if (ds_on) top_ds = kappa;
      if (rows.first->status == "ok" && dsgesv_converged(*rows.second)) {
        const double a = rows.first->forward_error, b = rows.second->forward_error, k = rows.first->kappa;
        // Backward stable, like every solver of the runner's tests: within 10 n kappa u.
        EXPECT_LE(a, 10 * 60 * k * u) << "kappa " << kappa;
        EXPECT_LE(b, 10 * 60 * k * u) << "kappa " << kappa;
        log_ratios.push_back(std::log10(std::max(a, u) / std::max(b, u)));
      }
    }
    // Both converge at 1e4 and both stop before 1e11 (kappa u_f32 ~ 6e3 there), within a decade of each other.
    EXPECT_GE(top_ir, 1e4);
    EXPECT_GE(top_ds, 1e4);
    EXPECT_LT(top_ir, 1e11);
    EXPECT_LT(top_ds, 1e11);
    EXPECT_LE(std::abs(std::log10(top_ir / top_ds)), 1.0) << "ir.lu " << top_ir << ", dsgesv " << top_ds;
  }
  ASSERT_GE(log_ratios.size(), 20u);
  std::nth_element(log_ratios.begin(), log_ratios.begin() + log_ratios.size() / 2, log_ratios.end());
  EXPECT_LE(std::abs(log_ratios[log_ratios.size() / 2]), 1.0);
}

TEST(LowPrecisionStudy, AMalformedRefinementNameIsAnInputErrorWithFileAndLine) {
  const std::string text = std::string(kSdd).replace(std::string(kSdd).find("ir.lu:uf=f32"), 12, "ir.lu:uf=fp8");
  try {
    parse_study(text, "bad.toml");
    FAIL() << "accepted";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("bad.toml:5"), std::string::npos) << m;
    EXPECT_NE(m.find("uf=fp8: expected fp16, bf16, tf32, f32 or f64"), std::string::npos) << m;
  }
}

}  // namespace
