// [[worker]] tables: solvers served by external programs (docs/workers.md), declared in a study
// file or in a file of their own given with --workers.
//
//   [[worker]]
//   command = ["/usr/bin/python3", "{dir}/../workers/python_stack.py"]  # argv; {dir}: this file's folder
//   name = "python_stack"          # optional; default: the stem of the command's last element
//   env = { MY_FLAG = "1" }        # optional, added to condbench's environment
//   time_limit = 600               # optional: seconds a solve (and the start) may take
//
// Each worker is started and asked for its solvers while the file is read, so the study's
// solver names can name them; one that cannot start is an InputError naming the file, line,
// command and the worker's stderr.
#pragma once

#include <toml++/toml.h>

#include <string>

namespace condbench {

// Starts the workers of the [[worker]] tables of `doc` (read from `path`); nothing when none.
// `dir` is what {dir} stands for: the folder of `path` when empty (a study's base folder when the
// text comes from elsewhere, as run.json's copy of it).
void start_declared_workers(const toml::table& doc, const std::string& path, const std::string& dir = "");

// --workers FILE: a TOML file of [[worker]] tables only.
void load_workers_file(const std::string& path);

}  // namespace condbench
