#include "common/hashing.h"

#include <openssl/evp.h>

#include <memory>

#include "common/error.h"

namespace kiln {
namespace {

// Algorithms are fetched once and each thread reuses one digest context: OpenSSL 3 looks the
// algorithm up on every one-shot call, which cost more than hashing a model file.
const EVP_MD* algorithm_named(const char* name) {
  EVP_MD* fetched = EVP_MD_fetch(nullptr, name, nullptr);
  if (!fetched) throw KilnError(ErrorKind::Internal, std::string("OpenSSL lacks ") + name);
  return fetched;
}

std::string digest_hex(const EVP_MD* algorithm, std::string_view data) {
  struct ContextDeleter {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };
  thread_local std::unique_ptr<EVP_MD_CTX, ContextDeleter> context(EVP_MD_CTX_new());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!context || EVP_DigestInit_ex2(context.get(), algorithm, nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    throw KilnError(ErrorKind::Internal, "OpenSSL could not compute a digest");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(length * 2, '0');
  for (unsigned int i = 0; i < length; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return out;
}

}  // namespace

std::string md5_hex(std::string_view data) {
  static const EVP_MD* md5 = algorithm_named("MD5");
  return digest_hex(md5, data);
}
std::string sha256_hex(std::string_view data) {
  static const EVP_MD* sha256 = algorithm_named("SHA256");
  return digest_hex(sha256, data);
}

}  // namespace kiln
