// The lecture studies, run through the executable at a small size (the shipped study text
// with smaller sizes and one seed), and the lectures' effects checked in results.csv with
// tolerances from n, u and the measured kappa.
#include "tests/support/run_binary.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr double u64 = 0x1p-53, u32 = 0x1p-24;

using Row = std::map<std::string, std::string>;

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> f;
  std::string cur;
  bool q = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (q) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        q = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      q = true;
    } else if (c == ',') {
      f.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  f.push_back(cur);
  return f;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the shipped study `name` with the replacements applied; returns its rows.
std::vector<Row> run_study(const std::string& name, const std::vector<std::pair<std::string, std::string>>& edits) {
  std::string text = slurp(fs::path(CONDBENCH_SOURCE_DIR) / "studies" / (name + ".toml"));
  for (const auto& [from, to] : edits) text = std::regex_replace(text, std::regex(from), to);
  const fs::path dir = fs::temp_directory_path() / ("condbench_lecture_" + name + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path study = dir / "study.toml", out = dir / "out";
  std::ofstream(study) << text;
  const auto result = condbench::test::run_condbench("run " + study.string() + " --out " + out.string());
  EXPECT_EQ(result.code, 0) << result.out;
  std::ifstream csv(out / "results.csv");
  std::string line;
  std::vector<Row> rows;
  std::getline(csv, line);
  const auto header = split_csv_line(line);
  while (std::getline(csv, line)) {
    const auto f = split_csv_line(line);
    Row r;
    for (std::size_t i = 0; i < header.size() && i < f.size(); ++i) r[header[i]] = f[i];
    rows.push_back(r);
  }
  EXPECT_FALSE(rows.empty()) << log;
  fs::remove_all(dir);
  return rows;
}

double num(const Row& r, const std::string& k) { return std::stod(r.at(k)); }
bool has(const Row& r, const std::string& k, const std::string& sub) { return r.at(k).find(sub) != std::string::npos; }

const Row& find(const std::vector<Row>& rows, const std::string& solver, const std::string& prec,
                const std::string& case_part = "") {
  for (const Row& r : rows)
    if (r.at("solver") == solver && r.at("precision") == prec && has(r, "case_id", case_part)) return r;
  throw std::runtime_error("no row for " + solver + " " + prec + " " + case_part);
}

TEST(LectureStudies, HousePricesNormalEquationsLoseToQr) {
  const auto rows = run_study("lecture_house_prices", {{"seeds = \\[1, 2, 3\\]", "seeds = [1]"}, {"n = 4", "n = 4\nm = 2000"}});
  const double n = 4;
  for (const char* prec : {"f32", "f64"}) {
    const double u = std::string(prec) == "f32" ? u32 : u64;
    const Row& lu = find(rows, "normal.lu", prec);
    const Row& qr = find(rows, "lapack.qr", prec);
    ASSERT_EQ(lu.at("status"), "ok");
    ASSERT_EQ(qr.at("status"), "ok");
    const double k = num(qr, "kappa");
    EXPECT_GT(k, 1e3);  // the near copy of size makes X ill-conditioned
    // QR: ~kappa*u; normal equations: ~kappa^2*u, and worse than QR
    EXPECT_LE(num(qr, "forward_error"), 10 * n * k * u) << prec;
    EXPECT_LE(num(lu, "forward_error"), 10 * n * k * k * u) << prec;
    EXPECT_GT(num(lu, "forward_error"), num(qr, "forward_error")) << prec;
  }
  // in float32 the normal equations' error is visible against the true weights too: QR's
  // weight error is the statistical floor (float64's), normal.lu's is above it
  const Row& qr32 = find(rows, "lapack.qr", "f32");
  const Row& qr64 = find(rows, "lapack.qr", "f64");
  const Row& lu32 = find(rows, "normal.lu", "f32");
  EXPECT_NEAR(num(qr32, "error_vs_true"), num(qr64, "error_vs_true"), 10 * n * num(qr32, "kappa") * u32);
  EXPECT_GT(num(lu32, "error_vs_true"), num(qr32, "error_vs_true"));
}

TEST(LectureStudies, TwoByTwoAmplificationIsKappa) {
  const auto rows = run_study("lecture_2x2", {{"seeds = \\[1, 2, 3\\]", "seeds = [1]"}});
  const double eps = 1e-6;
  int checked = 0;
  for (const Row& r : rows) {
    if (r.at("status") != "ok" || !has(r, "case_id", "perturb_direction=worst")) continue;
    const double k = num(r, "kappa"), u = r.at("precision") == "f32" ? u32 : u64;
    const double amp = num(r, "error_vs_true") / eps;
    // b = A*ones lies along u_max (ones is v_max up to O(delta^2) = 1e-8; margin 100x), so the
    // worst direction is amplified by kappa; the solver's own error and b's rounding (~kappa*u)
    // are u/eps relative to the perturbation's effect (~kappa*eps)
    const double tol = 1e-6 + 10 * u / eps;
    EXPECT_LE(amp, k * (1 + tol)) << r.at("solver") << " " << r.at("precision");
    if (r.at("precision") == "f64") {
      EXPECT_NEAR(amp, k, k * tol) << r.at("solver");
      ++checked;
    }
  }
  EXPECT_GE(checked, 3);
  const Row& plain = find(rows, "lapack.lu", "f64", "x=ones:2x2");
  EXPECT_NEAR(num(plain, "kappa"), 4e4, 4e4 * 1e-3);  // the lecture's "~40000" (4/delta to 0.1%)
  EXPECT_LE(num(plain, "error_vs_true"), 10 * num(plain, "kappa") * u64);
}

TEST(LectureStudies, CorrelatedFeaturesGramKappaIsSquaredAndRidgeShrinksIt) {
  const auto rows = run_study("lecture_correlated_features", {{"seeds = \\[1, 2, 3\\]", "seeds = [1]"}});
  const Row& g = find(rows, "lapack.cholesky", "f64", "ridge=0:");
  const Row& r = find(rows, "lapack.cholesky", "f64", "ridge=0.01");
  const Row& x = find(rows, "lapack.qr", "f64", "form=data");
  const double kg = num(g, "kappa"), kx = num(x, "kappa"), kr = num(r, "kappa");
  EXPECT_NEAR(kg, kx * kx, 100 * kg * kg * u64);  // kappa(X^T X) = kappa(X)^2
  // the ridge: measured kappa equals (s_max^2 + lambda)/(s_min^2 + lambda) (kappa_nominal)
  EXPECT_NEAR(kr, num(r, "kappa_nominal"), 100 * kr * kr * u64);
  EXPECT_LT(kr * 10, kg);
  // QR on X beats the normal equations on X in float32
  EXPECT_LT(num(find(rows, "lapack.qr", "f32", "form=data"), "forward_error"),
            num(find(rows, "normal.lu", "f32", "form=data"), "forward_error"));
}

TEST(LectureStudies, InverseIsNotBackwardStableButLuIs) {
  const auto rows = run_study("lecture_inverse_vs_solve", {{"seeds = \\[1, 2, 3\\]", "seeds = [1]"}, {"n = 100", "n = 30"}});
  const double n = 30;
  for (const Row& r : rows) {
    if (r.at("solver") != "lapack.lu" || r.at("status") != "ok") continue;
    const double u = r.at("precision") == "f32" ? u32 : u64;
    EXPECT_LE(num(r, "backward_error"), 10 * n * u) << r.at("case_id");
  }
  const Row& inv = find(rows, "lapack.inverse", "f64", "kappa=100000000000000");
  const Row& lu = find(rows, "lapack.lu", "f64", "kappa=100000000000000");
  EXPECT_GT(num(inv, "backward_error"), 10 * n * u64);  // grows like kappa*u
  EXPECT_GT(num(inv, "residual_norm"), 100 * num(lu, "residual_norm"));
  // forward errors of the same order: both within 10 n kappa u
  EXPECT_LE(num(inv, "forward_error"), 10 * n * num(inv, "kappa") * u64);
}

TEST(LectureStudies, CholeskyFailsOnRankDeficientCovarianceUntilJittered) {
  const auto rows = run_study("lecture_cholesky_jitter",
                              {{"seeds = \\[1, 2, 3\\]", "seeds = [1]"}, {"n = 10", "n = 6"}, {"samples = 200", "samples = 60"}});
  std::map<std::string, double> bias;
  for (const char* prec : {"f64", "f32"}) {
    const Row& bare = find(rows, "lapack.cholesky", prec, "jitter=0:preset=none:samples=60:zero_columns=1");
    EXPECT_EQ(bare.at("status"), "failed");
    EXPECT_NE(bare.at("reason").find("not SPD"), std::string::npos) << bare.at("reason");
    for (const char* j : {"1e-06", "1e-05", "0.0001"}) {
      const Row& r = find(rows, "lapack.cholesky", prec, std::string("jitter=") + j + ":preset=none:samples=60:zero");
      EXPECT_EQ(r.at("status"), "ok") << prec << " " << j << " " << r.at("reason");
      if (std::string(prec) == "f64") bias[j] = num(r, "error_vs_true");
    }
  }
  // the cost of the jitter: error against the un-jittered solution, linear in the jitter
  EXPECT_NEAR(bias["0.0001"] / bias["1e-06"], 100, 50);
  EXPECT_LT(bias["1e-06"], bias["1e-05"]);
}

TEST(LectureStudies, PerturbationBoundHoldsAndIsTightForOneSmall) {
  const auto rows = run_study("lecture_perturbation", {{"seeds = \\[1, 2\\]", "seeds = [1]"},
                                                       {"n = 50", "n = 20"},
                                                       {"to = 1e12", "to = 1e8"}});
  const double n = 20, eps = 1e-8;
  int tight = 0;
  std::map<std::string, double> worst;
  for (const Row& r : rows) {
    if (r.at("status") != "ok" || r.at("solver") != "lapack.lu") continue;
    const double k = num(r, "kappa"), amp = num(r, "error_vs_true") / eps;
    // the solver's own error (~n kappa u) relative to the perturbation's effect (~kappa eps)
    const double noise = 10 * n * u64 / eps;
    EXPECT_LE(amp, k * (1 + noise)) << r.at("case_id");
    const bool w = has(r, "case_id", "direction=worst");
    if (w && has(r, "case_id", "one_small")) {
      EXPECT_GE(amp, 0.5 * k) << r.at("case_id");
      ++tight;
    }
    std::string key = std::regex_replace(r.at("case_id"), std::regex(":perturb_direction=[a-z]+"), "");
    if (w)
      worst[key] = amp;
    else if (worst.count(key) && num(r, "kappa") >= 1e3)
      EXPECT_LT(amp, worst[key]) << r.at("case_id");
  }
  EXPECT_GE(tight, 7);  // kappa 1e2 .. 1e8
}

}  // namespace
