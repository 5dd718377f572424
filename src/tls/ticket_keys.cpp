#include "tls/ticket_keys.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <mutex>

namespace centinela::tls {
namespace {

constexpr std::chrono::hours kRotation{12};

using Bytes32 = std::array<unsigned char, 32>;

struct PeriodKeys {
  std::int64_t period = -1;
  std::array<unsigned char, 16> name{};
  Bytes32 aes{};
  Bytes32 hmac{};
};

const Bytes32& master_secret() {
  static Bytes32 secret;
  static std::once_flag made;
  std::call_once(made, [] {
    if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) std::abort();
  });
  return secret;
}

Bytes32 derive(std::int64_t period, char purpose) {
  unsigned char input[9];
  input[0] = static_cast<unsigned char>(purpose);
  for (int i = 0; i < 8; ++i) input[1 + i] = static_cast<unsigned char>(period >> (8 * i));
  Bytes32 out{};
  unsigned int size = 0;
  const Bytes32& secret = master_secret();
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), input, sizeof input,
       out.data(), &size);
  return out;
}

// The keys of `period`, remembered per thread (workers derive each period's
// once).
const PeriodKeys& keys_for(std::int64_t period) {
  thread_local std::array<PeriodKeys, 2> cache;
  PeriodKeys& slot = cache[static_cast<std::size_t>(period & 1)];
  if (slot.period != period) {
    slot.period = period;
    const Bytes32 name = derive(period, 'n');
    std::memcpy(slot.name.data(), name.data(), slot.name.size());
    slot.aes = derive(period, 'a');
    slot.hmac = derive(period, 'h');
  }
  return slot;
}

std::int64_t current_period() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::hours>(now).count() / kRotation.count();
}

bool init_mac(EVP_MAC_CTX* hctx, const PeriodKeys& keys) {
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(
          OSSL_MAC_PARAM_KEY, const_cast<unsigned char*>(keys.hmac.data()), keys.hmac.size()),
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end()};
  return EVP_MAC_CTX_set_params(hctx, params) == 1;
}

int ticket_key_callback(SSL*, unsigned char* key_name, unsigned char* iv, EVP_CIPHER_CTX* cipher,
                        EVP_MAC_CTX* hctx, int encrypt) {
  const std::int64_t now = current_period();
  if (encrypt == 1) {
    const PeriodKeys& keys = keys_for(now);
    if (RAND_bytes(iv, 16) != 1) return -1;
    std::memcpy(key_name, keys.name.data(), keys.name.size());
    if (EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, keys.aes.data(), iv) != 1) return -1;
    return init_mac(hctx, keys) ? 1 : -1;
  }
  for (const std::int64_t period : {now, now - 1}) {
    const PeriodKeys& keys = keys_for(period);
    if (std::memcmp(key_name, keys.name.data(), keys.name.size()) != 0) continue;
    if (EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, keys.aes.data(), iv) != 1) return -1;
    if (!init_mac(hctx, keys)) return -1;
    return period == now ? 1 : 2;  // 2: valid, but issue a ticket under the current key
  }
  return 0;  // unknown key (older, or another process's): a full handshake
}

}  // namespace

void use_ticket_keys(SSL_CTX* ctx) {
  master_secret();  // made on the main thread, before any worker handshakes
  SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_key_callback);
}

}  // namespace centinela::tls
