// The tables of a chain report, each written as Markdown (summary.md) and HTML.
#pragma once

#include "reports/chains/chain_report.hpp"

#include <string>
#include <vector>

namespace condbench::chains {

struct Table {
  std::string title;
  std::string intro;  // what the table shows, before it
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::string rule;  // how its numbers are made, after it
};

// The lecture's table (gradient norm after L layers, measured beside theory), kappa of
// the product per method, the lecture's weight monitor, the free-probability moments,
// and the depths at which a low precision underflows or overflows; tables without rows
// in the run are left out.
std::vector<Table> chain_tables(const ChainRunData& run);

std::string table_markdown(const Table& t);
std::string table_html(const Table& t);

// "d=32 gaussian s=0.7 linear L=20" (" residual" before L): one chain configuration.
std::string config_label(const ChainRow& r);

// The p-quantile (0..1) of the finite values, by linear interpolation; NaN when none.
double quantile(std::vector<double> v, double p);

// The spectrum of J J^T pooled over the seeds of a chain, per depth: mean eigenvalue
// E[m1] and variance over squared mean E[m2]/E[m1]^2 - 1 (m_k: the k-th moment of one
// seed's eigenvalues, from jjt_mean and jjt_variance), measured by chain.qr_jacobi (else
// chain.explicit_svd), by the reference, and the theory.
struct PooledSpectrum {
  std::string config, precision;
  int depth = 0, seeds = 0, failed = 0;
  double mean = 0, mean_reference = 0, mean_theory = 0;
  double measured = 0, reference = 0, theory = 0;  // the variance over the squared mean
};
std::vector<PooledSpectrum> pooled_spectra(const std::vector<ChainRow>& rows, const std::string& precision = "");

}  // namespace condbench::chains
