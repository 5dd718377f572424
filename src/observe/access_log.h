// The access log: one JSON object per request (fields in CONTRACT.md "Access
// log"). Workers format the line into their own buffer and return; a writer
// thread moves the buffers to the sink every ~50 ms, so no worker ever waits
// on disk I/O. Slow requests additionally produce a warning on the event log.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "config/config.h"
#include "observe/origin_timing.h"

namespace centinela::observe {

struct AccessLogRecord {  // string_views need only be valid during write()
  std::chrono::system_clock::time_point start;
  std::string_view request_id, trace_id, client_ip, user, method, path;
  std::string_view query;  // raw, without '?'; redacted by the log
  std::string_view route, upstream, cache, ratelimit, user_agent;
  std::string_view threat;         // "banned:ip" / "banned:user"; the field only when set
  std::string_view host;           // the request's authority as routed (empty: not known)
  std::string_view protocol;       // "HTTP/1.1", "HTTP/1.0" (empty: the head was refused)
  std::string_view referer;        // as sent; its query is redacted by the log
  std::string_view span_id;        // the gateway's span (a traced request's SERVER span)
  std::string_view upstream_addr;  // ip:port of the server of the last try
  std::string_view error;  // why the gateway's upstream exchange failed (connect_refused, ...)
  unsigned upstream_status = 0;  // the status the upstream server answered (0: none)
  unsigned status = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;  // the request as read: head and body bytes on the wire
  bool tls = false;                  // the client connection is TLS (scheme https)
  std::string_view tls_version;      // "TLSv1.3"; empty for cleartext
  std::string_view tls_cipher;       // the negotiated cipher suite (OpenSSL's name)
  std::string_view tls_sni;          // the server name the client asked for, if any
  double duration_ms = 0;
  double upstream_ms = -1;  // -1: no upstream involved
  // Timing breakdown for slow-request warnings: connecting to the upstream,
  // waiting for its response head (-1: not reached).
  double upstream_connect_ms = -1, upstream_response_ms = -1;
  // The origin's Server-Timing durations (`origin_timing`; empty: left out).
  std::span<const OriginTiming> origin_timing;
  // Attack detection (waf_action empty: no WAF on the route, fields left out).
  int waf_score = 0;
  std::string_view waf_action;   // "pass", "detected", "blocked"
  std::string_view incident_id;  // when the request made an incident
  // A WebSocket handshake answered 101: the line is written when the tunnel
  // closes, duration_ms is the whole tunnel's; `speed` and slow-request
  // warnings go by handshake_ms (request to 101) instead.
  bool tunnel = false;
  double handshake_ms = 0;
  std::uint64_t tunnel_bytes_in = 0;   // client → upstream
  std::uint64_t tunnel_bytes_out = 0;  // upstream → client
};

// What `speed` is judged on: the request's duration, a tunnel's handshake.
inline double speed_basis_ms(const AccessLogRecord& record) {
  return record.tunnel ? record.handshake_ms : record.duration_ms;
}

enum class Speed { fast, normal, slow, very_slow };

// Below `normal` → fast, below `slow` → normal, below `very_slow` → slow,
// otherwise very_slow.
Speed classify_speed(double duration_ms, const config::SlowRequestConfig& thresholds);
std::string_view to_string(Speed speed);

class AccessLog {
 public:
  // Starts the writer thread, which opens the sinks. `incidents`: where the
  // incident log's lines go (write_incident); its default (no path) is none.
  explicit AccessLog(const config::LogConfig& cfg,
                     const config::IncidentLogConfig& incidents = {false, {}, {}, 0});
  // Writes out everything buffered, then joins the writer.
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // From any thread; formats into the calling worker's buffer and returns.
  // Lines beyond a bounded backlog (a stalled disk) are dropped and counted
  // (centinela_access_log_dropped_total) rather than growing memory.
  void write(const AccessLogRecord& record);

  // Whether write() writes anything (access lines are on): without them a
  // caller need not build the record. A reload may switch it at any time.
  bool enabled() const;

  // One complete incident line ('\n' included; see observe/incident_log.h),
  // from any thread: to the incident sink, or among the access lines when
  // both logs name the same stream or file. Bounded like write().
  void write_incident(std::string_view line);

  // On reload: new redaction and thresholds apply at once; the sink (path,
  // rotation) is switched by the writer before this returns, so lines written
  // afterwards go to the new sink. The file is reopened even when the path is
  // unchanged, which also suits external rotation tools.
  void reconfigure(const config::LogConfig& cfg);
  void reconfigure(const config::LogConfig& cfg, const config::IncidentLogConfig& incidents);

  // Reopens the log files at their paths (external rotation moved them
  // away; SIGUSR1) after writing out what was buffered, and returns when the
  // writer has done it. The configuration stays as it is.
  void reopen();

  // Blocks until every line written before the call has been handed to the
  // sink (written to the file / stream).
  void flush();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace centinela::observe
