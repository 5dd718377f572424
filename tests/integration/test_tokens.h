// JWTs the integration tests send: HS256 with kSecret, expiring in 2100.
#pragma once

namespace itest::tokens {

inline constexpr const char* kSecret = "integration-test-secret-0123456789abcdef";
// {"sub":"alice@example","exp":4102444800}
inline constexpr const char* kAliceToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJhbGljZUBleGFtcGxlIiwiZXhwIjo0MTAyNDQ0ODAwfQ."
    "8NRHiI9f_Be1NW4vw8sY8I8MJzop5B38omn7Uz1OXpQ";
// {"sub":"bob@example","exp":4102444800}
inline constexpr const char* kBobToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJib2JAZXhhbXBsZSIsImV4cCI6NDEwMjQ0NDgwMH0."
    "nRbx7gAYuKhH6EZwQuCpaSiN9HZ6qZFTfEYD84a4fsQ";

}  // namespace itest::tokens
