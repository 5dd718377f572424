// The compile cache of databases: one file per database (cache_file.h),
// named by the SHA-256 of what decides its content: the entries, their
// flags, the database kind and the Hyperscan version.
#include <hs/hs.h>

#include <cstdlib>

#include "pattern/cache_file.h"
#include "pattern/matcher.h"

namespace centinela::pattern {
namespace {

constexpr std::string_view kMagic = "CNTLHSDB1\n";

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
  return detail::cache_file_name(material, ".hsdb");
}

hs_database_t* load(const std::filesystem::path& dir, const std::string& name) {
  const auto payload = detail::read_cache_file(dir, name, kMagic);
  if (!payload) return nullptr;
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(payload->data(), payload->size(), &db) != HS_SUCCESS) {
    return nullptr;
  }
  return db;
}

bool store(const std::filesystem::path& dir, const std::string& name, const hs_database_t* db) {
  char* serialized = nullptr;
  std::size_t length = 0;
  if (hs_serialize_database(db, &serialized, &length) != HS_SUCCESS) return false;
  const bool ok = detail::write_cache_file(dir, name, kMagic, std::string_view(serialized, length));
  std::free(serialized);
  return ok;
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
  if (hs_database_t* db = load(dir, name)) {
    if (result) *result = CacheResult::hit;
    return std::unique_ptr<ScanDatabase>(new ScanDatabase(db, entries.size(), kind));
  }
  auto built = build(entries, error, kind);
  if (!built) return nullptr;
  const bool stored = store(dir, name, built->db_);
  if (result) *result = stored ? CacheResult::built_stored : CacheResult::built_unstored;
  return built;
}

}  // namespace centinela::pattern
