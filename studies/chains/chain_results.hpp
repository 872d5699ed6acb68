// Rows of a chain study's results.csv: one per case x precision x method x quantity x
// depth (or layer). Their own column set, first column `task` = "chain", written and read
// with the RFC 4180 CSV of studies/runner/csv.hpp. Columns (docs/chains.md):
//
//   task, case_id, seed, width, layers, depth, layer, init, scale, activation, residual,
//   precision, method, quantity, value, reference, rel_error, theory, theory_sd,
//   theory_note, status, reason, ref_method, note, time_s, ref_time_s
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace condbench::chains {

inline constexpr int kChainResultsFormatVersion = 1;

struct ChainRow {
  std::string task = "chain";
  std::string case_id;
  std::uint64_t seed = 0;
  int width = 0;
  int layers = 0;  // L, the chain's depth
  int depth = 0;   // measured depth j (the top j layers); 0 for per-layer quantities
  int layer = 0;   // 1-based layer of a per-layer quantity (1 = the input side); 0 otherwise
  std::string init;
  double scale = 1;
  std::string activation;
  bool residual = false;
  std::string precision, method, quantity;
  double value = 0, reference = 0, rel_error = 0, theory = 0, theory_sd = 0;
  std::string theory_note;
  std::string status = "ok";  // ok | failed | skipped
  std::string reason, ref_method, note;
  double time_s = 0, ref_time_s = 0;
};

const std::vector<std::string>& chain_result_columns();
std::string format_chain_row(const ChainRow& r);

// |value - reference| / |reference|; 0 when equal (also both infinite), inf when only the
// reference is infinite or zero, NaN when either is NaN.
double relative_error(double value, double reference);

// Parses results.csv text of a chain study (columns found by name). Throws InputError
// naming where:line for a missing column or a malformed value.
std::vector<ChainRow> parse_chain_results(const std::string& text, const std::string& where);

// True when the header line of a results.csv starts with the column `task`.
bool is_chain_results_header(const std::string& first_line);

}  // namespace condbench::chains
