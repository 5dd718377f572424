// The command line: `centinela run|check|version`.
#pragma once

namespace centinela::app {

int run_cli(int argc, char** argv);

}  // namespace centinela::app
