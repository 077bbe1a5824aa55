#pragma once

#include <functional>
#include <memory>
#include <string>

#include "jinja/value.h"

namespace kiln {

// dbt's Relation as templates see it: `{{ this }}`, `{{ ref('x') }}`, `adapter.get_relation(...)`.
// Prints as the quoted "database"."schema"."identifier"; has database/schema/identifier/name/
// type attributes and the include(), quote(), render(), incorporate() methods macros use.
class RelationObject : public jinja::HostObject {
 public:
  using Quote = std::function<std::string(std::string_view)>;

  RelationObject(std::string database, std::string schema, std::string identifier, std::string type,
                 Quote quote);

  std::string_view type_name() const override { return "Relation"; }
  std::optional<jinja::Value> get_attr(std::string_view name, jinja::Runtime& rt) override;
  std::optional<jinja::Value> call_method(std::string_view name, jinja::CallArgs& args,
                                          jinja::Runtime& rt) override;
  std::string str() const override;
  bool equals(const jinja::HostObject& other) const override;

  std::string render() const;
  // The same relation read through a subquery that keeps only rows matching `condition`, as
  // ref() and source() give with --empty ("false limit 0") and in a microbatch ("ts >= ..."):
  // (select * from "db"."schema"."x" where <condition>), followed by `alias` where the
  // warehouse requires derived tables to be named (as dbt's adapters do; a model that aliases
  // the ref itself then breaks there, as in dbt). Printing gives the subquery; render() the
  // plain name, which is how a template opts out of the filter.
  // `no_rows` (--empty) adds "limit 0" after the condition, as dbt renders it.
  jinja::Value filtered(const std::string& condition, const std::string& alias,
                        bool no_rows = false) const;
  const std::string& database() const { return database_; }
  const std::string& schema() const { return schema_; }
  const std::string& identifier() const { return identifier_; }
  const std::string& type() const { return type_; }

 private:
  std::shared_ptr<RelationObject> copy() const { return std::make_shared<RelationObject>(*this); }

  std::string database_, schema_, identifier_, type_;
  bool include_database_ = true, include_schema_ = true, include_identifier_ = true;
  bool quote_database_ = true, quote_schema_ = true, quote_identifier_ = true;
  std::string filter_, filter_alias_;
  bool no_rows_ = false;
  Quote quote_;
};

jinja::Value make_relation(std::string database, std::string schema, std::string identifier,
                           std::string type, RelationObject::Quote quote);

}  // namespace kiln
