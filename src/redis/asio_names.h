// The Asio names the redis library uses, in one place.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

namespace centinela::redis {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Completion token that returns errors as values instead of throwing.
inline constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

}  // namespace centinela::redis
