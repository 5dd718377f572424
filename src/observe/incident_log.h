// The incident log: one JSON line per attack blocked or detected, or client
// banned (docs/plans/waf.md §7), to its own file rotated like the access log,
// or to the access log's stream (stdout/stderr) marked "log":"incident". The
// lines go through the access log's writer thread (AccessLog::write_incident),
// so no worker waits on disk; the last 1,000 incidents stay in memory for
// GET /admin/waf/incidents.
//
// What a client sent is bounded and made safe here: an excerpt is cut to
// `waf.incident_log.excerpt_bytes` (at a UTF-8 boundary), JSON-escaped
// (control bytes, invalid UTF-8), and replaced by "[redacted]" when its target
// is a query parameter, header or cookie named in `log.redact`; at most 8
// findings are listed (findings_total counts them all).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace centinela::observe {

class AccessLog;

struct IncidentFinding {
  std::uint32_t rule = 0;
  std::string_view source;  // "crs" or "centinela"
  std::string_view msg;
  std::span<const std::string_view> tags;
  std::string_view severity;  // "CRITICAL", "WARNING"...
  int score = 0;
  std::string_view target;   // "ARGS:json.q", "REQUEST_HEADERS:User-Agent"
  std::string_view excerpt;  // the match with its context (see excerpt_around)
  std::string_view decoded;  // the deep decoder that revealed it ("base64"), if any
};

struct IncidentBan {
  unsigned level = 0;
  std::chrono::system_clock::time_point until;
  std::string_view signal;  // what tipped the score over ("waf", "not_found", "manual"...)
};

struct IncidentRecord {  // views need only be valid during IncidentLog::record
  std::chrono::system_clock::time_point ts;
  std::string_view incident_id, request_id, client_ip, user, route, method, path;
  std::string_view action;  // "blocked", "detected" or "banned"
  std::string_view mode;    // "block" or "detect"
  int score = 0;
  int threshold = 0;
  unsigned paranoia = 0;
  std::span<const IncidentFinding> findings;
  std::size_t findings_total = 0;  // may exceed findings.size()
  std::optional<IncidentBan> ban;
};

inline constexpr std::size_t kListedFindings = 8;
inline constexpr std::size_t kExcerptContext = 16;
inline constexpr std::size_t kIncidentRing = 1000;

// The part of `value` an excerpt shows: the match [begin, end) with up to 16
// bytes either side, at most `bound` bytes (the match's start kept).
std::string_view excerpt_around(std::string_view value, std::size_t begin, std::size_t end,
                                std::size_t bound);

// What formatting needs, resolved once per (re)load.
struct IncidentFormat {
  std::size_t excerpt_bytes = 64;
  std::vector<std::string> redact_query_params;  // case-sensitive
  std::vector<std::string> redact_headers;       // lower-case; "cookie" covers cookies
  bool mark_shared_stream = false;               // add "log":"incident"
};

IncidentFormat make_incident_format(const config::WafConfig& waf, const config::LogConfig& log);

// Appends one incident line, '\n' included.
void append_incident_line(std::string& out, const IncidentRecord& record,
                          const IncidentFormat& format);

class IncidentLog {
 public:
  // The process-wide log the WAF and threat stages record to.
  static IncidentLog& global();

  // On (re)load: formatting; `writer` carries the lines to their sink (null:
  // lines are kept for the admin view only, as in tests).
  void configure(const config::WafConfig& waf, const config::LogConfig& log, AccessLog* writer);
  // Detaches the writer (before it is destroyed).
  void detach();

  // From any thread: formats the line, keeps it, hands it to the writer.
  void record(const IncidentRecord& record);

  // {"incidents":[...]}: the newest first, at most `limit`, only those of
  // client `ip` / route `route` when given.
  std::string recent_json(std::size_t limit, std::string_view ip, std::string_view route) const;

  // Forgets the kept incidents (tests).
  void clear();

 private:
  struct Kept {
    std::string client_ip;
    std::string route;
    std::string line;  // without the newline and the "log" mark
  };

  mutable std::mutex mutex_;
  std::shared_ptr<const IncidentFormat> format_ = std::make_shared<IncidentFormat>();
  AccessLog* writer_ = nullptr;
  std::vector<Kept> ring_;  // kIncidentRing slots once full
  std::size_t next_ = 0;    // the slot the next incident takes
};

}  // namespace centinela::observe
