#include "runner/test_fusion.h"

#include <charconv>

#include "common/error.h"
#include "common/strings.h"

namespace kiln {
namespace {

std::string config_string(const Node& node, const char* key) {
  const Data* value = node.config.find(key);
  return value && !value->is_null() ? value->scalar_text() : "";
}

bool has_jinja(const Data& value) {
  if (value.is_string()) return contains_jinja(value.as_string());
  if (value.is_list()) {
    for (const Data& item : value.as_list())
      if (has_jinja(item)) return true;
  }
  if (value.is_map()) {
    for (const auto& [key, item] : value.as_map())
      if (has_jinja(item)) return true;
  }
  return false;
}

// Aggregates over the rows a test looks at: all, or those its `where` keeps. DuckDB and
// PostgreSQL take FILTER clauses, which they evaluate far faster than CASE; MySQL has none.
class Aggregates {
 public:
  Aggregates(bool filter_clause, std::string where)
      : filter_clause_(filter_clause), where_(std::move(where)) {}

  // count(*) of the rows where `condition` holds.
  std::string count_rows(const std::string& condition) const {
    std::string all = combined(condition);
    if (filter_clause_) return "count(*) filter (where " + all + ")";
    return "coalesce(sum(case when " + all + " then 1 else 0 end), 0)";
  }
  // count(expression) (non-NULL values) of the rows the test looks at.
  std::string count_values(const std::string& expression) const {
    if (where_.empty()) return "count(" + expression + ")";
    if (filter_clause_) return "count(" + expression + ") filter (where " + where_ + ")";
    return "count(case when " + where_ + " then " + expression + " end)";
  }
  std::string count_all() const { return where_.empty() ? "count(*)" : count_rows(""); }
  std::string where_or_true() const { return where_.empty() ? "1 = 1" : where_; }

