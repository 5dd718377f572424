#include "warm/warm_admin.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "observe/error_json.h"
#include "observe/json_escape.h"

namespace centinela::warm {
namespace {

// A strict reader for the one shape the endpoint takes. It never recurses,
// so a hostile body (deep nesting, huge numbers, bad escapes) costs at most
// one pass over its bytes.
class BodyReader {
 public:
  explicit BodyReader(std::string_view text) : text_(text) {}

  bool parse(WarmRequest& out, std::string& error) {
    bool seen_urls = false;
    bool seen_concurrency = false;
    if (!expect('{')) return fail(error, "expected a JSON object");
    const bool members_read = read_sequence('}', error, "expected ',' or '}'", [&] {
      std::string key;
      if (!read_string(key)) return fail(error, "expected a key string");
      if (!expect(':')) return fail(error, "expected ':' after a key");
      if (key == "urls") {
        if (seen_urls) return fail(error, "\"urls\" given twice");
        seen_urls = true;
        return read_urls(out.urls, error);
      }
      if (key == "concurrency") {
        if (seen_concurrency) return fail(error, "\"concurrency\" given twice");
        seen_concurrency = true;
        return read_concurrency(out.concurrency, error);
      }
      std::string message = "unknown key ";
      observe::append_json_string(message, key.substr(0, 64));
      return fail(error, message + " (expected \"urls\" and optionally \"concurrency\")");
    });
    if (!members_read) return false;
    skip_blanks();
    if (pos_ != text_.size()) return fail(error, "unexpected data after the JSON object");
    if (!seen_urls) return fail(error, "\"urls\" is required");
    if (out.urls.empty()) return fail(error, "\"urls\" is empty");
    return true;
  }

 private:
  bool fail(std::string& error, std::string message) {
    error = fmt::format("{} (at byte {})", message, pos_);
    return false;
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void skip_blanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool expect(char c) {
    skip_blanks();
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // The items of an object or array whose opening bracket was read, up to
  // and including `close`: each read by `read_item` (false: it set `error`),
  // separated by commas.
  template <typename ReadItem>
  bool read_sequence(char close, std::string& error, std::string_view bad_separator,
                     ReadItem read_item) {
    skip_blanks();
    if (peek() == close) {
      ++pos_;
      return true;
    }
    while (true) {
      skip_blanks();
      if (!read_item()) return false;
      skip_blanks();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == close) {
        ++pos_;
        return true;
      }
      return fail(error, std::string(bad_separator));
    }
  }

  bool read_urls(std::vector<WarmUrl>& urls, std::string& error) {
    if (!expect('[')) return fail(error, "\"urls\" must be an array of strings");
    return read_sequence(']', error, "expected ',' or ']' in \"urls\"", [&] {
      std::string text;
      if (!read_string(text)) return fail(error, "\"urls\" must be an array of strings");
      if (urls.size() >= kMaxUrlsPerRequest) {
        return fail(error, fmt::format("more than {} URLs", kMaxUrlsPerRequest));
      }
      std::string why;
      auto url = parse_warm_url(text, why);
      if (!url) return fail(error, fmt::format("urls[{}]: {}", urls.size(), why));
      urls.push_back(std::move(*url));
      return true;
    });
  }

  bool read_concurrency(std::size_t& concurrency, std::string& error) {
    skip_blanks();
    const std::size_t start = pos_;
    if (peek() == '-') ++pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    const std::string_view digits = text_.substr(start, pos_ - start);
    const char next = peek();
    if (next == '.' || next == 'e' || next == 'E' || digits.empty() || digits == "-") {
      return fail(error, "\"concurrency\" must be an integer");
    }
    long long value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || value < 1 || value > static_cast<long long>(kMaxConcurrency)) {
      return fail(error, fmt::format("\"concurrency\" must be between 1 and {}", kMaxConcurrency));
    }
    concurrency = static_cast<std::size_t>(value);
    return true;
  }

  static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool read_hex4(unsigned& value) {
    if (text_.size() - pos_ < 4) return false;
    value = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_value(text_[pos_++]);
      if (digit < 0) return false;
      value = value * 16 + static_cast<unsigned>(digit);
    }
    return true;
  }

  static void append_utf8(std::string& out, unsigned code_point) {
    if (code_point < 0x80) {
      out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
      out += static_cast<char>(0xC0 | (code_point >> 6));
      out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
      out += static_cast<char>(0xE0 | (code_point >> 12));
      out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code_point >> 18));
      out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
  }

