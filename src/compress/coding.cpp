#include "compress/coding.h"

#include "compress/ascii_compare.h"

namespace centinela::compress {

std::string_view coding_token(Coding coding) {
  switch (coding) {
    case Coding::identity:
      return "identity";
    case Coding::gzip:
      return "gzip";
    case Coding::br:
      return "br";
    case Coding::zstd:
      return "zstd";
  }
  return "identity";
}

std::optional<Coding> coding_from_token(std::string_view token) {
  // "x-gzip" is the legacy name RFC 9110 §8.4.1.3 asks recipients to treat as gzip.
  if (equals_lower(token, "gzip") || equals_lower(token, "x-gzip")) return Coding::gzip;
  if (equals_lower(token, "br")) return Coding::br;
  if (equals_lower(token, "zstd")) return Coding::zstd;
  if (equals_lower(token, "identity")) return Coding::identity;
  return std::nullopt;
}

}  // namespace centinela::compress
