#include "compress/from_config.h"

namespace centinela::compress {

int level_for(Coding coding, const config::CompressionLevels& levels) {
  switch (coding) {
    case Coding::gzip:
      return levels.gzip;
    case Coding::br:
      return levels.br;
    case Coding::zstd:
      return levels.zstd;
    case Coding::identity:
      break;
  }
  return 0;
}

std::vector<Coding> offered_codings(const config::CompressionConfig& config) {
  std::vector<Coding> codings;
  codings.reserve(config.algorithms.size());
  for (const std::string& name : config.algorithms) {
    std::optional<Coding> coding = coding_from_token(name);
    if (coding && *coding != Coding::identity) codings.push_back(*coding);
  }
  return codings;
}

}  // namespace centinela::compress
