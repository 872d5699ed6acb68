// condbench export, and mtx studies through the executable.
#include "tests/support/run_binary.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "studies/generators/matrix_market.hpp"
#include "studies/reference/reference.hpp"
#include "studies/runner/runner.hpp"
#include "studies/runner/study.hpp"

#include <array>
#include <bit>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace condbench {
namespace {

using Result = test::CommandResult;
Result run(const std::string& args, const std::string& cwd = "") { return test::run_condbench(args, cwd); }


fs::path temp(const std::string& name) { return fs::temp_directory_path() / (name + std::to_string(::getpid())); }
std::string data(const std::string& name) { return std::string(CONDBENCH_SOURCE_DIR) + "/tests/data/mtx/" + name; }
std::string quote(const std::string& s) { return "'" + s + "'"; }

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool same_bits(const arma::mat& a, const arma::mat& b) {
  if (a.n_rows != b.n_rows || a.n_cols != b.n_cols) return false;
  for (arma::uword k = 0; k < a.n_elem; ++k)
    if (std::bit_cast<std::uint64_t>(a[k]) != std::bit_cast<std::uint64_t>(b[k])) return false;
  return true;
}

template <class T>
arma::mat stored(const arma::mat& A) {
  return arma::conv_to<arma::mat>::from(arma::conv_to<arma::Mat<T>>::from(A));
}

// Checks one exported folder against the problem regenerated in this process.
void check_export(const fs::path& dir, const Problem& p, const char* prec, const std::string& run_dir) {
  const bool f32 = std::string(prec) == "f32";
  const arma::mat A = f32 ? stored<float>(p.A) : stored<double>(p.A);
  const arma::mat b = f32 ? stored<float>(p.b) : stored<double>(p.b);
  EXPECT_TRUE(same_bits(mm::read_matrix_market((dir / "A.mtx").string()).A, A)) << dir;
  EXPECT_TRUE(same_bits(mm::read_matrix_market((dir / "b.mtx").string()).A, b)) << dir;
  if (!p.x_true.is_empty()) EXPECT_TRUE(same_bits(mm::read_matrix_market((dir / "x_true.mtx").string()).A, p.x_true));
  else EXPECT_FALSE(fs::exists(dir / "x_true.mtx"));

  // The reference: 40 significant digits, the solution of the stored problem.
  const std::string xtext = slurp(dir / "x_ref.mtx");
  EXPECT_NE(xtext.find("40 significant digits"), std::string::npos);
  std::smatch mt;
  ASSERT_TRUE(std::regex_search(xtext, mt, std::regex("\n(-?)([0-9])\\.([0-9]+)e")));
  EXPECT_EQ(mt[3].str().size(), 39u) << mt[0];
  const arma::mat xref = mm::read_matrix_market((dir / "x_ref.mtx").string()).A;
  const double u = f32 ? 0x1p-24 : 0x1p-53;
  const ref::KappaResult k = ref::measure_kappa(A, p.kind);
  const ref::ReferenceSolution r = ref::reference_solution(A, arma::vec(b), p.kind, 1e-6 * u, k.kappa);
  ASSERT_EQ(xref.n_elem, r.x.size());
  arma::vec x(r.x.size());
  for (std::size_t i = 0; i < r.x.size(); ++i) x[i] = r.x[i].convert_to<double>();
  EXPECT_LE(arma::norm(arma::vectorise(xref) - x) / arma::norm(x), 2e-16);

  const nlohmann::json j = nlohmann::json::parse(slurp(dir / "case.json"));
  EXPECT_EQ(j["case_id"], p.case_id);
  EXPECT_EQ(j["precision"], prec);
  EXPECT_NEAR(j["kappa"].get<double>() / k.kappa, 1, 1e-9);
  EXPECT_TRUE(j["ref_converged"].get<bool>());
  EXPECT_LE(j["ref_error"].get<double>(), 1e-6 * u);
  // the run's own kappa for this case and precision, found in results.csv
  ASSERT_TRUE(j["in_run"].is_object()) << j.dump(2);
  EXPECT_NEAR(j["in_run"]["kappa"].get<double>() / j["kappa"].get<double>(), 1, 1e-9);
  EXPECT_NE(j["rerun"].get<std::string>().find("--case '" + p.case_id + "'"), std::string::npos);
  EXPECT_NE(j["source_run"].get<std::string>().find(run_dir), std::string::npos);
}

const char* kHeader = "[study]\nname = \"x\"\nseeds = [3]\nprecisions = [\"f32\", \"f64\"]\n";

TEST(Export, RandsvdCaseIsBitIdenticalToWhatTheRunStored) {
  const fs::path study = temp("exp_study") += ".toml", out = temp("exp_run"), e32 = temp("exp32"), e64 = temp("exp64");
  std::ofstream(study) << kHeader << "solvers = [\"lapack.lu\"]\n[[problem]]\ngenerator = \"randsvd\"\nn = 7\n"
                       << "kappa = 1e5\n";
  Result r = run("run " + study.string() + " --out " + out.string() + " --no-report -q");
  ASSERT_EQ(r.code, 0) << r.out;
  const Study s = load_study(study.string());
  const auto cases = select_cases(s, "");
  ASSERT_EQ(cases.size(), 1u);
  const Problem p = cases[0].first->generator->generate(cases[0].first->params, cases[0].first->m,
                                                         cases[0].first->n, cases[0].second);
  r = run("export " + out.string() + " " + quote(p.case_id) + " --precision f32 --out " + e32.string());
  ASSERT_EQ(r.code, 0) << r.out;
  check_export(e32, p, "f32", out.string());
  r = run("export " + out.string() + " " + quote(p.case_id) + " --out " + e64.string());  // default f64
  ASSERT_EQ(r.code, 0) << r.out;
  check_export(e64, p, "f64", out.string());
  // the f32 matrix is not the f64 one (the rounding is real)
  EXPECT_FALSE(same_bits(mm::read_matrix_market((e32 / "A.mtx").string()).A,
                         mm::read_matrix_market((e64 / "A.mtx").string()).A));
  // an existing folder is not overwritten without --force; a wrong id or run folder exits 2
  r = run("export " + out.string() + " " + quote(p.case_id) + " --out " + e64.string());
  EXPECT_EQ(r.code, 2) << r.out;
  r = run("export " + out.string() + " 'randsvd:nope:7x7:s3' --out " + temp("exp_x").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("no case"), std::string::npos) << r.out;
  EXPECT_EQ(run("export /nonexistent_run " + quote(p.case_id)).code, 2);
  for (const auto& d : {out, e32, e64}) fs::remove_all(d);
  fs::remove(study);
}

TEST(Export, ExactWritesTheExactDecimalOfEveryStoredValueCheckedByPythonsDecimal) {
  const fs::path study = temp("exact_study") += ".toml", out = temp("exact_run"), e = temp("exact_exp");
  std::ofstream(study) << kHeader << "solvers = [\"lapack.lu\"]\n[[problem]]\ngenerator = \"randsvd\"\nn = 6\n"
                       << "kappa = 1e12\nscale = \"ufl\"\n";  // tiny values: long exact expansions
  Result r = run("run " + study.string() + " --out " + out.string() + " --no-report -q");
  ASSERT_EQ(r.code, 0) << r.out;
  const Study s = load_study(study.string());
  const auto c = select_cases(s, "").at(0);
  const Problem p = c.first->generator->generate(c.first->params, c.first->m, c.first->n, c.second);
  r = run("export " + out.string() + " " + quote(p.case_id) + " --exact --out " + e.string());
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string text = slurp(e / "A.mtx");
  EXPECT_NE(text.find("EXACT decimal expansion"), std::string::npos);
  // A double parser still reads the stored bits back.
  EXPECT_TRUE(same_bits(mm::read_matrix_market((e / "A.mtx").string()).A, p.A));
  // Python's Decimal(float) is the exact value of a double, computed independently: every
  // exported decimal must equal it digit for digit (as numbers: Decimal compares exactly).
  const fs::path py = temp("exact_check") += ".py";
  std::ofstream(py) << "import sys\nfrom decimal import Decimal\n"
                       "vals = [l.split()[0] for l in open(sys.argv[1]) if l.strip() and not l.startswith('%')][1:]\n"
                       "bad = [v for v in vals if Decimal(v) != Decimal(float(v))]\n"
                       "long = max(len(v) for v in vals)\n"
                       "print(len(vals), 'values', len(bad), 'inexact', long, 'chars')\n"
                       "sys.exit(1 if bad or len(vals) != 36 or long < 300 else 0)\n";
  Result check = test::run_shell("python3 " + py.string() + " " + (e / "A.mtx").string());
  EXPECT_EQ(check.code, 0) << check.out;
  // The default %.17g file says in its header why it is not enough for exact arithmetic.
  r = run("export " + out.string() + " " + quote(p.case_id) + " --out " + e.string() + " --force");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(slurp(e / "A.mtx").find("kappa * 1e-17"), std::string::npos);
  EXPECT_EQ(mm::exact_decimal(0.1), "1.000000000000000055511151231257827021181583404541015625e-1");
  EXPECT_EQ(mm::exact_decimal(-3.0), "-3e0");
  EXPECT_EQ(mm::exact_decimal(1e22), "1e22");
  EXPECT_EQ(mm::exact_decimal(0x1p-1074).size(), std::string("4.").size() + 750 + std::string("e-324").size());
  for (const auto& d : {out, e}) fs::remove_all(d);
  fs::remove(study);
  fs::remove(py);
}

TEST(Export, MtxCaseRoundTripsAndTheExportedStudyReruns) {
  const fs::path study = temp("mtx_study") += ".toml", out = temp("mtx_run"), e = temp("mtx_exp"),
                 again = temp("mtx_again");
  std::ofstream(study) << kHeader << "solvers = [\"lapack.cholesky\", \"lapack.lu\"]\n[[problem]]\n"
                       << "generator = \"mtx\"\nfile = \"" << data("sym_tridiag.mtx") << "\"\nkind = \"spd\"\nn = 4\n";
  Result r = run("run " + study.string() + " --out " + out.string() + " --no-report -q");
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string csv = slurp(out / "results.csv");
  EXPECT_NE(csv.find("lapack.cholesky"), std::string::npos);
  const Study s = load_study(study.string());
  const auto cases = select_cases(s, "");
  ASSERT_EQ(cases.size(), 1u);
  const Problem p = cases[0].first->generator->generate(cases[0].first->params, 4, 4, cases[0].second);
  EXPECT_EQ(p.kind, ProblemKind::spd);
  r = run("export " + out.string() + " " + quote(p.case_id) + " --out " + e.string());
  ASSERT_EQ(r.code, 0) << r.out;
  check_export(e, p, "f64", out.string());
  EXPECT_TRUE(same_bits(mm::read_matrix_market((e / "A.mtx").string()).A,
                        mm::read_matrix_market(data("sym_tridiag.mtx")).A));
  // study.toml beside the export reruns the same stored problem from the files
  r = run("run " + (e / "study.toml").string() + " --out " + again.string() + " --no-report -q");
  ASSERT_EQ(r.code, 0) << r.out;
  for (const auto& d : {out, e, again}) fs::remove_all(d);
  fs::remove(study);
}

TEST(MtxStudy, BadMatrixFileAndWrongSizeExitTwoNamingFileAndLine) {
  const fs::path study = temp("mtx_bad") += ".toml", out = temp("mtx_bad_out");
  std::ofstream(study) << kHeader << "solvers = [\"lapack.lu\"]\n[[problem]]\ngenerator = \"mtx\"\nfile = \""
                       << data("bad_nan.mtx") << "\"\nn = 2\n";
  Result r = run("run " + study.string() + " --out " + out.string() + " --no-report -q");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("bad_nan.mtx:4: value 'nan' is not finite"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out));

