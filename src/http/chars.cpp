// chars.h is header-only; this unit gives the library a translation unit and
// checks the tables once at compile time.
#include "http/chars.h"

namespace centinela::http {

static_assert(is_tchar('!') && !is_tchar('(') && !is_tchar(' '));
static_assert(is_unreserved('~') && !is_unreserved('!'));
static_assert(is_pchar('@') && is_pchar(':') && !is_pchar('/') && !is_pchar('?'));
static_assert(!is_pchar('%'));
static_assert(hex_value('F') == 15 && hex_value('g') == -1);

}  // namespace centinela::http
