// The one translation unit that compiles Asio and Beast (separate compilation
// keeps the rest of the build quick on a small machine).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
