#pragma once

#include <string>
#include <string_view>

namespace kiln {

// Values that must never reach a log, the console or an artifact: profile passwords and tokens,
// and the values of DBT_ENV_SECRET_* variables. Every output path passes its text through
// scrub_secrets().
void register_secret(std::string_view value);
// Registers the value of every DBT_ENV_SECRET_* environment variable.
void register_environment_secrets();
std::string scrub_secrets(std::string_view text);
// For tests: forgets every registered secret.
void clear_secrets();

inline constexpr std::string_view kSecretMask = "*****";

}  // namespace kiln
