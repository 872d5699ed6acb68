// Running the condbench executable from a test, as a user would: exit code and
// everything it printed (stdout and stderr together).
#pragma once

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace condbench::test {

struct CommandResult {
  int code = -1;
  std::string out;
};

inline CommandResult run_shell(const std::string& cmd) {
  CommandResult r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  while (fgets(buf.data(), buf.size(), p)) r.out += buf.data();
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// `condbench ARGS`, from the directory `cwd` when given.
inline CommandResult run_condbench(const std::string& args, const std::string& cwd = "") {
  return run_shell((cwd.empty() ? "" : "cd '" + cwd + "' && ") + std::string(CONDBENCH_BINARY) + " " + args);
}

}  // namespace condbench::test