 private:
  std::string combined(const std::string& condition) const {
    if (where_.empty()) return condition;
    if (condition.empty()) return where_;
    return where_ + " and (" + condition + ")";
  }
  bool filter_clause_;
  std::string where_;
};
}  // namespace

std::optional<bool> evaluate_threshold(const std::string& condition, int64_t failures) {
  std::string_view text = trim(condition);
  std::string op;
  for (const char* candidate : {"!=", "<>", ">=", "<=", "==", "=", ">", "<"}) {
    if (text.starts_with(candidate)) {
      op = candidate;
      break;
    }
  }
  if (op.empty()) return std::nullopt;
  std::string_view number = trim(text.substr(op.size()));
  int64_t value = 0;
  auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (error != std::errc() || end != number.data() + number.size()) return std::nullopt;
  if (op == "!=" || op == "<>") return failures != value;
  if (op == ">=") return failures >= value;
  if (op == "<=") return failures <= value;
  if (op == "==" || op == "=") return failures == value;
  if (op == ">") return failures > value;
  return failures < value;
}

TestFusion::TestFusion(const Manifest& manifest, const std::set<std::string>& selected,
                       const Options& options) {
  std::map<std::string, Group*> by_relation;
  std::vector<std::pair<Group*, Member>> planned;
  for (const std::string& id : selected) {
    auto it = manifest.nodes.find(id);
    if (it == manifest.nodes.end() || it->second.resource_type != ResourceType::Test) continue;
    std::optional<Member> member = member_for(it->second, manifest, options);
    if (!member) continue;
    const Node& model = manifest.nodes.at(it->second.attached_node);
    Group*& group = by_relation[model.relation_name];
    if (!group) {
      groups_.push_back(std::make_unique<Group>());
      group = groups_.back().get();
      group->relation = model.relation_name;
    }
    planned.push_back({group, std::move(*member)});
  }
  for (auto& [group, member] : planned) group->members.push_back(std::move(member));
  // A group of one gains nothing; that test runs its own query.
  for (auto it = groups_.begin(); it != groups_.end();) {
    if ((*it)->members.size() < 2) {
      it = groups_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& group : groups_) {
    group->sql = group_sql(*group);
    for (size_t i = 0; i < group->members.size(); ++i)
      group_of_[group->members[i].test_id] = {group.get(), i};
  }
}

std::optional<TestFusion::Member> TestFusion::member_for(const Node& test, const Manifest& manifest,
                                                         const Options& options) const {
  if (!test.test_metadata || test.attached_node.empty()) return std::nullopt;
  const TestMetadata& meta = *test.test_metadata;
  bool utils = meta.namespace_ == "dbt_utils";
  if (!meta.namespace_.empty() && !utils) return std::nullopt;
  if (utils && !options.builtin_dbt_utils) return std::nullopt;
  static const std::set<std::string> kCore = {"not_null", "unique", "accepted_values"};
  static const std::set<std::string> kUtils = {"accepted_range", "expression_is_true",
                                               "not_null_proportion"};
  if (!(utils ? kUtils : kCore).count(meta.name)) return std::nullopt;
  // Overrides anywhere but kiln's own packages mean the test's SQL is someone else's.
  for (const auto& [id, macro] : manifest.macros) {
    if (macro.package_name == "dbt" || (utils && macro.package_name == "dbt_utils")) continue;
    if (macro.name == "test_" + meta.name || macro.name == "default__test_" + meta.name ||
        macro.name == options.adapter_type + "__test_" + meta.name)
      return std::nullopt;
  }
  auto model = manifest.nodes.find(test.attached_node);
  if (model == manifest.nodes.end() || model->second.relation_name.empty()) return std::nullopt;
  const Data* materialized = model->second.config.find("materialized");
  std::string kind = materialized && materialized->is_string() ? materialized->as_string() : "view";
  if (kind == "ephemeral") return std::nullopt;
  if (kind != "view" && !options.fuse_tables) return std::nullopt;

  const Data* store = test.config.find("store_failures");
  if (options.store_failures || (store && store->is_bool() && store->as_bool()))
    return std::nullopt;
  std::string fail_calc = config_string(test, "fail_calc");
  if (!fail_calc.empty() && to_lower(std::string(trim(fail_calc))) != "count(*)")
    return std::nullopt;
  if (const Data* limit = test.config.find("limit"); limit && !limit->is_null())
    return std::nullopt;
  std::string where = config_string(test, "where");
  if (contains_jinja(where)) return std::nullopt;
  // `model` is always Jinja ({{ get_where_subquery(ref(...)) }}); the other arguments must not be.
  for (const auto& [key, value] : meta.kwargs.as_map()) {
    if (key != "model" && has_jinja(value)) return std::nullopt;
  }
  Member member;
  member.test_id = test.unique_id;
  member.warn_if = config_string(test, "warn_if");
  member.error_if = config_string(test, "error_if");
  if (member.warn_if.empty()) member.warn_if = "!= 0";
  if (member.error_if.empty()) member.error_if = "!= 0";
  if (!evaluate_threshold(member.warn_if, 0) || !evaluate_threshold(member.error_if, 0))
    return std::nullopt;

  auto kwarg = [&](const char* key) -> const Data* {
    const Data* value = meta.kwargs.find(key);
    return value && !value->is_null() ? value : nullptr;
  };
  Aggregates rows(options.adapter_type != "mysql", where.empty() ? "" : "(" + where + ")");
  const Data* column_value = kwarg("column_name");
  std::string column = column_value ? column_value->scalar_text() : "";

  if (meta.name == "not_null") {
    if (column.empty()) return std::nullopt;
    // Rows minus non-NULL values: NULL checks ride on validity masks, no predicate per row.
    member.aggregate = "(" + rows.count_all() + " - " + rows.count_values(column) + ")";
  } else if (meta.name == "unique") {
    if (column.empty()) return std::nullopt;
    member.aggregate = "(select count(*) from (select " + column + " from " +
                       model->second.relation_name + " where " + rows.where_or_true() + " and " +
                       column + " is not null group by " + column +
                       " having count(*) > 1) as dups)";
  } else if (meta.name == "accepted_values") {
    const Data* values = kwarg("values");
    if (column.empty() || !values || !values->is_list() || values->as_list().empty())
      return std::nullopt;
    const Data* quote = kwarg("quote");
    bool quoted = !quote || !quote->is_bool() || quote->as_bool();
    std::vector<std::string> items;
    for (const Data& value : values->as_list())
      items.push_back(quoted ? "'" + value.scalar_text() + "'" : value.scalar_text());
    // Rows outside the list (NULL is never outside): none means the test passes; otherwise its
    // own query counts the distinct values, as the test reports them.
    member.aggregate = rows.count_rows(column + " not in (" + join(items, ", ") + ")");
    member.exact = false;
  } else if (meta.name == "accepted_range") {
    const Data* min_value = kwarg("min_value");
    const Data* max_value = kwarg("max_value");
    if (column.empty() || (!min_value && !max_value)) return std::nullopt;
    const Data* inclusive = kwarg("inclusive");
    std::string equal = !inclusive || !inclusive->is_bool() || inclusive->as_bool() ? "=" : "";
    std::vector<std::string> outside;
    if (min_value)
      outside.push_back("not (" + column + " >" + equal + " " + min_value->scalar_text() + ")");
    if (max_value)
      outside.push_back("not (" + column + " <" + equal + " " + max_value->scalar_text() + ")");
    member.aggregate = rows.count_rows(join(outside, " or "));
  } else if (meta.name == "expression_is_true") {
    const Data* expression = kwarg("expression");
    if (!expression) return std::nullopt;
    std::string tested = (column.empty() ? "" : column + " ") + expression->scalar_text();
    member.aggregate = rows.count_rows("not (" + tested + ")");
  } else if (meta.name == "not_null_proportion") {
    const Data* at_least = kwarg("at_least");
    const Data* groups = kwarg("group_by_columns");
    if (column.empty() || !at_least || (groups && groups->is_list() && !groups->as_list().empty()))
      return std::nullopt;
    const Data* at_most = kwarg("at_most");
    // NULL over no rows, as the test's own division gives, and then no failure.
    std::string proportion = "(cast(" + rows.count_values(column) +
                             " as double precision) / nullif(" + rows.count_all() + ", 0))";
    member.aggregate = "case when " + proportion + " < " + at_least->scalar_text() + " or " +
                       proportion + " > " + (at_most ? at_most->scalar_text() : "1") +
                       " then 1 else 0 end";
  }
  if (member.aggregate.empty()) return std::nullopt;
  return member;
}

std::string TestFusion::group_sql(const Group& group) const {
  std::string sql = "select";
  for (size_t i = 0; i < group.members.size(); ++i) {
    sql += (i == 0 ? "\n    " : ",\n    ") + group.members[i].aggregate + " as failures_" +
           std::to_string(i);
  }
  return sql + "\nfrom " + group.relation;
}

std::optional<TestFusion::Answer> TestFusion::answer(const std::string& test_id,
                                                     WarehouseSession& session) {
  auto found = group_of_.find(test_id);
  if (found == group_of_.end()) return std::nullopt;
  auto [group, index] = found->second;
  std::lock_guard lock(group->mutex);
  if (!group->ran) {
    group->ran = true;
    try {
      QueryResult result = session.execute(group->sql, true, false);
      const ResultTable& table = result.table;
      if (table.rows.size() != 1 || table.rows.front().size() != group->members.size()) {
        group->failed = true;
      } else {
        for (const Cell& cell : table.rows.front()) {
          int64_t value = 0;
          if (const auto* integer = std::get_if<int64_t>(&cell))
            value = *integer;
          else if (const auto* number = std::get_if<double>(&cell))
            value = static_cast<int64_t>(*number);
          else if (const auto* text = std::get_if<std::string>(&cell))
            value = std::stoll(*text);
          group->failures.push_back(value);
        }
      }
    } catch (const std::exception&) {
      // One bad test (a misspelt column) must not fail its neighbours: all run on their own.
      group->failed = true;
      try {
        session.rollback();
      } catch (const KilnError&) {
      }
    }
  }
  if (group->failed) return std::nullopt;
  const Member& member = group->members[index];
  if (!member.exact && group->failures[index] != 0) return std::nullopt;
  Answer answer;
  answer.failures = group->failures[index];
  answer.should_warn = evaluate_threshold(member.warn_if, answer.failures).value_or(false);
  answer.should_error = evaluate_threshold(member.error_if, answer.failures).value_or(false);
  answer.sql = group->sql;
  return answer;
}

}  // namespace kiln
