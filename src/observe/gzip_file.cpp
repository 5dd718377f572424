#include "observe/gzip_file.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace centinela::observe {

bool gzip_file(const std::string& source, const std::string& destination, std::string& error) {
  std::FILE* in = std::fopen(source.c_str(), "rbe");
  if (in == nullptr) {
    error = "cannot open " + source + ": " + std::strerror(errno);
    return false;
  }
  const std::string temporary = destination + ".tmp";
  gzFile out = gzopen(temporary.c_str(), "wb6");
  if (out == nullptr) {
    error = "cannot create " + temporary + ": " + std::strerror(errno);
    std::fclose(in);
    return false;
  }
  std::vector<char> chunk(std::size_t{128} * 1024);
  bool ok = true;
  while (ok) {
    const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), in);
    if (n > 0 && gzwrite(out, chunk.data(), static_cast<unsigned>(n)) != static_cast<int>(n)) {
      int zerr = 0;
      error = std::string("compressing to ") + temporary + ": " + gzerror(out, &zerr);
      ok = false;
    }
    if (n < chunk.size()) {
      if (std::ferror(in)) {
        error = "reading " + source + ": " + std::strerror(errno);
        ok = false;
      }
      break;
    }
  }
  std::fclose(in);
  if (gzclose(out) != Z_OK && ok) {
    error = "finishing " + temporary;
    ok = false;
  }
  if (ok && std::rename(temporary.c_str(), destination.c_str()) != 0) {
    error = "cannot rename " + temporary + ": " + std::strerror(errno);
    ok = false;
  }
  if (!ok) std::remove(temporary.c_str());
  return ok;
}

}  // namespace centinela::observe
