// Tokenising detectors for injected code in one request value (issue 13,
// docs/plans/waf.md §4.3): SQL, HTML/JavaScript, shell commands and path
// traversal. Each reads the value as the language it guards against and
// reports only when it parses into code, so prose that merely mentions
// "select", "drop" or <b> passes.
//
// The caller decodes first (URL, entities, base64 … live in `decode`); a
// detector reads bytes as they are. Every function is linear in the value's
// length, allocates nothing, and is safe on any bytes (invalid UTF-8, NULs).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace centinela::detect {

enum class Kind : std::uint8_t { sql, xss, shell, path };

// What a detector found. `fingerprint` names the evidence and points to
// static storage (never into the value): for SQL the folded token types
// (e.g. "s&sos" for `' or '1'='1`), for the others a short label such as
// "tag:script", "cmd:cat" or "traversal". [begin, end) are byte offsets into
// the value of the code that was recognised.
struct Detection {
  Kind kind;
  std::string_view fingerprint;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

// SQL injection: the value read as-is, as the rest of a '…' string and as
// the rest of a "…" string; the fingerprint of its first tokens is looked
// up in the set learned from public payload lists (sql_fingerprints.cpp).
// A few endings too short for the set count alone: a name closed by its
// quote and cut off by '#' (`admin' #`), a number cut off by a bare comment
// (`1--`), a MySQL function left open (`date(`), an operator alone between
// two quotes (`'-'`, `"^"`).
std::optional<Detection> detect_sql(std::string_view value);

// Cross-site scripting: script-capable tags and attributes (event
// handlers, javascript:/vbscript:/mhtml:/data:text/html URLs after entity
// decoding, srcdoc, CSS expressions and behaviours, IE's data binding, a
// link to an IPv4 address spelt as one integer or in hex or octal) and
// breaking out of a JavaScript string (`";alert(1)//`). Plain markup such
// as <b> or <a href="https://…"> passes.
std::optional<Detection> detect_xss(std::string_view value);

// Shell command injection: a command separator or substitution (`;` `|`
// `&&` `||` backtick `$(` newline, also written `\n` …) followed by a known
// Unix or Windows command, also when the command word is quoted, escaped or
// globbed (c''at, c\at, /???/c?t); or a whole value that is a command no
// field holds (`whoami`, `sleep 10`, `net user x y /add`).
std::optional<Detection> detect_shell(std::string_view value);

// Path traversal: a path that, once `\` is read as `/` and dot segments are
// resolved, climbs above its start (two levels, or one to reach a known
// system file), names a known system file from the root or behind padding
// (`./\/./boot.ini`), or is itself an absolute path into a system directory
// (`/etc/…`, `/var/log/…`, `C:\Windows\…`), or a file the server would
// fetch: a file: URL, a UNC path to a share on an IP address.
std::optional<Detection> detect_path(std::string_view value);

// False when no value holding only the bytes in `bytes` (bit c % 64 of word
// c / 64 for each byte c) can be reported as `kind`, whatever their order:
// each detector's first test reads the same byte set (byte_gate.h), so a
// caller that already holds a value's byte set skips the call exactly.
// Always true for shell (a value's first word alone can be a command).
bool may_detect(Kind kind, const std::array<std::uint64_t, 4>& bytes);

}  // namespace centinela::detect
