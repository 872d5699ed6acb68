// Prescribed singular values for the randsvd generators (LAPACK dlatms MODE, Higham's randsvd).
#pragma once

#include <armadillo>

#include <array>
#include <string>

#include "studies/generators/params.hpp"
#include "studies/generators/rng.hpp"

namespace condbench {

enum class Mode { one_large = 1, one_small, geometric, arithmetic, log_uniform };  // dlatms MODE 1..5

struct ModeName {
  Mode mode;
  const char* name;        // parameter value
  const char* short_name;  // in the problem name
};
inline constexpr std::array<ModeName, 5> kModes{{{Mode::one_large, "one_large", "onelarge"},
                                                 {Mode::one_small, "one_small", "onesmall"},
                                                 {Mode::geometric, "geometric", "geo"},
                                                 {Mode::arithmetic, "arithmetic", "arith"},
                                                 {Mode::log_uniform, "log_uniform", "logrand"}}};

inline const ModeName& mode_name(Mode m) { return kModes[static_cast<int>(m) - 1]; }

// "mode": a name of kModes or dlatms MODE 1..5 (default geometric).
Mode read_mode(const ParamReader& p);

// "kappa": a finite number >= 1 (required).
double read_kappa(const ParamReader& p);

// The spectrum before scaling, largest first; p = min(m, n) values; rng only for log_uniform.
arma::vec singular_values(Mode mode, double kappa, arma::uword p, Rng& rng);

// The help text of "mode".
extern const char* const kModeHelp;

}  // namespace condbench
