#pragma once

#include <string>
#include <vector>

#include "common/data.h"

namespace kiln {

// Overlays `overlay` onto `base` the way dbt merges node configs: `tags`, `pre-hook` and
// `post-hook` append (tags without duplicates), `meta`, `docs`, `persist_docs`, `quoting`,
// `column_types`, `contract` and `grants` update key by key, and every other key is replaced.
// Keys may carry dbt_project.yml's `+` prefix; it is dropped.
void merge_config(Data& base, const Data& overlay);

// The configs a dbt_project.yml tree (`models:`, `seeds:`, ...) gives the node at `fqn`
// ([package, folder, ..., name]), most specific level last.
Data project_config_for(const Data& tree, const std::vector<std::string>& fqn);

// True for config names that dbt_project.yml may write without a `+`.
bool is_known_config_key(const std::string& key);

}  // namespace kiln
