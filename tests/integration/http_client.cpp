#include "http_client.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "pattern_body.h"

namespace itest {

namespace {

bool parse_status_line(std::string_view line, HttpResponse& response) {
  if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12 || line[8] != ' ') return false;
  std::string code(line.substr(9, 3));
  char* end = nullptr;
  long status = std::strtol(code.c_str(), &end, 10);
  if (end != code.c_str() + 3 || status < 100 || status > 999) return false;
  response.status = static_cast<int>(status);
  response.reason = line.size() > 13 ? std::string(line.substr(13)) : "";
  return true;
}

bool parse_fields(std::string_view rest, HeaderList& headers) {
  while (!rest.empty()) {
    std::size_t end = rest.find("\r\n");
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 2);
    if (line.empty()) break;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    headers.emplace_back(std::string(line.substr(0, colon)),
                         std::string(trim(line.substr(colon + 1))));
  }
  return true;
}

}  // namespace

HttpConnection::HttpConnection(std::uint16_t port, std::chrono::milliseconds connect_timeout)
    : socket_(connect_loopback(port, connect_timeout, &error_)) {}

bool HttpConnection::send(std::string_view bytes, std::chrono::milliseconds timeout) {
  if (!socket_.valid()) return false;
  return send_all(socket_.fd(), bytes, Clock::now() + timeout, &error_);
}

bool HttpConnection::send_pattern(std::uint64_t length, std::chrono::milliseconds timeout) {
  if (!socket_.valid()) return false;
  auto deadline = Clock::now() + timeout;
  for (std::uint64_t offset = 0; offset < length;) {
    std::string_view piece = pattern_slice(
        offset, static_cast<std::size_t>(std::min<std::uint64_t>(length - offset, 64 * 1024)));
    if (!send_all(socket_.fd(), piece, deadline, &error_)) return false;
    offset += piece.size();
  }
  return true;
}

bool HttpConnection::fill(Clock::time_point deadline, std::string& error) {
  char chunk[64 * 1024];
  long got = recv_some(socket_.fd(), chunk, sizeof chunk, deadline);
  if (got > 0) {
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }
  error = got == 0
              ? "connection closed by peer"
              : (errno == ETIMEDOUT ? "timed out" : std::string("recv: ") + std::strerror(errno));
  return false;
}

bool HttpConnection::read_head(std::string& head, Clock::time_point deadline, std::string& error) {
  for (;;) {
    std::size_t end = buffer_.find("\r\n\r\n");
    if (end != std::string::npos) {
      head = buffer_.substr(0, end + 4);
      buffer_.erase(0, end + 4);
      return true;
    }
    if (!fill(deadline, error)) return false;
  }
}

bool HttpConnection::read_line(std::string& line, Clock::time_point deadline, std::string& error) {
  for (;;) {
    std::size_t end = buffer_.find("\r\n");
    if (end != std::string::npos) {
      line = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      return true;
    }
    if (!fill(deadline, error)) return false;
  }
}

