#include "tls/session_slot.h"

namespace centinela::tls {
namespace {

int slot_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

}  // namespace

// OpenSSL's new-session callback: 1 when the slot took the reference.
int keep_new_session(SSL* ssl, SSL_SESSION* session) {
  auto* slot = static_cast<SessionSlot*>(SSL_get_ex_data(ssl, slot_index()));
  if (slot == nullptr || SSL_SESSION_is_resumable(session) != 1) return 0;
  if (slot->session_ != nullptr) SSL_SESSION_free(slot->session_);
  slot->session_ = session;
  return 1;
}

SessionSlot::~SessionSlot() { clear(); }

void SessionSlot::clear() {
  if (session_ != nullptr) SSL_SESSION_free(session_);
  session_ = nullptr;
}

void SessionSlot::attach(SSL* ssl) {
  if (session_ != nullptr) SSL_set_session(ssl, session_);  // takes its own reference
  SSL_set_ex_data(ssl, slot_index(), this);
}

void SessionSlot::forget(SSL* ssl) { SSL_set_ex_data(ssl, slot_index(), nullptr); }

void remember_sessions(ClientContext& context) {
  slot_index();  // allocated here, on the main thread, before any worker asks
  SSL_CTX_sess_set_new_cb(context.context().native_handle(), keep_new_session);
}

}  // namespace centinela::tls
