// Hyperscan block-mode databases of many patterns, scanned in one pass, and
// the per-thread scratch they need. Built at load (optionally through the
// on-disk cache, since compiling all of CRS costs seconds); a scan
// allocates nothing and reports (pattern id, end offset) in offset order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

struct hs_database;
struct hs_scratch;

namespace centinela::pattern {

// Per-entry options. Regex entries always compile as ModSecurity's @rx:
// DOTALL | MULTILINE, bytes.
enum EntryFlag : unsigned {
  kPrefilter = 1u << 0,    // HS_FLAG_PREFILTER: hits need a PCRE2 confirmation
  kCaseless = 1u << 1,     // HS_FLAG_CASELESS
  kSingleMatch = 1u << 2,  // HS_FLAG_SINGLEMATCH: at most one report per scan
};

struct Entry {
  unsigned id = 0;         // reported on a match; entries may share one (split pieces)
  std::string expression;  // a regex, or for literal databases the bytes
  unsigned flags = 0;      // EntryFlag bits
};

enum class ScanStatus : std::uint8_t {
  ok,
  stopped,  // the callback asked to stop
  error,    // scratch not reserved for this database, or input over 4 GiB
};

enum class CacheResult : std::uint8_t {
  hit,             // read from the cache
  built_stored,    // compiled, then written to the cache
  built_unstored,  // compiled; the cache could not be written (still usable)
};

class ScanDatabase;

// hs_scratch for one worker thread, grown to serve every database it will
// scan (reserve each at load). One scan at a time: not shared by threads.
class Scratch {
 public:
  Scratch() = default;
  ~Scratch();
  Scratch(Scratch&& other) noexcept;
  Scratch& operator=(Scratch&& other) noexcept;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  // Grows the scratch to serve `db` too (hs_alloc_scratch); keeps what it
  // already serves. False with `error` when Hyperscan cannot allocate.
  bool reserve(const ScanDatabase& db, std::string& error);
  // A copy for another worker, serving the same databases.
  bool clone_into(Scratch& out, std::string& error) const;

 private:
  friend class ScanDatabase;
  hs_scratch* scratch_ = nullptr;
};

class ScanDatabase {
 public:
  enum class Kind : std::uint8_t { regex, literal };

  // A database of `entries`; no entries gives a database that never
  // matches. nullptr with `error` (naming the entry id) when one does not
  // compile.
  static std::unique_ptr<ScanDatabase> build(std::span<const Entry> entries, std::string& error,
                                             Kind kind = Kind::regex);

  // The same, read from `dir` when a database of exactly these entries (and
  // this Hyperscan version) was stored there; compiled and stored
  // otherwise. A damaged or foreign cache file is ignored and replaced.
  static std::unique_ptr<ScanDatabase> build_cached(std::span<const Entry> entries,
                                                    const std::filesystem::path& dir,
                                                    std::string& error, Kind kind = Kind::regex,
                                                    CacheResult* result = nullptr);

  ~ScanDatabase();
  ScanDatabase(const ScanDatabase&) = delete;
  ScanDatabase& operator=(const ScanDatabase&) = delete;

  // Calls on_match(id, end_offset) for every match in `buffer`, in order of
  // end offset. on_match may return void, or bool: false stops the scan.
  template <class F>
  ScanStatus scan(std::string_view buffer, Scratch& scratch, F&& on_match) const {
    using Fn = std::remove_reference_t<F>;
    RawHandler handler = [](unsigned id, unsigned long long, unsigned long long to, unsigned,
                            void* context) -> int {
      Fn& fn = *static_cast<Fn*>(context);
      if constexpr (std::is_same_v<std::invoke_result_t<Fn&, unsigned, std::size_t>, bool>) {
        return fn(id, static_cast<std::size_t>(to)) ? 0 : 1;
      } else {
        fn(id, static_cast<std::size_t>(to));
        return 0;
      }
    };
    return scan_raw(buffer, scratch, handler,
                    const_cast<void*>(static_cast<const void*>(std::addressof(on_match))));
  }

  std::size_t entries() const { return entries_; }
  std::size_t bytes() const;  // size of the compiled database
  Kind kind() const { return kind_; }

 private:
  friend class Scratch;
  using RawHandler = int (*)(unsigned, unsigned long long, unsigned long long, unsigned, void*);
  ScanDatabase(hs_database* db, std::size_t entries, Kind kind)
      : db_(db), entries_(entries), kind_(kind) {}
  ScanStatus scan_raw(std::string_view buffer, Scratch& scratch, RawHandler handler,
                      void* context) const;

  hs_database* db_ = nullptr;  // null: no entries
  std::size_t entries_ = 0;
  Kind kind_ = Kind::regex;
};

// Hyperscan's version string (part of every cache key).
std::string_view hyperscan_version();

}  // namespace centinela::pattern
