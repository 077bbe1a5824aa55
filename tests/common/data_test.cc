#include "common/data.h"

#include <gtest/gtest.h>

#include <cmath>

namespace kiln {
namespace {

TEST(DataTest, MapKeepsInsertionOrderAndReplacesInPlace) {
  Data map = Data::map();
  map.set("b", Data::integer(1));
  map.set("a", Data::integer(2));
  map.set("b", Data::string("x"));
  EXPECT_EQ(map.to_json(), R"({"b":"x","a":2})");
  ASSERT_NE(map.find("a"), nullptr);
  EXPECT_EQ(map.find("a")->as_int(), 2);
  EXPECT_EQ(map.find("zzz"), nullptr);
}

TEST(DataTest, JsonEscapesAndFormatsNumbers) {
  Data list = Data::list({Data::string("q\"\n\x01"), Data::floating(0.1), Data::floating(2.0),
                          Data::boolean(true), Data::null(), Data::floating(NAN)});
  EXPECT_EQ(list.to_json(), R"(["q\"\n\u0001",0.1,2.0,true,null,null])");
}

TEST(DataTest, ScalarTextOfFloatsIsShortestRoundTrip) {
  EXPECT_EQ(Data::floating(1.5).scalar_text(), "1.5");
  EXPECT_EQ(Data::floating(1e20).scalar_text(), "1e+20");
  EXPECT_EQ(Data::integer(-7).scalar_text(), "-7");
}

TEST(DataTest, DeepMergeMergesMapsAndReplacesOthers) {
  Data base = Data::map({{"a", Data::map({{"x", Data::integer(1)}, {"y", Data::integer(2)}})},
                         {"l", Data::list({Data::integer(1)})}});
  Data overlay = Data::map({{"a", Data::map({{"y", Data::integer(3)}})},
                            {"l", Data::list({Data::integer(9)})},
                            {"n", Data::boolean(false)}});
  EXPECT_EQ(deep_merge(base, overlay).to_json(), R"({"a":{"x":1,"y":3},"l":[9],"n":false})");
}

TEST(DataTest, KindNamesForMessages) {
  EXPECT_EQ(Data::list().kind_name(), "a list");
  EXPECT_EQ(Data::map().kind_name(), "a mapping");
  EXPECT_EQ(Data::string("s").kind_name(), "a string");
}

}  // namespace
}  // namespace kiln
