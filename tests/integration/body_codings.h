// Content codings for tests: the real zlib / brotli / zstd decoders, so a
// test checks what a client would actually decode.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http_client.h"

namespace itest {

std::optional<std::string> gunzip(std::string_view data);
std::string gzip(std::string_view data);
std::optional<std::string> unbrotli(std::string_view data);
std::optional<std::string> unzstd(std::string_view data);

// The body decoded according to Content-Encoding (none: as it is); nullopt
// for a coding this helper does not know or a body that does not decode.
std::optional<std::string> decoded(const HttpResponse& response);

}  // namespace itest
