// The figures of a chain report: Vega-Lite specs with their data inlined.
#pragma once

#include "reports/chains/chain_report.hpp"
#include "reports/report/figures.hpp"

#include <vector>

namespace condbench::chains {

// grad_norm against depth (median and 5-95 % band over seeds, theory line and band);
// log10 kappa against depth per method and precision, with the reference and the
// Lyapunov line; the error of log10 kappa against the reference; the spectrum's variance
// against the infinite-width theory; the lecture's weight monitor against the product's
// kappa. Figures without data in the run are left out.
std::vector<report::Figure> chain_figures(const ChainRunData& run);

}  // namespace condbench::chains
