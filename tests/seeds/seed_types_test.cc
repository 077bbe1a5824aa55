#include "seeds/seed_types.h"

#include <gtest/gtest.h>

#include <initializer_list>

namespace kiln {
namespace {

SeedType infer(std::initializer_list<const char*> cells) {
  SeedTypeTester tester;
  for (const char* cell : cells) tester.observe(cell);
  return tester.inferred();
}

TEST(SeedTypes, PriorityIsIntegerNumberDateTimestampBooleanText) {
  EXPECT_EQ(infer({"1", "-2", "+3"}), SeedType::Integer);
  EXPECT_EQ(infer({"1", "2.5"}), SeedType::Number);
  EXPECT_EQ(infer({"1e3", ".5", "-4."}), SeedType::Number);
  EXPECT_EQ(infer({"2024-01-01", "1999-12-31"}), SeedType::Date);
  EXPECT_EQ(infer({"2024-01-01 00:00:00", "2024-01-01T12:30:00.123+02:00"}), SeedType::Timestamp);
  EXPECT_EQ(infer({"true", "FALSE"}), SeedType::Boolean);
  EXPECT_EQ(infer({"1", "x"}), SeedType::Text);
  // A date is not a timestamp to agate's testers, so a column mixing both is text, as in dbt.
  EXPECT_EQ(infer({"2024-01-01", "2024-01-01 10:00:00"}), SeedType::Text);
}

TEST(SeedTypes, WideIntegersBecomeBigintThenNumber) {
  EXPECT_EQ(infer({"2147483647"}), SeedType::Integer);
  EXPECT_EQ(infer({"2147483648"}), SeedType::BigInteger);
  EXPECT_EQ(infer({"99999999999999999999"}), SeedType::Number);
}

TEST(SeedTypes, NullsFitEveryType) {
  EXPECT_TRUE(is_seed_null(""));
  EXPECT_TRUE(is_seed_null(" null "));
  EXPECT_TRUE(is_seed_null("NULL"));
  EXPECT_FALSE(is_seed_null("none"));
  EXPECT_EQ(infer({"", "null", "3"}), SeedType::Integer);
  EXPECT_EQ(infer({}), SeedType::Integer);
}

TEST(SeedTypes, RejectsLookalikes) {
  EXPECT_FALSE(looks_like_date("2023-02-29"));  // not a leap year
  EXPECT_FALSE(looks_like_date("2024-13-01"));
  EXPECT_FALSE(looks_like_date("24-01-01"));
  EXPECT_FALSE(looks_like_timestamp("2024-01-01 25:00:00"));
  EXPECT_FALSE(looks_like_timestamp("2024-01-01 10:00"));  // %H:%M:%S needs seconds
  EXPECT_TRUE(looks_like_timestamp("2024-01-01T10:00"));   // ISO allows minutes only
  EXPECT_FALSE(looks_like_number("1.2.3"));
  EXPECT_FALSE(looks_like_number("e5"));
  EXPECT_FALSE(looks_like_integer("1_000"));
  EXPECT_FALSE(looks_like_boolean("yes"));
}

}  // namespace
}  // namespace kiln