  // A JSON string with its escapes decoded; false on anything malformed
  // (raw control characters, bad escapes, lone surrogates, no closing quote).
  bool read_string(std::string& out) {
    if (peek() != '"') return false;
    ++pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) return false;
      switch (text_[pos_++]) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned unit = 0;
          if (!read_hex4(unit)) return false;
          if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // lone low surrogate
          if (unit >= 0xD800 && unit <= 0xDBFF) {
            unsigned low = 0;
            if (text_.substr(pos_, 2) != "\\u") return false;
            pos_ += 2;
            if (!read_hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, unit);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

WarmAdminAnswer error_answer(unsigned status, std::string_view code, std::string_view message) {
  return WarmAdminAnswer{status, observe::error_json(status, code, message)};
}

}  // namespace

bool parse_warm_request(std::string_view json_body, WarmRequest& out, std::string& error) {
  if (json_body.size() > kMaxBodyBytes) {
    error = fmt::format("the body is larger than {} bytes", kMaxBodyBytes);
    return false;
  }
  WarmRequest parsed;
  if (!BodyReader(json_body).parse(parsed, error)) return false;
  out = std::move(parsed);
  return true;
}

WarmJob::~WarmJob() { cancel(); }

bool WarmJob::start(const config::Endpoint& gateway, std::vector<WarmUrl> urls,
                    std::size_t concurrency, WarmOptions options) {
  std::lock_guard lock(mutex_);
  if (running_.load()) return false;
  if (thread_.joinable()) thread_.join();  // the previous warm, already over
  total_ = urls.size();
  done_ = 0;
  cached_ = 0;
  not_cacheable_ = 0;
  failed_ = 0;
  running_ = true;
  warmer_ = std::make_unique<Warmer>(std::move(options));
  thread_ =
      std::thread([this, gateway, urls = std::move(urls), concurrency, warmer = warmer_.get()] {
        warmer->run(gateway, urls, concurrency, [this](const WarmProgress& progress) {
          cached_.store(progress.cached, std::memory_order_relaxed);
          not_cacheable_.store(progress.not_cacheable, std::memory_order_relaxed);
          failed_.store(progress.failed, std::memory_order_relaxed);
          done_.store(progress.done, std::memory_order_release);
        });
        running_.store(false, std::memory_order_release);
      });
  return true;
}

void WarmJob::cancel() {
  std::lock_guard lock(mutex_);
  if (warmer_) warmer_->cancel();
  if (thread_.joinable()) thread_.join();
}

WarmJob::Status WarmJob::status() const {
  Status status;
  status.running = running_.load(std::memory_order_acquire);
  status.done = done_.load(std::memory_order_acquire);
  status.total = total_.load(std::memory_order_relaxed);
  status.cached = cached_.load(std::memory_order_relaxed);
  status.not_cacheable = not_cacheable_.load(std::memory_order_relaxed);
  status.failed = failed_.load(std::memory_order_relaxed);
  return status;
}

std::string WarmJob::status_json() const {
  const Status s = status();
  return fmt::format(
      R"({{"running":{},"done":{},"failed":{},"not_cacheable":{},"cached":{},"total":{}}})",
      s.running, s.done, s.failed, s.not_cacheable, s.cached, s.total);
}

WarmJob& WarmJob::global() {
  static WarmJob job;
  return job;
}

WarmAdminAnswer start_warm(std::string_view body, const config::Config& config, WarmJob& job) {
  WarmRequest request;
  std::string error;
  if (!parse_warm_request(body, request, error)) return error_answer(400, "BAD_REQUEST", error);
  // The warmer speaks cleartext HTTP/1.1: it goes through the first listener without TLS.
  const auto& listeners = config.server.listen;
  const auto listener = std::find_if(listeners.begin(), listeners.end(),
                                     [](const config::ListenerConfig& l) { return !l.tls; });
  if (listener == listeners.end()) {
    return error_answer(409, "NO_LISTENER",
                        "server.listen has no cleartext address to warm through");
  }
  const std::size_t count = request.urls.size();
  if (!job.start(listener->endpoint, std::move(request.urls), request.concurrency)) {
    return error_answer(409, "WARM_RUNNING",
                        "a warm is already running; see GET /admin/cache/warm");
  }
  return WarmAdminAnswer{202, fmt::format(R"({{"accepted":{}}})", count)};
}

WarmAdminAnswer warm_status(const WarmJob& job) { return WarmAdminAnswer{200, job.status_json()}; }

}  // namespace centinela::warm
