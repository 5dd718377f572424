#include "l2_entry.h"

#include <zlib.h>

namespace itest {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  bool ok() const { return ok_; }
  bool at_end() const { return rest_.empty(); }

  std::uint64_t uint(std::size_t bytes) {
    if (rest_.size() < bytes) {
      ok_ = false;
      return 0;
    }
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i) {
      value |= std::uint64_t{static_cast<unsigned char>(rest_[i])} << (8 * i);
    }
    rest_.remove_prefix(bytes);
    return value;
  }
  std::string string() {
    const std::size_t length = uint(4);
    if (!ok_ || rest_.size() < length) {
      ok_ = false;
      return {};
    }
    std::string out(rest_.substr(0, length));
    rest_.remove_prefix(length);
    return out;
  }
  std::vector<std::string> list() {
    const std::size_t count = uint(4);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < count && ok_; ++i) out.push_back(string());
    return out;
  }

 private:
  std::string_view rest_;
  bool ok_ = true;
};

void put_uint(std::string& out, std::uint64_t value, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
}

void put_string(std::string& out, const std::string& text) {
  put_uint(out, text.size(), 4);
  out += text;
}

}  // namespace

std::optional<L2Entry> L2Entry::parse(std::string_view bytes) {
  if (bytes.size() < 8 || bytes.substr(0, 4) != std::string_view("CNC\x01", 4)) {
    return std::nullopt;
  }
  Reader in(bytes.substr(4, bytes.size() - 8));
  L2Entry entry;
  for (auto& name : entry.names) name = in.string();
  for (auto& list : entry.lists) list = in.list();
  entry.status = static_cast<std::uint16_t>(in.uint(2));
  for (auto& text : entry.response) text = in.string();
  for (auto& time : entry.times) time = static_cast<std::int64_t>(in.uint(8));
  entry.flags = static_cast<std::uint8_t>(in.uint(1));
  if (!in.ok() || !in.at_end()) return std::nullopt;
  return entry;
}

std::string L2Entry::encode() const {
  std::string out("CNC\x01", 4);
  for (const auto& name : names) put_string(out, name);
  for (const auto& list : lists) {
    put_uint(out, list.size(), 4);
    for (const auto& item : list) put_string(out, item);
  }
  put_uint(out, status, 2);
  for (const auto& text : response) put_string(out, text);
  for (const auto time : times) put_uint(out, static_cast<std::uint64_t>(time), 8);
  put_uint(out, flags, 1);
  const uLong crc =
      crc32(0L, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size()));
  put_uint(out, crc, 4);
  return out;
}

}  // namespace itest
