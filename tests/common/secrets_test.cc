#include "common/secrets.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace kiln {
namespace {

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override { clear_secrets(); }
  void TearDown() override { clear_secrets(); }
};

TEST_F(SecretsTest, MasksEveryOccurrence) {
  register_secret("hunter2");
  EXPECT_EQ(scrub_secrets("pw=hunter2; again hunter2"), "pw=*****; again *****");
}

TEST_F(SecretsTest, LongerSecretMaskedWhole) {
  register_secret("abc");
  register_secret("abcdef");
  EXPECT_EQ(scrub_secrets("x abcdef y abc"), "x ***** y *****");
}

TEST_F(SecretsTest, VeryShortValuesAreNotMasked) {
  register_secret("ab");
  EXPECT_EQ(scrub_secrets("ab cab"), "ab cab");
}

TEST_F(SecretsTest, EnvironmentSecretsAreRegistered) {
  setenv("DBT_ENV_SECRET_GIT_TOKEN", "ghp-token-123", 1);
  setenv("DBT_ENV_NOT_SECRET", "visible-value", 1);
  register_environment_secrets();
  EXPECT_EQ(scrub_secrets("clone with ghp-token-123"), "clone with *****");
  EXPECT_EQ(scrub_secrets("visible-value"), "visible-value");
  unsetenv("DBT_ENV_SECRET_GIT_TOKEN");
  unsetenv("DBT_ENV_NOT_SECRET");
}

}  // namespace
}  // namespace kiln
