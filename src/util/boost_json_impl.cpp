// Boost.JSON compiled once, for the whole binary (the JWT verifier parses
// token headers and claims with it, the cache its purge bodies and messages).
// No other library may include src.hpp.
#include <boost/json/src.hpp>
