#pragma once

#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

namespace kiln::testing {

// Short names for the shop fixture's unique ids, so expectations fit on one line.
inline const std::map<std::string, std::string>& shop_aliases() {
  static const std::map<std::string, std::string> aliases = {
      {"SRC_O", "source.shop.raw.orders"},
      {"SRC_C", "source.shop.raw.customers"},
      {"SRC_P", "source.stripe.stripe.payments"},
      {"SEED", "seed.shop.country_codes"},
      {"STG_O", "model.shop.stg_orders"},
      {"STG_C", "model.shop.stg_customers"},
      {"STG_P", "model.stripe.stg_payments"},
      {"ORD", "model.shop.orders"},
      {"CUS", "model.shop.customers"},
      {"DIM1", "model.shop.dim_customers.v1"},
      {"DIM2", "model.shop.dim_customers.v2"},
      {"DIM3", "model.shop.dim_customers.v3"},
      {"LEGACY", "model.shop.legacy_orders"},
      {"ANA", "analysis.shop.revenue_analysis"},
      {"SNAP", "snapshot.shop.orders_snapshot"},
      {"T1", "test.shop.not_null_stg_orders_order_id.a1b2c3"},
      {"T2", "test.shop.relationships_stg_orders_customer_id.a1b2c3"},
      {"T3", "test.shop.unique_orders_order_id.a1b2c3"},
      {"T4", "test.shop.relationships_orders_customer_id.a1b2c3"},
      {"T5", "test.shop.dbt_utils_expression_is_true_orders.a1b2c3"},
      {"T6", "test.stripe.accepted_values_stg_payments_method.a1b2c3"},
      {"T7", "test.shop.not_null_raw_orders_id.a1b2c3"},
      {"T8", "test.shop.assert_positive_totals"},
      {"UT", "unit_test.shop.orders.test_orders_total"},
      {"EXP", "exposure.shop.weekly_dashboard"},
      {"SM", "semantic_model.shop.orders_sm"},
      {"MET", "metric.shop.total_revenue"},
      {"SQ", "saved_query.shop.revenue_query"},
  };
  return aliases;
}

// "STG_O T1 T2" -> the unique ids.
inline std::set<std::string> ids(const std::string& names) {
  std::set<std::string> out;
  std::istringstream in(names);
  std::string name;
  while (in >> name) {
    auto it = shop_aliases().find(name);
    if (it == shop_aliases().end()) throw std::invalid_argument("unknown alias " + name);
    out.insert(it->second);
  }
  return out;
}

// The reverse, for readable failure messages.
inline std::string names(const std::set<std::string>& unique_ids) {
  std::string out;
  for (const std::string& id : unique_ids) {
    std::string name = id;
    for (const auto& [alias, full] : shop_aliases()) {
      if (full == id) name = alias;
    }
    if (!out.empty()) out += ' ';
    out += name;
  }
  return out;
}

}  // namespace kiln::testing
