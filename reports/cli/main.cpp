// condbench: accuracy and speed of dense linear solvers on ill-conditioned problems.
#include "reports/cli/command.hpp"
#include "reports/cli/version.hpp"
#include "solvers/mpi/world.hpp"
#include "studies/runner/context.hpp"
#include "studies/runner/input_error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cb = condbench;

int main(int argc, char** argv) {
  // Under mpirun (and only then): the MPI module, before anything is parsed; ended when main returns.
  cb::mpi::Process mpi;
  if (!mpi.ok()) return 2;
  CLI::App app{"condbench: how accurately and how fast dense linear solvers work as problems become "
               "ill-conditioned.\nEvery solve gets its forward and backward error against a high-precision "
               "reference of the stored problem and the measured condition number of the matrix solved."};
  app.require_subcommand(1);
  app.set_version_flag("--version", cb::cli::version_text());
  for (int i = 0; i < argc; ++i) cb::cli::command_line() += (i ? " " : "") + std::string(argv[i]);

  auto entries = cb::cli::command_registry();
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  std::vector<cb::cli::Command> commands;
  for (const auto& e : entries) commands.push_back(e.factory(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;  // every bad argument exits 2, as every bad input does
  }

  try {
    for (const auto& c : commands)
      if (c.app->parsed()) return c.run();
  } catch (const cb::InputError& e) {
    fmt::print(stderr, "condbench: error: {}\n", e.what());
    return 2;
  }
  return 0;
}
