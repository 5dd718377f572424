// Compressing a rotated log file.
#pragma once

#include <string>

namespace centinela::observe {

// Writes `source` gzip-compressed to `destination` (through a temporary file,
// renamed into place when complete). On failure returns false with `error`
// set and leaves no partial destination behind; `source` is never touched.
bool gzip_file(const std::string& source, const std::string& destination, std::string& error);

}  // namespace centinela::observe
