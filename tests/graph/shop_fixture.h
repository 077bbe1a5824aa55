#pragma once

#include <set>
#include <string>
#include <vector>

#include "common/data.h"
#include "graph/dag.h"
#include "graph/selector.h"
#include "manifest/manifest.h"

namespace kiln::testing {

// A small but complete project, "shop", with one installed package, "stripe":
//
//   source raw.orders ──> stg_orders ──┐        ┌─> dim_customers v1 (old), v2 (latest), v3
//   source raw.customers ─> stg_customers ─> customers ──┘
//   source stripe.payments ─> stg_payments ─> orders ─┘   (orders also feeds customers)
//   seed country_codes ─────────────────────> customers
//   orders ─> revenue_analysis (analysis), weekly_dashboard (exposure), orders_sm (semantic
//   model) ─> total_revenue (metric) ─> revenue_query (saved query)
//   raw.orders ─> orders_snapshot (snapshot)
//
// plus generic, singular and unit tests, a disabled model, macros and a finance group.
Manifest shop_manifest();

// `{materialized: table}` etc., parsed as YAML flow text.
Data yaml(const std::string& text);

// Selects with the given --select / --exclude values (space-separated inside each).
std::set<std::string> select(const Manifest& manifest, const std::vector<std::string>& select,
                             const std::vector<std::string>& exclude = {},
                             const std::string& indirect = "eager",
                             std::vector<ResourceType> types = {});

}  // namespace kiln::testing
