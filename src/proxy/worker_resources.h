// net's name for the stages' per-worker services, until net runs the
// pipeline (issue 12).
#pragma once

#include "stage/request_context.h"

namespace centinela::proxy {

using WorkerResources = stage::WorkerResources;

}  // namespace centinela::proxy
