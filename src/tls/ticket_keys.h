// Session ticket keys for every TLS listener of the process: the same keys in
// every worker and across reloads, rotated in memory every 12 hours (the
// previous period's key still decrypts, so a ticket lives up to 24 hours).
// Each period's keys are derived from a random secret made at start (HMAC of
// the period's number): no shared mutable state, no lock, nothing on disk.
#pragma once

#include <openssl/ssl.h>

namespace centinela::tls {

// Installs the ticket callback on `ctx` (SSL_CTX_set_tlsext_ticket_key_evp_cb).
void use_ticket_keys(SSL_CTX* ctx);

}  // namespace centinela::tls
