// Bad user input (study file, argument, parameter): one clear message naming what
// and where. The CLI prints it and exits with code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace condbench {

class InputError : public std::runtime_error {
 public:
  // where: "studies/x.toml:12:3" or "--threads" or "results.csv"
  InputError(const std::string& where, const std::string& what)
      : std::runtime_error(where.empty() ? what : where + ": " + what) {}
};

}  // namespace condbench
