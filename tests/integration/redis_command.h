// One Redis command over a fresh loopback connection, binary-safe both ways,
// for tests that look at (or tamper with) what the gateway keeps in Redis.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace itest {

// The reply's strings: a bulk or simple string as one element, an array as
// its elements (nested arrays flattened, nil elements skipped), an integer as
// its decimal text. nullopt on an error reply, a broken connection or a
// reply not complete within two seconds.
std::optional<std::vector<std::string>> redis_command(std::uint16_t port,
                                                      const std::vector<std::string>& args);

}  // namespace itest
