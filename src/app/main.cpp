#include "app/cli.h"

int main(int argc, char** argv) { return centinela::app::run_cli(argc, argv); }
