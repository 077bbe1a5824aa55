#include "common/secrets.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

extern char** environ;

namespace kiln {
namespace {

struct SecretStore {
  std::mutex mutex;
  std::vector<std::string> values;  // longest first, so a secret containing another is masked whole
};

SecretStore& store() {
  static SecretStore instance;
  return instance;
}

}  // namespace

void register_secret(std::string_view value) {
  // Very short values would mask ordinary words ("a", "1") everywhere; a one- or two-character
  // password is not worth hiding at that price.
  if (value.size() < 3) return;
  SecretStore& s = store();
  std::lock_guard lock(s.mutex);
  if (std::find(s.values.begin(), s.values.end(), value) != s.values.end()) return;
  s.values.emplace_back(value);
  std::sort(s.values.begin(), s.values.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void register_environment_secrets() {
  static constexpr std::string_view kPrefix = "DBT_ENV_SECRET_";
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text(*entry);
    if (!text.starts_with(kPrefix)) continue;
    size_t equals = text.find('=');
    if (equals != std::string_view::npos) register_secret(text.substr(equals + 1));
  }
}

std::string scrub_secrets(std::string_view text) {
  SecretStore& s = store();
  std::lock_guard lock(s.mutex);
  std::string out(text);
  for (const std::string& secret : s.values) {
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), kSecretMask);
      pos += kSecretMask.size();
    }
  }
  return out;
}

void clear_secrets() {
  SecretStore& s = store();
  std::lock_guard lock(s.mutex);
  s.values.clear();
}

}  // namespace kiln
