#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiln {

// The column types dbt infers for seeds (agate's type tester as dbt configures it), tried in this
// order: the first that every non-null value of a column fits wins. A column of nulls only is an
// Integer, as in dbt.
enum class SeedType { Integer, BigInteger, Number, Date, Timestamp, Boolean, Text };

std::string_view seed_type_name(SeedType type);

// NULL in a seed: an empty cell or `null` in any case, spaces around ignored.
bool is_seed_null(std::string_view cell);

bool looks_like_integer(std::string_view cell);
bool looks_like_number(std::string_view cell);  // decimal or exponent notation
bool looks_like_date(std::string_view cell);    // YYYY-M-D, as strptime's %Y-%m-%d accepts
// "YYYY-MM-DD HH:MM:SS" or ISO 8601 ("T" separator, fraction, Z or ±hh:mm offset).
bool looks_like_timestamp(std::string_view cell);
bool looks_like_boolean(std::string_view cell);  // true / false, any case

// Tracks which types every value seen so far still fits; one per column.
class SeedTypeTester {
 public:
  void observe(std::string_view cell);
  SeedType inferred() const;

 private:
  bool integer_ = true;
  bool fits_32_bits_ = true;
  bool number_ = true;
  bool date_ = true;
  bool timestamp_ = true;
  bool boolean_ = true;
};

struct SeedColumn {
  std::string name;
  SeedType type = SeedType::Text;
  std::string sql_type;  // from `column_types` config when given, else empty (from `type`)
};

}  // namespace kiln
