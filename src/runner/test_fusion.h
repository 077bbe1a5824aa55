#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "context/warehouse_session.h"
#include "manifest/manifest.h"

namespace kiln {

// Test fusion (beyond dbt): column tests on the same relation whose SQL is kiln's own (not_null,
// unique, accepted_values, and the built-in dbt_utils accepted_range, expression_is_true,
// not_null_proportion) are answered by one query per relation, each test an aggregate over the
// same scan, instead of one query per test. Each test's failure count is what its own query
// would give, so statuses, counts and warn_if/error_if come out the same.
//
// A test is fused only when nothing could make its own query differ: kiln's macro is the one
// in use (no project or package override, no installed dbt_utils), it does not store failures,
// fail_calc is count(*), no limit, warn_if/error_if are a comparison with a number, and no
// argument or `where` holds Jinja. Everything else runs on its own, as does a whole group if its
// fused query fails.
class TestFusion {
 public:
  struct Options {
    bool store_failures = false;    // --store-failures: every test keeps its rows, none fuse
    bool builtin_dbt_utils = true;  // kiln's dbt_utils answers (none is installed)
    std::string adapter_type;       // macros named <adapter>__test_x override kiln's
    // Whether tests of tables fuse. Measured on DuckDB (bench/fusion_bench.sh), a columnar
    // table answers one query per test about as fast as a fused one (each reads only its
    // column), while tests of a view re-run the view once per test; row stores read whole rows
    // per query. So: views everywhere, tables only off DuckDB.
    bool fuse_tables = true;
  };

  TestFusion(const Manifest& manifest, const std::set<std::string>& selected,
             const Options& options);

  // Whether `test_id` belongs to a fused group (of two or more tests).
  bool fused(const std::string& test_id) const { return group_of_.count(test_id) > 0; }
  // Whether it is its group's first test: those start first, so that groups' queries run side
  // by side while their other tests wait for the answers.
  bool leads_group(const std::string& test_id) const {
    auto it = group_of_.find(test_id);
    return it != group_of_.end() && it->second.second == 0;
  }

  struct Answer {
    int64_t failures = 0;
    bool should_warn = false;
    bool should_error = false;
    std::string sql;  // the group's query
  };
  // The test's answer from its group's query, run on `session` by the first test of the group to
  // ask; nullopt when that query failed or the test needs its own query for an exact count (the
  // caller runs the test on its own).
  std::optional<Answer> answer(const std::string& test_id, WarehouseSession& session);

  size_t group_count() const { return groups_.size(); }

 private:
  struct Member {
    std::string test_id;
    std::string aggregate;  // SQL giving the failure count over the relation
    // The aggregate only tells whether the test fails (rows that break it), not its count
    // (accepted_values counts distinct values): when it is not 0 the test runs its own query.
    bool exact = true;
    std::string warn_if, error_if;
  };
  struct Group {
    std::string relation;
    std::vector<Member> members;
    std::mutex mutex;
    bool ran = false;
    bool failed = false;
    std::vector<int64_t> failures;
    std::string sql;
  };

  std::optional<Member> member_for(const Node& test, const Manifest& manifest,
                                   const Options& options) const;
  std::string group_sql(const Group& group) const;

  std::vector<std::unique_ptr<Group>> groups_;
  std::map<std::string, std::pair<Group*, size_t>> group_of_;  // test id -> group, member index
};

// Evaluates a warn_if/error_if condition such as "!= 0" or ">= 10" on a failure count; nullopt
// when the condition is not a plain comparison with a number.
std::optional<bool> evaluate_threshold(const std::string& condition, int64_t failures);

}  // namespace kiln
