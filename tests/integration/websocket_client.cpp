#include "websocket_client.h"

#include <sys/socket.h>

#include <cerrno>

namespace itest {
namespace {

std::string frame_bytes(int opcode, std::string_view payload) {
  std::string out;
  out.push_back(static_cast<char>(0x80 | opcode));
  const std::size_t size = payload.size();
  if (size < 126) {
    out.push_back(static_cast<char>(0x80 | size));
  } else if (size <= 0xffff) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(size >> 8));
    out.push_back(static_cast<char>(size & 0xff));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((static_cast<std::uint64_t>(size) >> shift) & 0xff));
    }
  }
  const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
  for (unsigned char m : mask) out.push_back(static_cast<char>(m));
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(static_cast<char>(static_cast<unsigned char>(payload[i]) ^ mask[i % 4]));
  }
  return out;
}

// Fields of a head ("HTTP/1.1 101 ...\r\nName: value\r\n...\r\n\r\n").
HeaderList parse_fields(std::string_view head) {
  HeaderList fields;
  std::size_t at = head.find("\r\n");
  while (at != std::string_view::npos) {
    const std::size_t start = at + 2;
    const std::size_t end = head.find("\r\n", start);
    if (end == std::string_view::npos || end == start) break;
    const std::string_view line = head.substr(start, end - start);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      fields.emplace_back(std::string(line.substr(0, colon)),
                          std::string(trim(line.substr(colon + 1))));
    }
    at = end;
  }
  return fields;
}

}  // namespace

int WsFrame::close_code() const {
  if (opcode != 8 || payload.size() < 2) return 0;
  return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
}

WsHandshake WsClient::open(std::uint16_t port, const std::string& target, const HeaderList& extra,
                           std::chrono::milliseconds timeout) {
  WsHandshake result;
  const auto deadline = Clock::now() + timeout;
  socket_ = connect_loopback(port, timeout, &result.error);
  if (!socket_.valid()) return result;
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool custom_upgrade = false;
  for (const auto& [name, value] : extra) {
    if (iequals(name, "Upgrade") || iequals(name, "Connection")) custom_upgrade = true;
  }
  if (!custom_upgrade) request += "Connection: Upgrade\r\nUpgrade: websocket\r\n";
  request += "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + std::string(kKey) + "\r\n";
  for (const auto& [name, value] : extra) request += name + ": " + value + "\r\n";
  request += "\r\n";
  if (!send_all(socket_.fd(), request, deadline, &result.error)) return result;
  std::size_t end = std::string::npos;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) {
      result.error = "no complete answer to the handshake: " + buffer_;
      return result;
    }
  }
  const std::string head = buffer_.substr(0, end + 4);
  buffer_.erase(0, end + 4);
  if (head.size() < 12) {
    result.error = "short status line: " + head;
    return result;
  }
  result.status = std::stoi(head.substr(9, 3));
  result.headers = parse_fields(head);
  if (result.status != 101) {
    const std::size_t length = std::stoul(result.header("Content-Length").value_or("0"));
    while (buffer_.size() < length && fill(deadline)) {
    }
    result.body = buffer_.substr(0, length);
    buffer_.erase(0, std::min(length, buffer_.size()));
  }
  return result;
}

bool WsClient::send(int opcode, std::string_view payload, std::chrono::milliseconds timeout) {
  return send_all(socket_.fd(), frame_bytes(opcode, payload), Clock::now() + timeout);
}

bool WsClient::fill(Clock::time_point deadline) {
  char chunk[65536];
  const long n = recv_some(socket_.fd(), chunk, sizeof chunk, deadline);
  if (n > 0) {
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  if (n == 0 || (n < 0 && errno != ETIMEDOUT)) eof_ = true;
  return false;
}

std::optional<WsFrame> WsClient::read_frame(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (buffer_.size() >= 2) {
      const auto b0 = static_cast<unsigned char>(buffer_[0]);
      const auto b1 = static_cast<unsigned char>(buffer_[1]);
      std::size_t header = 2;
      std::uint64_t length = b1 & 0x7f;
      if (length == 126) header = 4;
      if (length == 127) header = 10;
      const bool masked = (b1 & 0x80) != 0;
      if (masked) header += 4;
      if (buffer_.size() >= header) {
        if (length == 126) {
          length = (static_cast<unsigned char>(buffer_[2]) << 8) |
                   static_cast<unsigned char>(buffer_[3]);
        } else if (length == 127) {
          length = 0;
          for (int i = 2; i < 10; ++i)
            length = (length << 8) | static_cast<unsigned char>(buffer_[i]);
        }
        if (buffer_.size() >= header + length) {
          WsFrame frame;
          frame.fin = (b0 & 0x80) != 0;
          frame.opcode = b0 & 0x0f;
          frame.payload = buffer_.substr(header, length);
          if (masked) {
            const std::string key = buffer_.substr(header - 4, 4);
            for (std::size_t i = 0; i < frame.payload.size(); ++i) frame.payload[i] ^= key[i % 4];
          }
          buffer_.erase(0, header + length);
          return frame;
        }
      }
    }
    if (!fill(deadline)) return std::nullopt;
  }
}

bool WsClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!eof_) {
    buffer_.clear();
    if (!fill(deadline) && !eof_) return false;
  }
  return true;
}

void WsClient::shutdown_write() { ::shutdown(socket_.fd(), SHUT_WR); }

}  // namespace itest
