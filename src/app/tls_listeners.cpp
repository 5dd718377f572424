#include "app/tls_listeners.h"

namespace centinela {

TlsListeners build_tls_listeners(const config::Config& config) {
  TlsListeners out;
  const auto& listeners = config.server.listen;
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    const config::ListenerConfig& listener = listeners[i];
    if (!listener.tls) {
      out.contexts.emplace_back();
      continue;
    }
    std::string error;
    auto context =
        tls::ServerContext::make(*listener.tls, listener.endpoint.text, listener.http2, error);
    if (!context) {
      out.error =
          "server.listen[" + std::to_string(i) + "] (" + listener.endpoint.text + ") tls: " + error;
      out.contexts.clear();
      return out;
    }
    out.contexts.push_back(std::move(context));
  }
  return out;
}

namespace {

constexpr std::time_t kExpiryWarning = 14 * 24 * 3600;

std::string utc_date(std::time_t when) {
  std::tm parts{};
  gmtime_r(&when, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &parts);
  return text;
}

}  // namespace

TlsCheck check_tls_listeners(const config::Config& config, const std::string& config_path,
                             std::time_t now) {
  TlsCheck out;
  const auto& listeners = config.server.listen;
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    if (!listeners[i].tls) continue;
    const config::ListenerTlsConfig& tls = *listeners[i].tls;
    const std::string where = config_path + ":" + std::to_string(tls.line) + ": server.listen[" +
                              std::to_string(i) + "].tls: ";
    std::string error;
    const auto context =
        tls::ServerContext::make(tls, listeners[i].endpoint.text, listeners[i].http2, error);
    if (!context) {
      out.errors.push_back(where + error);
      continue;
    }
    for (const tls::CertificateReport& report : context->certificates()) {
      if (report.not_after <= now) {
        out.errors.push_back(where + "certificate " + report.file + " expired on " +
                             utc_date(report.not_after));
      } else if (report.not_after - now < kExpiryWarning) {
        out.warnings.push_back(where + "certificate " + report.file + " expires on " +
                               utc_date(report.not_after) + ", within 14 days");
      }
    }
  }
  return out;
}

bool same_listener_layout(const config::Config& running, const config::Config& next) {
  const auto& a = running.server.listen;
  const auto& b = next.server.listen;
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].endpoint.text != b[i].endpoint.text || a[i].tls.has_value() != b[i].tls.has_value()) {
      return false;
    }
  }
  return true;
}

}  // namespace centinela
