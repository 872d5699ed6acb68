// A chain study file (TOML) and its expansion into chain specs.
//
//   [study]
//   name = "lecture_backprop"
//   seeds = { from = 1, to = 200 }        # or a list, or one number
//   precisions = ["f64", "f32"]
//   methods = ["chain.backprop"]           # "chain.*" for all
//
//   [[chain]]
//   width = 32                             # or a list: swept
//   depth = { from = 1, to = 20 }          # the depths measured (a list, or one number);
//                                          # one chain per case, as deep as the largest
//   init = ["gaussian", "xavier_uniform"]  # swept; see chain_spec.hpp
//   scale = [0.7, 1.0, 1.5]                # swept
//   activation = "linear"                  # linear | relu | tanh, swept
//   residual = false                       # swept
//   seeds / precisions / methods           # override the [study] values for this table
//   reference = "graded"                   # or "explicit" (reference.hpp)
//
// Every bad key or value is an InputError naming file:line:column and the key.
#pragma once

#include "studies/chains/chain_spec.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace condbench::chains {

struct ChainStudy {
  std::string path, name, description;
  std::string text;  // the file as read, kept in run.json
  std::vector<std::string> method_patterns;
  std::vector<ChainSpec> chains;  // expanded, each with its own seeds, precisions, methods

  std::size_t case_count() const {
    std::size_t n = 0;
    for (const auto& c : chains) n += c.seeds.size();
    return n;
  }
};

ChainStudy parse_chain_study(const std::string& text, const std::string& path);
ChainStudy load_chain_study(const std::string& path);

// True when the file has [[chain]] tables and no [[problem]] table. A file with both is
// an InputError (one kind of study per file, for now); a file that cannot be read or
// parsed is left to the Ax = b study parser (false), which says what is wrong with it.
bool is_chain_study(const std::string& path);

}  // namespace condbench::chains
