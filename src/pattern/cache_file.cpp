#include "pattern/cache_file.h"

#include <unistd.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <iterator>

#include "util/sha256.h"

namespace centinela::pattern::detail {
namespace {

constexpr std::uintmax_t kMaxFileBytes = 1024u * 1024u * 1024u;

}  // namespace

std::optional<std::string> read_cache_file(const std::filesystem::path& dir,
                                           const std::string& name, std::string_view magic) {
  const auto path = dir / name;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  const std::size_t header = magic.size() + util::kSha256Bytes;
  if (ec || size < header || size > kMaxFileBytes) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < header || !std::string_view(bytes).starts_with(magic)) return std::nullopt;
  const auto digest = util::sha256(std::string_view(bytes).substr(header));
  if (std::memcmp(digest.data(), bytes.data() + magic.size(), digest.size()) != 0) {
    return std::nullopt;
  }
  return bytes.substr(header);
}

bool write_cache_file(const std::filesystem::path& dir, const std::string& name,
                      std::string_view magic, std::string_view payload) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return false;
  const auto digest = util::sha256(payload);
  static std::atomic<unsigned> counter{0};
  const auto temp = dir / (name + ".tmp." + std::to_string(::getpid()) + "." +
                           std::to_string(counter.fetch_add(1)));
  bool ok = false;
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(magic.data(), static_cast<std::streamsize>(magic.size()));
    out.write(reinterpret_cast<const char*>(digest.data()),
              static_cast<std::streamsize>(digest.size()));
    out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
    ok = static_cast<bool>(out.flush());
  }
  if (ok) std::filesystem::rename(temp, dir / name, ec);
  if (!ok || ec) std::filesystem::remove(temp, ec);
  return ok && !ec;
}

std::string cache_file_name(std::string_view material, std::string_view extension) {
  std::string name;
  util::append_hex_sha256(name, material);
  name += extension;
  return name;
}

}  // namespace centinela::pattern::detail
