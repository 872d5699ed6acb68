// One-line problem names, in the spirit of SLATE's matgen ("svd_geo", "spd_logrand",
// "svd_arith_ufl", "rand_zerocol3"): a name maps to a generator and parameters, and
// every generated Problem.name follows the grammar, so a results row names a problem
// that `[[problem]] name = "..."` regenerates (sizes, kappa and seeds stay separate keys).
//
//   name      := head ( "_" token )*
//   head      := svdhead "_" mode                       generator randsvd
//              | family                                 a generator name, longest match
//                                                       (hilbert, pascal, kahan, vandermonde,
//                                                       chebvand, lotkin, prolate, frank, cauchy,
//                                                       moler, kms, lauchli, gfpp,
//                                                       nearly_singular, regression)
//   svdhead   := "svd" | "spd" | "ls" | "under"         kind = general | spd | least_squares
//                                                       | underdetermined
//   mode      := "geo" | "arith" | "onelarge" | "onesmall" | "logrand"
//   token     := "ufl" | "ofl" | "ufl32" | "ofl32"      scale = that (near under/overflow)
//              | "zerocol" int                          zero_columns = int
//              | "db" number                            perturb = number, direction worst
//              | "dbrand" number                        perturb = number, direction random
//              | "r" number                             randsvd only: residual = number
//              | flag                                   a bool parameter's name without
//                                                       underscores: true ("hilbert_scaled")
//              | value                                  a string parameter's value without
//                                                       underscores ("vandermonde_chebyshev",
//                                                       "regression_houseprices_gram")
//              | key number                             a number parameter's name without
//                                                       underscores, then the value as
//                                                       format_param writes it ("kms_rho0.5",
//                                                       "kahan_theta1.2_pert25", "moler_alpha-1",
//                                                       "nearly_singular_delta1e-06")
//   number    := what strtod reads entirely (1e-06, 0.5, -1, 25)
//
// Parameters not named keep their defaults; kappa (randsvd) and the sizes are never part
// of a name. Errors name the bad token and list the valid ones.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "studies/generators/generator.hpp"

namespace condbench {

// What a generator's names may contain besides the modifier tokens.
struct NameSpec {
  std::string generator;
  std::vector<std::string> flags;                                          // bool keys
  std::vector<std::pair<std::string, std::vector<std::string>>> choices;   // string key -> values
  std::vector<std::string> numbers;                                        // number keys
  std::map<std::string, std::string> defaults;  // resolved defaults, left out of names
};

// Families register their spec at static-initialization time (CONDBENCH_REGISTER_NAME_SPEC).
void register_name_spec(NameSpec spec);
const NameSpec* find_name_spec(const std::string& generator);

struct ProblemNameError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ParsedName {
  std::string generator;
  ParamMap params;
};

// Throws ProblemNameError naming the bad token and listing the valid ones.
ParsedName parse_problem_name(const std::string& name);

// The name of a problem from its resolved parameters (as in Problem.params); parameters
// equal to the spec's defaults, unknown to the spec, or computed facts are left out.
std::string format_problem_name(const std::string& generator, const std::map<std::string, std::string>& params);

}  // namespace condbench

#define CONDBENCH_REGISTER_NAME_SPEC(expr)                                         \
  static const bool CONDBENCH_GEN_CONCAT(condbench_namespec_, __LINE__) = [] {    \
    ::condbench::register_name_spec(expr);                                         \
    return true;                                                                   \
  }()