HttpResponse HttpConnection::read_response(const ReadOptions& options) {
  HttpResponse response;
  if (!socket_.valid()) {
    response.error = "not connected: " + error_;
    return response;
  }
  auto deadline = Clock::now() + options.timeout;
  std::string head;
  for (;;) {
    if (!read_head(head, deadline, response.error)) return response;
    std::string_view view(head);
    std::size_t line_end = view.find("\r\n");
    HttpResponse parsed;
    if (!parse_status_line(view.substr(0, line_end), parsed) ||
        !parse_fields(view.substr(line_end + 2), parsed.headers)) {
      response.error = "malformed response head: " + head.substr(0, 200);
      return response;
    }
    if (parsed.status >= 100 && parsed.status < 200 && parsed.status != 101 &&
        !options.stop_at_interim) {
      response.interim_statuses.push_back(parsed.status);
      continue;
    }
    response.status = parsed.status;
    response.reason = std::move(parsed.reason);
    response.headers = std::move(parsed.headers);
    break;
  }
  if (options.head_request || response.status < 200 || response.status == 204 ||
      response.status == 304) {
    return response;
  }

  BodyDigest digest(options.keep_body_bytes);
  auto finish = [&] {
    response.body_bytes = digest.bytes();
    response.body_crc32 = digest.crc32();
    response.body = std::move(digest.kept());
    return response;
  };
  // Moves up to `limit` buffered bytes into the digest.
  auto consume = [&](std::uint64_t limit) {
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(limit, buffer_.size()));
    digest.add(std::string_view(buffer_).substr(0, take));
    buffer_.erase(0, take);
    return take;
  };

  if (header_has_token(response.headers, "transfer-encoding", "chunked")) {
    response.chunked = true;
    for (;;) {
      std::string size_line;
      if (!read_line(size_line, deadline, response.error)) return finish();
      std::string digits(trim(std::string_view(size_line).substr(0, size_line.find(';'))));
      char* end = nullptr;
      unsigned long long size = std::strtoull(digits.c_str(), &end, 16);
      if (digits.empty() || end != digits.c_str() + digits.size()) {
        response.error = "bad chunk size line: " + size_line;
        return finish();
      }
      if (size == 0) {
        for (;;) {
          std::string trailer;
          if (!read_line(trailer, deadline, response.error)) return finish();
          if (trailer.empty()) break;
          response.trailers += trailer + "\r\n";
        }
        return finish();
      }
      while (size > 0) {
        if (buffer_.empty() && !fill(deadline, response.error)) return finish();
        size -= consume(size);
      }
      std::string crlf;
      if (!read_line(crlf, deadline, response.error)) return finish();
      if (!crlf.empty()) {
        response.error = "chunk not followed by CRLF";
        return finish();
      }
    }
  }
  if (auto length_text = response.header("content-length")) {
    std::uint64_t length = std::strtoull(length_text->c_str(), nullptr, 10);
    while (length > 0) {
      if (buffer_.empty() && !fill(deadline, response.error)) return finish();
      length -= consume(length);
    }
    return finish();
  }
  // Delimited by close.
  for (;;) {
    consume(buffer_.size());
    std::string error;
    if (!fill(deadline, error)) {
      if (error != "connection closed by peer") response.error = error;
      return finish();
    }
  }
}

bool HttpConnection::wait_closed(std::chrono::milliseconds timeout, std::string* received) {
  if (!socket_.valid()) return true;
  auto deadline = Clock::now() + timeout;
  if (received) received->append(buffer_);
  buffer_.clear();
  char chunk[16 * 1024];
  for (;;) {
    long got = recv_some(socket_.fd(), chunk, sizeof chunk, deadline);
    if (got > 0) {
      if (received) received->append(chunk, static_cast<std::size_t>(got));
      continue;
    }
    if (got == 0) return true;
    return errno != ETIMEDOUT;  // reset counts as closed
  }
}

std::string build_request(std::string_view method, std::string_view target,
                          const HeaderList& headers, std::string_view body) {
  std::string out = fmt::format("{} {} HTTP/1.1\r\n", method, target);
  if (!find_header(headers, "host")) out += "Host: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  bool framed = find_header(headers, "content-length") || find_header(headers, "transfer-encoding");
  bool usually_has_body = method == "POST" || method == "PUT" || method == "PATCH";
  if (!framed && (!body.empty() || usually_has_body)) {
    out += fmt::format("Content-Length: {}\r\n", body.size());
  }
  out += "\r\n";
  out += body;
  return out;
}

HttpResponse http_request(std::uint16_t port, std::string_view method, std::string_view target,
                          const HeaderList& headers, std::string_view body,
                          std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  HttpConnection connection(port, timeout);
  HttpResponse response;
  if (!connection.connected()) {
    response.error = "connect: " + connection.error();
    return response;
  }
  if (!connection.send(build_request(method, target, headers, body), timeout)) {
    response.error = "send: " + connection.error();
    return response;
  }
  ReadOptions options;
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  options.head_request = method == "HEAD";
  return connection.read_response(options);
}

HttpResponse http_get(std::uint16_t port, std::string_view target, const HeaderList& headers,
                      std::chrono::milliseconds timeout) {
  return http_request(port, "GET", target, headers, {}, timeout);
}

}  // namespace itest
