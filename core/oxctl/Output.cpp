#include "oxctl/Output.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace oxd::cli {
namespace {

void writeLine(std::FILE* stream, std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), stream);
  std::fputc('\n', stream);
}

std::string padded(std::string_view text, std::size_t width) {
  std::string out(text);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

}  // namespace

void printOut(std::string_view line) { writeLine(stdout, line); }
void printErr(std::string_view line) { writeLine(stderr, line); }
void flushOut() { std::fflush(stdout); }

std::string generalUsage() {
  std::string text =
      "usage: oxctl [--project DIR] [--json] [--socket PATH] COMMAND [ARGS]\n"
      "\n"
      "Talks to the oxd daemon of the project that holds DIR (default: the working directory).\n"
      "\n"
      "commands:\n";
  std::size_t width = 0;
  for (const Command& command : commands()) width = std::max(width, command.name.size());
  for (const Command& command : commands()) {
    text += "  " + padded(command.name, width + 2) + std::string(command.summary) + "\n";
  }
  text +=
      "\n"
      "global options:\n"
      "  --project DIR   find the project (and so the daemon) from DIR\n"
      "  --json          machine-readable output\n"
      "  --socket PATH   use this socket (the OXD_SOCKET environment variable wins)\n"
      "  --help          this text; COMMAND --help for one command\n"
      "\n"
      "examples:\n";
  for (const Command& command : commands()) text += "  " + std::string(command.example) + "\n";
  text +=
      "\n"
      "exit codes: 0 ok, 1 error reply, 2 usage, 3 daemon not running\n"
      "environment: OXD_SOCKET (socket path), OXD_BIN (daemon binary for start),\n"
      "             HOME and XDG_* (where every file lives)";
  return text;
}

std::string commandUsage(const Command& command) {
  std::string text = "usage: oxctl [global options] " + std::string(command.name);
  if (!command.options.empty()) text += " [options]";
  if (!command.arguments.empty()) text += " " + std::string(command.arguments);
  text += "\n\n" + std::string(command.summary) + "\n";
  if (!command.options.empty()) {
    text += "\noptions:\n";
    for (const OptionSpec& option : command.options) {
      std::string left = std::string(option.name);
      if (!option.value.empty()) left += " " + std::string(option.value);
      text += "  " + padded(left, 26) + std::string(option.help) + "\n";
    }
  }
  text += "\nexample:\n  " + std::string(command.example);
  return text;
}

std::string compactDuration(std::int64_t nanoseconds) {
  std::int64_t seconds = (nanoseconds + 500'000'000) / 1'000'000'000;
  if (seconds < 1) return "<1s";
  if (seconds < 60) return std::to_string(seconds) + "s";
  if (seconds < 3600) {
    std::string text = std::to_string(seconds / 60) + "m";
    return seconds % 60 ? text + " " + std::to_string(seconds % 60) + "s" : text;
  }
  std::string text = std::to_string(seconds / 3600) + "h";
  std::int64_t minutes = seconds % 3600 / 60;
  return minutes ? text + " " + std::to_string(minutes) + "m" : text;
}

}  // namespace oxd::cli
