#include "redis_command.h"

#include <chrono>
#include <cstdlib>

#include "loopback_socket.h"

namespace itest {
namespace {

// Reads RESP from `socket`, buffering in `buffer`.
class RespReader {
 public:
  RespReader(int fd, Clock::time_point deadline) : fd_(fd), deadline_(deadline) {}

  // Appends the strings of one reply to `out`; false on error or timeout.
  bool read(std::vector<std::string>& out) {
    std::string line;
    if (!read_line(line) || line.empty()) return false;
    const char type = line[0];
    const std::string rest = line.substr(1);
    switch (type) {
      case '+':
      case ':':
        out.push_back(rest);
        return true;
      case '$': {
        const long length = std::strtol(rest.c_str(), nullptr, 10);
        if (length < 0) return true;  // nil
        std::string bytes;
        if (!read_bytes(static_cast<std::size_t>(length) + 2, bytes)) return false;
        out.push_back(bytes.substr(0, static_cast<std::size_t>(length)));
        return true;
      }
      case '*': {
        const long count = std::strtol(rest.c_str(), nullptr, 10);
        for (long i = 0; i < count; ++i) {
          if (!read(out)) return false;
        }
        return true;
      }
      default:
        return false;  // '-': an error reply
    }
  }

 private:
  bool fill() {
    char chunk[64 * 1024];
    const long got = recv_some(fd_, chunk, sizeof chunk, deadline_);
    if (got <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }
  bool read_line(std::string& line) {
    std::size_t end;
    while ((end = buffer_.find("\r\n")) == std::string::npos) {
      if (!fill()) return false;
    }
    line = buffer_.substr(0, end);
    buffer_.erase(0, end + 2);
    return true;
  }
  bool read_bytes(std::size_t count, std::string& bytes) {
    while (buffer_.size() < count) {
      if (!fill()) return false;
    }
    bytes = buffer_.substr(0, count);
    buffer_.erase(0, count);
    return true;
  }

  int fd_;
  Clock::time_point deadline_;
  std::string buffer_;
};

}  // namespace

std::optional<std::vector<std::string>> redis_command(std::uint16_t port,
                                                      const std::vector<std::string>& args) {
  Socket socket = connect_loopback(port, std::chrono::milliseconds(1000));
  if (!socket.valid()) return std::nullopt;
  std::string request = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& arg : args) {
    request += "$" + std::to_string(arg.size()) + "\r\n";
    request += arg;
    request += "\r\n";
  }
  const auto deadline = Clock::now() + std::chrono::seconds(2);
  if (!send_all(socket.fd(), request, deadline)) return std::nullopt;
  std::vector<std::string> out;
  RespReader reader(socket.fd(), deadline);
  if (!reader.read(out)) return std::nullopt;
  return out;
}

}  // namespace itest
