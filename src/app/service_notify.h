// systemd's readiness protocol (sd_notify(3)) without libsystemd: one
// datagram to the unix socket named by $NOTIFY_SOCKET, so a unit with
// Type=notify knows when the listeners are bound, when a reload starts and
// ends, and when draining begins. Without $NOTIFY_SOCKET (not started by
// systemd) every call does nothing.
#pragma once

#include <string_view>

namespace centinela::app {

// Sends `state` ("READY=1", "STOPPING=1", ...) as sd_notify does. A failure is
// ignored, as libsystemd's callers do: readiness is advisory.
void notify_service_manager(std::string_view state);

// "RELOADING=1" with MONOTONIC_USEC (systemd shows the unit reloading, and
// Type=notify-reload of systemd 253+ waits for it); READY=1
// follows when the reload is over (accepted or not).
void notify_reloading();

}  // namespace centinela::app
