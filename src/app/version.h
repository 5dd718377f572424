#pragma once

namespace centinela::app {

#ifndef CENTINELA_VERSION
#define CENTINELA_VERSION "0.0.0"
#endif
inline constexpr const char* kVersion = CENTINELA_VERSION;

}  // namespace centinela::app
