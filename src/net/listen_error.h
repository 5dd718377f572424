// Why a listener could not be opened, in words an operator can act on: the
// address, then the cause and what usually fixes it ("already in use" names
// the tool that shows who holds the port).
#pragma once

#include <boost/system/error_code.hpp>
#include <string>
#include <string_view>

namespace centinela::net {

std::string listen_error_text(std::string_view address, const boost::system::error_code& error);

}  // namespace centinela::net
