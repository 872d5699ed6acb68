// The convergence-region table of iterative refinement (Carson & Higham 2018), measured: per refinement variant
// (u_f, u, u_r), working precision and problem, the largest kappa_inf up to which every solve converged to its
// limiting accuracy, the steps and GMRES iterations it took there, the first kappa_inf that failed and why, beside
// the bound from the formulas and the published one. Rows of the ir.lu / ir.gmres solvers (solvers/lowprec) and
// of lapack.dsgesv; the table is empty when a run has no ir.lu / ir.gmres rows.
//
// kappa_inf = ||A||_inf ||A^-1||_inf is not a results column (the runner measures kappa_2): the table regenerates
// each case it needs from the study text kept in run.json and measures kappa_inf on the matrix as stored
// (studies/reference/kappa_inf.hpp). Where that is impossible it says so and shows kappa_2.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/common/run_data.hpp"

namespace condbench::report {

struct IrRegion {
  std::string variant;  // "LU-IR (H,S,D)", "GMRES-IR (H,D,Q), u_p dd", "LAPACK dsgesv (S,D,D)"
  std::string solver, precision, problem;
  int solves = 0;
  std::optional<double> top;              // kappa of the last level at which every solve converged (the largest there)
  int steps = -1, gmres_iterations = -1;  // the most any solve at that level needed
  bool gmres_capped = false;              // GMRES reached its iteration cap in some step at that level
  double forward_error = 0;               // the largest infinity-norm forward error at that level
  std::optional<double> first_failure;    // the smallest kappa of a solve that did not converge at the next level
  std::string failure_reason;             // its stop reason ("no_progress", "above limiting accuracy", "ITER=-31")
  int converged_above = 0, solves_above = 0;  // solves above the region, and how many of them converged anyway
  int false_stops = 0;         // solves that stopped as converged with an error above the limiting accuracy
  bool backward_only = false;  // u_r = u: refinement converges to backward stability, not to a forward error u
  double formula = 0;          // kappa_inf bound from the formulas (0: none)
  std::string formula_rule;    // "1/u_f", "u^-1/2 u_f^-1", ...
  double published = 0;        // the published kappa_inf bound (0: none)
  std::string published_source;
};

struct IrTable {
  std::vector<IrRegion> lines;
  std::string kappa_name = "κ∞";  // "κ₂" when kappa_inf could not be measured
  std::string kappa_note;         // why not, when not
};

IrTable ir_regions(const RunData& run);
std::string ir_table_markdown(const IrTable& t);
std::string ir_table_html(const IrTable& t);

// Least-squares refinement (ir.qr:, ir.qrgmres:) in the shape of Carson, Higham & Pranesh 2020's table: per solver
// and precision, the steps (total GMRES iterations) per nominal kappa, with their published lines beside.
struct LsTable {
  struct Line {
    std::string solver, precision;
    bool published = false;
    std::vector<std::string> cells;  // one per kappa
  };
  std::vector<double> kappas;
  std::vector<Line> lines;
};
LsTable ls_steps(const RunData& run);
std::string ls_table_markdown(const LsTable& t);
std::string ls_table_html(const LsTable& t);

}  // namespace condbench::report