  std::ofstream(study) << kHeader << "solvers = [\"lapack.lu\"]\n[[problem]]\ngenerator = \"mtx\"\nfile = \""
                       << data("dense_general.mtx") << "\"\nn = 5\n";
  r = run("run " + study.string() + " --out " + out.string() + " --no-report -q");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("set n = 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(study.string() + ":"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out));
  fs::remove(study);
}

TEST(MtxStudy, RelativePathsResolveAgainstTheCurrentDirectory) {
  const fs::path study = temp("mtx_rel") += ".toml", out = temp("mtx_rel_out");
  std::ofstream(study) << kHeader << "solvers = [\"lapack.qr\"]\n[[problem]]\ngenerator = \"mtx\"\n"
                       << "file = \"tests/data/mtx/rect_int.mtx\"\nn = 3\n";
  Result r = run("run " + study.string() + " --out " + out.string() + " --no-report -q", "/");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("tests/data/mtx/rect_int.mtx: cannot open"), std::string::npos) << r.out;
  r = run("run " + study.string() + " --out " + out.string() + " --no-report -q", CONDBENCH_SOURCE_DIR);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(slurp(out / "results.csv").find("least_squares"), std::string::npos);
  fs::remove_all(out);
  fs::remove(study);
}

}  // namespace
}  // namespace condbench
