#include "cache/freshness.h"

#include <algorithm>
#include <array>
#include <chrono>

#include "cache/cache_entry.h"
#include "cache/status_ttl.h"

namespace centinela::cache {
namespace {

// Final statuses this cache knows the semantics of, and so may store with
// explicit freshness (RFC 9111 §3: "understands the response status code").
// Errors that are usually transient (400, 403, 5xx other than 501) are left
// out: stale-if-error exists for those. 206 is refused as partial content
// and 304 only ever refreshes a stored entry.
bool is_understood_status(unsigned status) {
  switch (status) {
    case 200:
    case 203:
    case 204:
    case 300:
    case 301:
    case 302:
    case 303:
    case 307:
    case 308:
    case 404:
    case 405:
    case 410:
    case 414:
    case 451:
    case 501:
      return true;
    default:
      return false;
  }
}

// Heuristically cacheable statuses (RFC 9110 §15.1), less 206 (not stored).
bool is_heuristically_cacheable(unsigned status) {
  switch (status) {
    case 200:
    case 203:
    case 204:
    case 300:
    case 301:
    case 308:
    case 404:
    case 405:
    case 410:
    case 414:
    case 501:
      return true;
    default:
      return false;
  }
}

constexpr std::int64_t kMaxHeuristicLifetime = 24 * 60 * 60;  // §4.2.2: beyond a day is suspect

std::int64_t clamp_lifetime(std::int64_t seconds) {
  return std::clamp<std::int64_t>(seconds, 0, kMaxDeltaSeconds);
}

std::int64_t whole_seconds(config::Duration d) {
  return clamp_lifetime(std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

// RFC 9213 §2.1: the first targeted field with a valid, non-empty value
// decides, and Cache-Control and Expires are then ignored for caching policy
// altogether (no-store / private in Cache-Control included: the origin is
// addressing browsers there). "Valid" is taken as: at least one directive
// recognised.
struct Steering {
  ResponseDirectives directives;
  bool targeted = false;  // a targeted field decides; ignore Expires too
};

// With `override.ignore: [cache-control]` the origin's Cache-Control and
// CDN-Cache-Control count as absent; Centinela-Cache-Control, written for
// this cache alone, still steers.
Steering choose_steering(const SteeringFields& fields, bool ignore_cache_control) {
  Steering s;
  const std::string_view cdn = ignore_cache_control ? std::string_view() : fields.cdn_cache_control;
  for (const std::string_view targeted : {fields.centinela_cache_control, cdn}) {
    if (targeted.empty()) continue;
    s.directives = parse_response_directives(targeted);
    if (s.directives.any || s.directives.truncated) {
      s.targeted = true;
      return s;
    }
  }
  if (!ignore_cache_control) s.directives = parse_response_directives(fields.cache_control);
  return s;
}

}  // namespace

std::string_view to_string(StoreVerdict verdict) {
  switch (verdict) {
    case StoreVerdict::ok:
      return "ok";
    case StoreVerdict::method:
      return "method";
    case StoreVerdict::status:
      return "status";
    case StoreVerdict::no_store:
      return "no-store";
    case StoreVerdict::private_:
      return "private";
    case StoreVerdict::authorization:
      return "authorization";
    case StoreVerdict::set_cookie:
      return "set-cookie";
    case StoreVerdict::vary_star:
      return "vary-star";
    case StoreVerdict::no_freshness:
      return "no-freshness";
    case StoreVerdict::partial:
      return "partial";
  }
  return "unknown";
}

namespace {

// Why a GET or HEAD response, not partial, may not be stored whatever its
// lifetime, or nullopt.
std::optional<StoreVerdict> refusal(const ResponseFacts& facts, const ResponseDirectives& d,
                                    const config::CacheConfig& route,
                                    std::optional<std::int64_t> status_lifetime) {
  // ttl_by_status: 0 refuses a status, a lifetime makes any final one
  // storable (304 only ever refreshes an entry).
  if (status_lifetime && (*status_lifetime == 0 || facts.status == 304)) {
    return StoreVerdict::status;
  }
  if (!status_lifetime && !is_understood_status(facts.status)) return StoreVerdict::status;
  if (facts.request_no_store) return StoreVerdict::no_store;
  // A field cut short may hide a no-store or private past the limit.
  if (d.truncated) return StoreVerdict::no_store;
  // §5.2.2.3: with must-understand, a cache that understands the status
  // ignores no-store (the origin's fallback for caches that do not).
  if (d.no_store && !d.must_understand) return StoreVerdict::no_store;
  if (d.private_ && !facts.user_entry) return StoreVerdict::private_;
  // §3.5: a shared cache stores an answer to an authenticated request only
  // when the response explicitly allows it.
  if (facts.request_has_credentials && !(d.public_ || d.s_maxage || d.must_revalidate)) {
    return StoreVerdict::authorization;
  }
  if (facts.has_set_cookie && !route.store_set_cookie && !route.overrides.ignore_set_cookie) {
    return StoreVerdict::set_cookie;
  }
  if (facts.vary_star) return StoreVerdict::vary_star;
  return std::nullopt;
}

// Freshness lifetime (§4.2.1): s-maxage, max-age, Expires - Date; then the
// route's ttl, then the Last-Modified heuristic (§4.2.2), which sets
// `heuristic`. nullopt when nothing gives one.
std::optional<std::int64_t> freshness_lifetime(const ResponseFacts& facts, const Steering& steering,
                                               const config::CacheConfig& route,
                                               std::optional<std::int64_t> status_lifetime,
                                               bool& heuristic) {
  const ResponseDirectives& d = steering.directives;
  if (d.s_maxage) return *d.s_maxage;
  if (d.max_age) return *d.max_age;
  const bool expires_counts = !steering.targeted && !route.overrides.ignore_expires;
  if (expires_counts && facts.expires_invalid) {
    return 0;  // §5.3: an invalid Expires means already expired
  }
  if (expires_counts && facts.expires) {
    return *facts.expires - facts.date.value_or(facts.response_time);
  }
  if (status_lifetime) return *status_lifetime;
  if (route.ttl && is_heuristically_cacheable(facts.status)) return whole_seconds(*route.ttl);
  if (facts.last_modified && (is_heuristically_cacheable(facts.status) || d.public_)) {
    const std::int64_t since = facts.date.value_or(facts.response_time) - *facts.last_modified;
    if (since > 0) {
      heuristic = true;
      return std::min(since / 10, kMaxHeuristicLifetime);
    }
  }
  return std::nullopt;
}

// Serving stale: never for no-cache or an explicit must-/proxy-revalidate
// (§4.2.4). With s-maxage only the origin's own stale-* directives count
// (the common "s-maxage=1, stale-while-revalidate=59" asks for exactly
// that); the route's defaults fill in where the origin said nothing.
void plan_stale_windows(StoragePlan& plan, const ResponseDirectives& d,
                        const config::CacheConfig& route) {
  const bool stale_forbidden = d.no_cache || d.must_revalidate || d.proxy_revalidate;
  const bool route_defaults_apply = !stale_forbidden && !d.s_maxage;
  const auto stale_window = [&](const std::optional<std::int64_t>& origin,
                                const std::optional<config::Duration>& route_default) {
    if (stale_forbidden) return std::int64_t{-1};
    if (origin) return *origin;
    if (route_defaults_apply && route_default) return whole_seconds(*route_default);
    return std::int64_t{-1};
  };
  plan.stale_while_revalidate =
      stale_window(d.stale_while_revalidate, route.stale_while_revalidate);
  plan.stale_if_error = stale_window(d.stale_if_error, route.stale_if_error);
}

}  // namespace

StoragePlan plan_storage(const ResponseFacts& facts, const config::CacheConfig& route) {
  StoragePlan plan;
  const auto refuse = [&plan](StoreVerdict v) {
    plan.verdict = v;
    return plan;
  };

  if (facts.method != "GET" && facts.method != "HEAD") return refuse(StoreVerdict::method);
  if (facts.status == 206 || facts.has_content_range) return refuse(StoreVerdict::partial);

  const Steering steering = choose_steering(facts.steering, route.overrides.ignore_cache_control);
  const ResponseDirectives& d = steering.directives;
  const std::optional<std::int64_t> status_lifetime = status_ttl(route.overrides, facts.status);
  if (const std::optional<StoreVerdict> refused = refusal(facts, d, route, status_lifetime)) {
    return refuse(*refused);
  }

  const std::optional<std::int64_t> lifetime =
      freshness_lifetime(facts, steering, route, status_lifetime, plan.heuristic);
  plan.freshness_lifetime = clamp_lifetime(lifetime.value_or(0));

  plan.no_cache = d.no_cache;
  plan.immutable = d.immutable;
  // s-maxage carries proxy-revalidate's meaning for a shared cache (§5.2.2.10).
  plan.must_revalidate = d.must_revalidate || d.proxy_revalidate || d.s_maxage.has_value();
  plan_stale_windows(plan, d, route);

  // Worth storing only if something lets it be reused: freshness, a
  // validator for a conditional request, or a permission to serve it stale.
  // A no-cache response is reusable only through a conditional request.
  const bool reusable = d.no_cache ? facts.has_validator
                                   : (plan.freshness_lifetime > 0 || facts.has_validator ||
                                      plan.stale_while_revalidate > 0 || plan.stale_if_error > 0);
  if (!lifetime && !facts.has_validator) return refuse(StoreVerdict::no_freshness);
  if (!reusable) return refuse(StoreVerdict::no_freshness);
  return plan;
}

std::int64_t current_age(const CacheEntry& entry, std::int64_t now) {
  // §4.2.3, with negative intervals (clocks stepped back) taken as 0.
  const std::int64_t apparent_age =
      std::max<std::int64_t>(0, entry.response_time - entry.date_value);
  const std::int64_t response_delay =
      std::max<std::int64_t>(0, entry.response_time - entry.request_time);
  const std::int64_t corrected_age_value =
      std::max<std::int64_t>(0, entry.age_value) + response_delay;
  const std::int64_t corrected_initial_age = std::max(apparent_age, corrected_age_value);
  const std::int64_t resident_time = std::max<std::int64_t>(0, now - entry.response_time);
  return corrected_initial_age + resident_time;
}

UseDecision decide_use(const CacheEntry& entry, const RequestDirectives& request,
                       std::int64_t now) {
  UseDecision out;
  const std::int64_t age = current_age(entry, now);
  const std::int64_t lifetime = entry.freshness_lifetime;
  out.age = age;
  out.ttl = lifetime - age;
  const bool fresh = lifetime > age;
  const bool within_stale_if_error =
      entry.stale_if_error >= 0 && age < lifetime + entry.stale_if_error;
  out.stale_if_error_ok = !entry.no_cache && (fresh || within_stale_if_error);

  out.use = Usability::must_revalidate;
  if (entry.no_cache) return out;
  const bool age_acceptable = !request.max_age || age <= *request.max_age;
  const bool fresh_enough = !request.min_fresh || lifetime - age >= *request.min_fresh;

  if (fresh) {
    // RFC 8246: an immutable response does not change while fresh, so a
    // reload's no-cache need not reach the origin.
    if (request.no_cache && !entry.immutable) return out;
    if (age_acceptable && fresh_enough) out.use = Usability::fresh;
    return out;
  }

  // Stale. The client's own limits come first; must-revalidate (and
  // s-maxage) forbid max-stale; a stale-while-revalidate window, which
  // plan_storage already withheld where serving stale is forbidden, lets
  // the entry be served while one refresh runs.
  if (request.no_cache || !age_acceptable) return out;
  const std::int64_t staleness = age - lifetime;
  if (!entry.must_revalidate &&
      (request.max_stale_any || (request.max_stale && staleness <= *request.max_stale))) {
    out.use = Usability::stale_revalidate_in_background;
    return out;
  }
  if (request.min_fresh) return out;
  if (entry.stale_while_revalidate >= 0 && age < lifetime + entry.stale_while_revalidate) {
    out.use = Usability::stale_revalidate_in_background;
  }
  return out;
}

// ---------------------------------------------------------------------------
// HTTP-date (RFC 9110 §5.6.7).

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  // Howard Hinnant's algorithm: eras of 400 years, March-based years so the
  // leap day falls at the end.
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

template <std::size_t N>
bool is_one_of(std::string_view text, const std::array<std::string_view, N>& names) {
  return std::find(names.begin(), names.end(), text) != names.end();
}

// 1..12, or 0.
unsigned month_number(std::string_view text) {
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == text) return static_cast<unsigned>(i + 1);
  }
  return 0;
}

// Exactly `text.size()` digits, or -1.
int digits(std::string_view text) {
  if (text.empty()) return -1;
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool is_leap(std::int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned days_in_month(std::int64_t year, unsigned month) {
  static constexpr std::array<unsigned, 12> kLengths = {31, 28, 31, 30, 31, 30,
                                                        31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kLengths[month - 1];
}

struct CivilTime {
  std::int64_t year = 0;
  unsigned month = 0;
  int day = -1;
  int hour = -1, minute = -1, second = -1;
};

// "HH:MM:SS" (second 60 allowed: a leap second, RFC 5322).
bool parse_time_of_day(std::string_view text, CivilTime& t) {
  if (text.size() != 8 || text[2] != ':' || text[5] != ':') return false;
  t.hour = digits(text.substr(0, 2));
  t.minute = digits(text.substr(3, 2));
  t.second = digits(text.substr(6, 2));
  return t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59 && t.second >= 0 &&
         t.second <= 60;
}

std::optional<std::int64_t> to_epoch(const CivilTime& t) {
  if (t.month < 1 || t.month > 12 || t.day < 1 ||
      static_cast<unsigned>(t.day) > days_in_month(t.year, t.month)) {
    return std::nullopt;
  }
  return days_from_civil(t.year, t.month, static_cast<unsigned>(t.day)) * 86400 + t.hour * 3600 +
         t.minute * 60 + t.second;
}

// The civil year of a day number (inverse of days_from_civil, year only).
std::int64_t year_of_day(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned march_month = (5 * day_of_year + 2) / 153;  // 0 = March
  return static_cast<std::int64_t>(year_of_era) + era * 400 + (march_month >= 10 ? 1 : 0);
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<std::int64_t> parse_imf_fixdate(std::string_view s) {
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s.substr(25) != " GMT" || !is_one_of(s.substr(0, 3), kDays)) {
    return std::nullopt;
  }
  CivilTime t;
  t.day = digits(s.substr(5, 2));
  t.month = month_number(s.substr(8, 3));
  t.year = digits(s.substr(12, 4));
  if (t.year < 0 || !parse_time_of_day(s.substr(17, 8), t)) return std::nullopt;
  return to_epoch(t);
}

// "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<std::int64_t> parse_rfc850_date(std::string_view s, std::int64_t now) {
  const auto comma = s.find(',');
  if (comma == std::string_view::npos || !is_one_of(s.substr(0, comma), kLongDays)) {
    return std::nullopt;
  }
  const std::string_view rest = s.substr(comma);
  // ", 06-Nov-94 08:49:37 GMT"
  if (rest.size() != 24 || rest[1] != ' ' || rest[4] != '-' || rest[8] != '-' || rest[11] != ' ' ||
      rest.substr(20) != " GMT") {
    return std::nullopt;
  }
  CivilTime t;
  t.day = digits(rest.substr(2, 2));
  t.month = month_number(rest.substr(5, 3));
  const int two_digit_year = digits(rest.substr(9, 2));
  if (two_digit_year < 0 || !parse_time_of_day(rest.substr(12, 8), t)) return std::nullopt;
  // RFC 9110 §5.6.7: a year more than 50 years ahead is the century before.
  const std::int64_t now_year = year_of_day(now >= 0 ? now / 86400 : (now - 86399) / 86400);
  t.year = (now_year / 100) * 100 + two_digit_year;
  if (t.year > now_year + 50) t.year -= 100;
  return to_epoch(t);
}

// "Sun Nov  6 08:49:37 1994"
std::optional<std::int64_t> parse_asctime_date(std::string_view s) {
  if (s.size() != 24 || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[19] != ' ' ||
      !is_one_of(s.substr(0, 3), kDays)) {
    return std::nullopt;
  }
  CivilTime t;
  t.month = month_number(s.substr(4, 3));
  // Day: two digits, or a space and one digit.
  t.day = s[8] == ' ' ? digits(s.substr(9, 1)) : digits(s.substr(8, 2));
  t.year = digits(s.substr(20, 4));
  if (t.year < 0 || !parse_time_of_day(s.substr(11, 8), t)) return std::nullopt;
  return to_epoch(t);
}

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view text, std::int64_t now) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.size() < 24 || text.size() > 33) return std::nullopt;
  if (text[3] == ',') return parse_imf_fixdate(text);
  if (text[3] == ' ') return parse_asctime_date(text);
  return parse_rfc850_date(text, now);
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return parse_http_date(text, now);
}

}  // namespace centinela::cache
