// oxctl: the command-line client of oxd (README.md, "Running"). Agent hooks run it on every turn,
// so it links no Poco and does nothing before the command needs it.

#include "oxctl/Cli.h"

int main(int argc, char** argv) { return oxd::cli::run(argc, argv); }
