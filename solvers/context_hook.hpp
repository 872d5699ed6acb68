// Parts of run.json's "context" contributed by code that is not built in: solver workers (their
// library versions), plugins, other BLAS stacks. A contributor is a named function called each
// time the context is built (studies/runner/context.cpp), after the built-in keys.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace condbench {

using ContextContributor = std::function<nlohmann::ordered_json()>;

// Adds a contributor under `key`, or replaces the one already there. A contributor returning
// null adds nothing (nothing to say in this run).
void add_context_contributor(const std::string& key, ContextContributor f);

// Every contributor's value, in the order they were first added; null values left out.
std::vector<std::pair<std::string, nlohmann::ordered_json>> contributed_context();

}  // namespace condbench
