#include "pattern/matcher.h"

#include <hs/hs.h>

#include <limits>
#include <vector>

namespace centinela::pattern {
namespace {

unsigned hs_flags(const Entry& entry, ScanDatabase::Kind kind) {
  unsigned flags = 0;
  if (kind == ScanDatabase::Kind::regex) flags |= HS_FLAG_DOTALL | HS_FLAG_MULTILINE;
  if ((entry.flags & kPrefilter) && kind == ScanDatabase::Kind::regex) flags |= HS_FLAG_PREFILTER;
  if (entry.flags & kCaseless) flags |= HS_FLAG_CASELESS;
  if (entry.flags & kSingleMatch) flags |= HS_FLAG_SINGLEMATCH;
  return flags;
}

std::string compile_error(hs_compile_error_t* error, std::span<const Entry> entries) {
  std::string message = error && error->message ? error->message : "Hyperscan compile failed";
  if (error && error->expression >= 0 &&
      static_cast<std::size_t>(error->expression) < entries.size()) {
    message = "pattern id " + std::to_string(entries[error->expression].id) + ": " + message;
  }
  hs_free_compile_error(error);
  return message;
}

}  // namespace

std::string_view hyperscan_version() { return hs_version(); }

Scratch::~Scratch() { hs_free_scratch(scratch_); }

Scratch::Scratch(Scratch&& other) noexcept : scratch_(other.scratch_) { other.scratch_ = nullptr; }

Scratch& Scratch::operator=(Scratch&& other) noexcept {
  if (this != &other) {
    hs_free_scratch(scratch_);
    scratch_ = other.scratch_;
    other.scratch_ = nullptr;
  }
  return *this;
}

bool Scratch::reserve(const ScanDatabase& db, std::string& error) {
  if (!db.db_) return true;
  if (hs_alloc_scratch(db.db_, &scratch_) != HS_SUCCESS) {
    error = "Hyperscan could not allocate scratch space";
    return false;
  }
  return true;
}

bool Scratch::clone_into(Scratch& out, std::string& error) const {
  if (!scratch_) {
    out = Scratch{};
    return true;
  }
  hs_scratch_t* copy = nullptr;
  if (hs_clone_scratch(scratch_, &copy) != HS_SUCCESS) {
    error = "Hyperscan could not clone scratch space";
    return false;
  }
  out = Scratch{};
  out.scratch_ = copy;
  return true;
}

std::unique_ptr<ScanDatabase> ScanDatabase::build(std::span<const Entry> entries,
                                                  std::string& error, Kind kind) {
  if (entries.empty()) return std::unique_ptr<ScanDatabase>(new ScanDatabase(nullptr, 0, kind));
  std::vector<const char*> expressions;
  std::vector<std::size_t> lengths;
  std::vector<unsigned> flags, ids;
  for (const Entry& entry : entries) {
    // Regexes are C strings to Hyperscan; a NUL would cut one short.
    if (kind == Kind::regex && entry.expression.find('\0') != std::string::npos) {
      error = "pattern id " + std::to_string(entry.id) + ": holds a NUL byte";
      return nullptr;
    }
    expressions.push_back(entry.expression.c_str());
    lengths.push_back(entry.expression.size());
    flags.push_back(hs_flags(entry, kind));
    ids.push_back(entry.id);
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* failure = nullptr;
  const auto count = static_cast<unsigned>(entries.size());
  const hs_error_t rc =
      kind == Kind::regex
          ? hs_compile_multi(expressions.data(), flags.data(), ids.data(), count, HS_MODE_BLOCK,
                             nullptr, &db, &failure)
          : hs_compile_lit_multi(expressions.data(), flags.data(), ids.data(), lengths.data(),
                                 count, HS_MODE_BLOCK, nullptr, &db, &failure);
  if (rc != HS_SUCCESS) {
    error = compile_error(failure, entries);
    return nullptr;
  }
  return std::unique_ptr<ScanDatabase>(new ScanDatabase(db, entries.size(), kind));
}

ScanDatabase::~ScanDatabase() { hs_free_database(db_); }

std::size_t ScanDatabase::bytes() const {
  std::size_t size = 0;
  if (db_ && hs_database_size(db_, &size) != HS_SUCCESS) size = 0;
  return size;
}

ScanStatus ScanDatabase::scan_raw(std::string_view buffer, Scratch& scratch, RawHandler handler,
                                  void* context) const {
  if (!db_) return ScanStatus::ok;
  if (buffer.size() > std::numeric_limits<unsigned>::max()) return ScanStatus::error;
  const char* data = buffer.data() ? buffer.data() : "";
  const hs_error_t rc = hs_scan(db_, data, static_cast<unsigned>(buffer.size()), 0,
                                scratch.scratch_, handler, context);
  if (rc == HS_SUCCESS) return ScanStatus::ok;
  if (rc == HS_SCAN_TERMINATED) return ScanStatus::stopped;
  return ScanStatus::error;
}

}  // namespace centinela::pattern
