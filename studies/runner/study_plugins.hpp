// [study] plugins = ["./libmine.so"]: the plugin files a study's solvers come from, loaded
// before its solver names are resolved, so that the study file (and `regress --run` of a
// baseline made from it) says everything needed to run it again.
#pragma once

#include <string>
#include <vector>

namespace condbench {

// Loads each entry: a path relative to `base_dir` (the study file's folder) or absolute. An
// entry whose file name is that of a plugin already loaded (from --plugin or
// $CONDBENCH_PLUGIN_PATH) is that plugin: the command line can point at another build of
// the same file. Throws InputError at `where` naming the file and what is wrong.
void load_study_plugins(const std::vector<std::string>& entries, const std::string& base_dir,
                        const std::string& where);

}  // namespace condbench
