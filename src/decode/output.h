// The output of a transformation, kept virtual while it equals a prefix of
// the input: nothing is written to the caller's string until the first byte
// that differs, so a transformation that changes nothing leaves it untouched
// and answers "unchanged" without comparing anything afterwards.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace centinela::decode {

class Output {
 public:
  Output(std::string_view in, std::string& out) : in_(in), out_(out) {}

  // Appends in[from, to) (an unchanged stretch of the input).
  void keep(std::size_t from, std::size_t to) {
    if (!live_ && from == size_) {
      size_ = to;
      return;
    }
    materialize();
    out_.append(in_.data() + from, to - from);
  }
  void put(char c) {
    if (!live_) {
      if (size_ < in_.size() && in_[size_] == c) {
        ++size_;
        return;
      }
      materialize();
    }
    out_.push_back(c);
  }
  void put(std::string_view s) {
    for (char c : s) put(c);
  }

  std::size_t size() const { return live_ ? out_.size() : size_; }
  char at(std::size_t i) const { return live_ ? out_[i] : in_[i]; }
  // Drops everything from position `n` on.
  void truncate(std::size_t n) {
    if (live_) {
      out_.resize(n);
    } else {
      size_ = n;
    }
  }

  // True when the output differs from the input (and is then in `out`).
  bool finish() {
    if (!live_ && size_ == in_.size()) return false;
    materialize();
    return true;
  }

 private:
  void materialize() {
    if (live_) return;
    live_ = true;
    out_.reserve(in_.size());  // a no-op when a reused string is big enough
    out_.assign(in_.data(), size_);
  }

  std::string_view in_;
  std::string& out_;
  std::size_t size_ = 0;  // while not live: the output is in_[0, size_)
  bool live_ = false;
};

}  // namespace centinela::decode
