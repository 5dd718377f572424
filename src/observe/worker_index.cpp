#include "observe/worker_index.h"

namespace centinela::observe {
namespace {
thread_local unsigned t_worker_index = 0;
}  // namespace

void set_worker_index(unsigned index) { t_worker_index = index < kMaxWorkers ? index : 0; }

unsigned current_worker_index() noexcept { return t_worker_index; }

}  // namespace centinela::observe
