// The options in a solver family's name: "ir.lu:uf=fp16:ur=f64", "scalapack.lu:grid=2x1:nb=32".
// Each option is key=value, separated by ':', every key at most once and in the family's
// order, so that one solver has one spelling (and one row name). A family rejects a bad name
// with std::invalid_argument("'NAME': what"), which the registry passes on.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace condbench {

[[noreturn]] void bad_solver_name(const std::string& name, const std::string& what);

// The (key, value) pairs after `prefix` (the family's prefix, ending in ':'; the name without
// that colon has no options). `order` lists the keys the family takes; `takes` says them for
// messages (default: the keys, comma-separated).
std::vector<std::pair<std::string, std::string>> family_options(const std::string& name, const std::string& prefix,
                                                                const std::vector<std::string>& order,
                                                                const std::string& takes = "");

// An integer option within [lo, hi]: "KEY=V: expected an integer from LO to HI".
int int_option(const std::string& name, const std::string& key, const std::string& value, int lo, int hi);

}  // namespace condbench
