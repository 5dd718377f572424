#include "detect/byte_gate.h"

#include "detect/detect.h"

namespace centinela::detect {

bool may_detect(Kind kind, const std::array<std::uint64_t, 4>& bytes) {
  switch (kind) {
    case Kind::sql:
      return kSqlGate.meets(bytes);
    case Kind::xss:
      return kXssGate.meets(bytes);
    case Kind::path:
      return kPathGate.meets(bytes);
    case Kind::shell:
      return true;
  }
  return true;
}

}  // namespace centinela::detect
