// Where the words being read come from, and where their errors go.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "seclang/lines.h"
#include "seclang/parse.h"
#include "seclang/words.h"

namespace centinela::seclang::detail {

// Collects errors up to kMaxErrors, then one "too many errors" and silence.
class Diagnostics {
 public:
  explicit Diagnostics(std::vector<ParseError>& errors) : errors_(errors) {}
  void add(Location where, std::string message, ParseError::Kind kind = ParseError::Kind::other);
  std::size_t count() const { return count_; }                  // every error, kept or not
  bool listing() const { return errors_.size() < kMaxErrors; }  // else hints are wasted

 private:
  std::vector<ParseError>& errors_;
  std::size_t count_ = 0;
};

struct LineContext {
  const std::string& file;
  const LogicalLine& line;
  Diagnostics& diagnostics;

  Location at(std::size_t offset) const {
    return {file, line.line_at(offset), line.column_at(offset)};
  }
  void error(std::size_t offset, std::string message) const {
    diagnostics.add(at(offset), std::move(message));
  }
  void error(const Word& word, std::size_t index, std::string message,
             ParseError::Kind kind = ParseError::Kind::other) const {
    diagnostics.add(at(word.offset_of(index)), std::move(message), kind);
  }
};

}  // namespace centinela::seclang::detail
