// The Asio/Beast names the net layer uses, in one place.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>

namespace centinela::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// Completion token that returns errors as values instead of throwing.
inline constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

using SteadyClock = std::chrono::steady_clock;
using SteadyTime = SteadyClock::time_point;

}  // namespace centinela::net
