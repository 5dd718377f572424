// The compile cache: one file per database, named by the SHA-256 of what
// decides its content (the entries, their flags, the database kind and the
// Hyperscan version). A file is "CNTLHSDB1\n", the SHA-256 of the payload,
// then hs_serialize_database's bytes; anything else is ignored and
// replaced, so a torn write or a foreign file costs one compile, never a
// wrong database.
#include <hs/hs.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "pattern/matcher.h"
#include "util/hex.h"
#include "util/sha256.h"

namespace centinela::pattern {
namespace {

constexpr std::string_view kMagic = "CNTLHSDB1\n";
constexpr std::uintmax_t kMaxFileBytes = 1024u * 1024u * 1024u;

void append_field(std::string& out, std::string_view bytes) {
  out += std::to_string(bytes.size());
  out += ':';
  out += bytes;
}

std::string cache_name(std::span<const Entry> entries, ScanDatabase::Kind kind) {
  std::string material = "centinela pattern cache 1\n";
  append_field(material, hyperscan_version());
  append_field(material, kind == ScanDatabase::Kind::regex ? "regex" : "literal");
  for (const Entry& entry : entries) {
    append_field(material, std::to_string(entry.id));
    append_field(material, std::to_string(entry.flags));
    append_field(material, entry.expression);
  }
  std::string name;
  util::append_hex_sha256(name, material);
  return name + ".hsdb";
}

hs_database_t* load(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size < kMagic.size() + util::kSha256Bytes || size > kMaxFileBytes) return nullptr;
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return nullptr;
  if (bytes.size() < kMagic.size() + util::kSha256Bytes || !bytes.starts_with(kMagic)) {
    return nullptr;
  }
  const std::string_view payload =
      std::string_view(bytes).substr(kMagic.size() + util::kSha256Bytes);
  const auto digest = util::sha256(payload);
  if (std::memcmp(digest.data(), bytes.data() + kMagic.size(), digest.size()) != 0) {
    return nullptr;
  }
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(payload.data(), payload.size(), &db) != HS_SUCCESS) return nullptr;
  return db;
}

// Written beside the final name, then renamed over it: readers see the old
// file or the whole new one.
bool store(const std::filesystem::path& dir, const std::string& name, const hs_database_t* db) {
  char* serialized = nullptr;
  std::size_t length = 0;
  if (hs_serialize_database(db, &serialized, &length) != HS_SUCCESS) return false;
  const std::string_view payload(serialized, length);
  const auto digest = util::sha256(payload);
  static std::atomic<unsigned> counter{0};
  const auto temp = dir / (name + ".tmp." + std::to_string(::getpid()) + "." +
                           std::to_string(counter.fetch_add(1)));
  bool ok = false;
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(kMagic.data(), static_cast<std::streamsize>(kMagic.size()));
    out.write(reinterpret_cast<const char*>(digest.data()),
              static_cast<std::streamsize>(digest.size()));
    out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
    ok = static_cast<bool>(out.flush());
  }
  std::free(serialized);
  std::error_code ec;
  if (ok) std::filesystem::rename(temp, dir / name, ec);
  if (!ok || ec) std::filesystem::remove(temp, ec);
  return ok && !ec;
}

}  // namespace

std::unique_ptr<ScanDatabase> ScanDatabase::build_cached(std::span<const Entry> entries,
                                                         const std::filesystem::path& dir,
                                                         std::string& error, Kind kind,
                                                         CacheResult* result) {
  if (entries.empty()) {
    if (result) *result = CacheResult::built_unstored;
    return build(entries, error, kind);
  }
  const std::string name = cache_name(entries, kind);
  if (hs_database_t* db = load(dir / name)) {
    if (result) *result = CacheResult::hit;
    return std::unique_ptr<ScanDatabase>(new ScanDatabase(db, entries.size(), kind));
  }
  auto built = build(entries, error, kind);
  if (!built) return nullptr;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const bool stored = !ec && store(dir, name, built->db_);
  if (result) *result = stored ? CacheResult::built_stored : CacheResult::built_unstored;
  return built;
}

}  // namespace centinela::pattern
