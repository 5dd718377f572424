// normalizePath and normalizePathWin as libmodsecurity3 3.0.9 runs them
// (NormalisePath::normalize_path_inplace): "//" collapses, "/./" goes, "x/../"
// takes its segment with it but never climbs above the root (a relative path
// keeps the ".." it cannot resolve), and a trailing slash is kept only when
// the input had one. The Windows form reads '\' as '/' (mostly: see at()).
#include "decode/output.h"
#include "decode/transform.h"
#include "decode/transforms.h"

namespace centinela::decode::tfn {
namespace {

class PathNormalizer {
 public:
  PathNormalizer(std::string_view in, std::string& out, bool windows)
      : in_(in), windows_(windows), o_(in, out), end_(in.size() - 1) {
    relative_ = !is_slash(in.front());
    trailing_ = is_slash(in.back());
  }

  bool run() {
    while (!done_ && src_ <= end_ && o_.size() <= end_) {
      start_ = src_;
      if (src_ == end_) {
        done_ = true;
      } else if (at(src_ + 1) != '/') {
        copy();  // not the end of a segment
        continue;
      }
      if (segment_end()) copy();
    }
    if (!trailing_ && o_.size() > 0 && o_.at(o_.size() - 1) == '/') o_.truncate(o_.size() - 1);
    return o_.finish();
  }

 private:
  bool is_slash(char c) const { return c == '/' || (windows_ && c == '\\'); }
  // 3.0.9 turns '\\' into '/' in its buffer only where an iteration starts
  // (src and src + 1); a backslash skipped over in a run of slashes stays one,
  // and is what gets copied when it ends the run.
  char at(std::size_t i) const {
    return (i == start_ || i == start_ + 1) && is_slash(in_[i]) ? '/' : in_[i];
  }

  // At the last byte of a segment (the next one is '/', or the input ends):
  // resolves "." and ".."; false when the byte must not be copied.
  bool segment_end() {
    const std::size_t dst = o_.size();
    if (src_ != end_ && at(src_) == '/') return true;  // an empty segment: copy() skips it
    if (at(src_) != '.') {
      if (dst > 0) hit_root_ = false;  // a regular segment
      return true;
    }
    if (dst > 0 && o_.at(dst - 1) == '.') return back_reference(dst);
    if (dst == 0 || o_.at(dst - 1) == '/') {  // "./" at the start or "/./"
      if (done_) return false;
      if (dst > 0) o_.truncate(dst - 1);
      ++src_;
    }
    return true;
  }

  // "..": drops the previous segment, or keeps the ".." of a relative path
  // that is already at its root.
  bool back_reference(std::size_t dst) {
    if (relative_ && (hit_root_ || dst <= 2)) {
      hit_root_ = true;
      return true;
    }
    std::ptrdiff_t d = static_cast<std::ptrdiff_t>(dst) - 3;
    while (d > 0 && o_.at(static_cast<std::size_t>(d)) != '/') --d;
    if (d <= 0) {
      hit_root_ = true;
      d = (!relative_ && src_ == end_) ? 1 : 0;  // an absolute path keeps its root
    }
    o_.truncate(static_cast<std::size_t>(d));
    if (done_) return false;
    ++src_;
    return true;
  }

  // Copies the byte at src_, skipping to the last of several slashes; the
  // first slash of a relative path is not copied.
  void copy() {
    if (at(src_) == '/') {
      while (src_ < end_ && is_slash(in_[src_ + 1])) ++src_;
      if (relative_ && o_.size() == 0) {
        ++src_;
        return;
      }
    }
    o_.put(at(src_));
    ++src_;
  }

  std::string_view in_;
  bool windows_;
  Output o_;
  std::size_t end_;
  std::size_t src_ = 0;
  std::size_t start_ = 0;  // src_ when the iteration began
  bool relative_ = false;
  bool trailing_ = false;
  bool hit_root_ = false;
  bool done_ = false;
};

}  // namespace

bool normalize_path(std::string_view in, std::string& out, bool windows) {
  if (in.empty()) return false;
  const ByteSet& special =
      windows ? triggers(Transform::normalize_path_win) : triggers(Transform::normalize_path);
  if (!special.any_in(in)) return false;
  // Without a slash every byte is copied as it is, except a lone "." and a
  // final ".." (segment_end): prose with full stops needs no pass.
  const bool slash = in.find('/') != std::string_view::npos ||
                     (windows && in.find('\\') != std::string_view::npos);
  if (!slash && in != "." && !in.ends_with("..")) return false;
  return PathNormalizer(in, out, windows).run();
}

}  // namespace centinela::decode::tfn
