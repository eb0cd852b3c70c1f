// `oxctl help --man`: oxctl(1) in man(7) roff, built from the command table so it cannot fall
// behind the commands. Checked with `groff -man -Tutf8 -ww` (tests/integration).

#include <cstdint>
#include <cstdio>
#include <string>

#include "oxctl/Cli.h"
#include "oxctl/Generated.h"

namespace oxd::cli {
namespace {

// Roff-safe text: backslashes and hyphens escaped (so options copy and paste as ASCII '-'),
// non-ASCII characters as \[uXXXX], and a leading '.' or '\'' guarded so it is not a request.
std::string roff(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\\') {
      out += "\\e";
    } else if (byte == '-') {
      out += "\\-";
    } else if (byte < 0x80) {
      out += static_cast<char>(byte);
    } else {
      int extra = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : 1;
      std::uint32_t code = byte & (0x3F >> extra);
      for (int k = 0; k < extra && i + 1 < text.size(); ++k) {
        code = (code << 6) | (static_cast<unsigned char>(text[++i]) & 0x3F);
      }
      char escaped[16];
      std::snprintf(escaped, sizeof escaped, "\\[u%04X]", code);
      out += escaped;
    }
  }
  if (out.starts_with('.') || out.starts_with('\'')) out.insert(0, "\\&");
  return out;
}

std::string optionSynopsis(const OptionSpec& option) {
  std::string text = "[\\fB" + roff(option.name) + "\\fR";
  if (!option.value.empty()) text += " \\fI" + roff(option.value) + "\\fR";
  return text + "]";
}

void optionList(std::string& page, std::span<const OptionSpec> options) {
  for (const OptionSpec& option : options) {
    page += ".TP\n\\fB" + roff(option.name) + "\\fR";
    if (!option.short_name.empty()) page += ", \\fB" + roff(option.short_name) + "\\fR";
    if (!option.value.empty()) page += " \\fI" + roff(option.value) + "\\fR";
    page += "\n" + roff(option.help) + "\n";
  }
}

// "a   |   b" in the table holds two examples: one line each.
void examples(std::string& page, std::string_view text) {
  page += ".PP\nExample:\n.PP\n.RS 4\n.nf\n";
  for (;;) {
    std::size_t bar = text.find("   |   ");
    page += roff(text.substr(0, bar)) + "\n";
    if (bar == std::string_view::npos) break;
    text.remove_prefix(bar + 7);
  }
  page += ".fi\n.RE\n";
}

}  // namespace

std::string manPage() {
  std::string page =
      ".\\\" oxctl(1), generated from the command table by `oxctl help --man`.\n"
      ".TH OXCTL 1 \"\" \"oxd\" \"User Commands\"\n"
      ".SH NAME\n"
      "oxctl \\- control the oxd workspace daemon\n"
      ".SH SYNOPSIS\n"
      ".B oxctl\n";
  for (const OptionSpec& option : globalOptions()) page += optionSynopsis(option) + "\n";
  page +=
      "\\fICOMMAND\\fR [\\fIARGS\\fR]\n"
      ".SH DESCRIPTION\n"
      ".B oxctl\n"
      "talks to the\n"
      ".B oxd\n"
      "daemon of the project that holds the working directory (or\n"
      ".BR \\-\\-project ),\n"
      "over a Unix socket, one request per command (newline\\-delimited JSON).\n"
      "Commands that stream progress draw a bar on a terminal and print one plain line per\n"
      "update otherwise;\n"
      ".B \\-\\-json\n"
      "prints machine\\-readable output instead.\n"
      "Ctrl\\-C cancels a command: it prints \"cancelled\" and exits 130; the daemon goes on.\n"
      ".SH COMMANDS\n";
  for (const Command& command : commands()) {
    page += ".SS \"" + roff(command.name);
    for (const OptionSpec& option : command.options) {
      page +=
          " [" + roff(option.name) + (option.value.empty() ? "" : " " + roff(option.value)) + "]";
    }
    if (!command.arguments.empty()) page += " " + roff(command.arguments);
    page += "\"\n" + roff(command.summary) + ".\n";
    if (!command.subcommands.empty()) {
      page += "The first argument is one of:";
      for (std::string_view word : command.subcommands) page += " \\fB" + roff(word) + "\\fR";
      page += ".\n";
    }
    optionList(page, command.options);
    examples(page, command.example);
  }
  page += ".SH GLOBAL OPTIONS\nAccepted before and after the command name.\n";
  optionList(page, globalOptions());
  page +=
      ".SH EXIT STATUS\n"
      ".TP\n.B 0\nSuccess.\n"
      ".TP\n.B 1\nThe daemon answered with an error, did not answer in time, or a local step "
      "failed (the message names the socket or file).\n"
      ".TP\n.B 2\nUsage error: unknown command or option, missing or malformed argument.\n"
      ".TP\n.B 3\nThe daemon is not running (nothing listens on its socket).\n"
      ".TP\n.B 130\nCancelled with Ctrl\\-C.\n"
      ".SH ENVIRONMENT\n"
      ".TP\n.B OXD_SOCKET\nThe socket path to use; wins over \\fB\\-\\-socket\\fR.\n"
      ".TP\n.B OXD_BIN\nThe oxd binary \\fBstart\\fR and \\fBrestart\\fR launch (default: the "
      "one beside oxctl, else the first on \\fBPATH\\fR).\n"
      ".TP\n\\fBHOME\\fR, \\fBXDG_RUNTIME_DIR\\fR, \\fBXDG_CONFIG_HOME\\fR, "
      "\\fBXDG_STATE_HOME\\fR, \\fBXDG_DATA_HOME\\fR\n"
      "Where every file below lives.\n"
      ".TP\n.BI OXD_ SECTION __ KEY\nA config value for the daemon (e.g. "
      "\\fBOXD_DAEMON__PLUGIN_DIR\\fR), above every config file.\n"
      ".SH FILES\n"
      ".TP\n.I $XDG_RUNTIME_DIR/oxd/oxd\\-<workspace id>.sock\n"
      "The daemon's socket (\\fI/tmp/oxd\\-<uid>/\\fR without \\fBXDG_RUNTIME_DIR\\fR); "
      "\\fBoxctl socket\\fR prints it.\n"
      ".TP\n.I $XDG_RUNTIME_DIR/oxd/registry.json\n"
      "Every running daemon of this user (\\fBstop \\-\\-all\\fR).\n"
      ".TP\n.I $XDG_STATE_HOME/oxd/logs/oxd\\-<workspace id>.log\n"
      "The daemon's log (\\fBlogs\\fR), rotated at 10 MB.\n"
      ".TP\n.I $XDG_CONFIG_HOME/oxd/oxd.ini\n"
      "The user config; \\fBplugins enable\\fR and \\fBplugins disable\\fR edit it.\n"
      ".TP\n.I <project>/.oxd/project.json\n"
      "The project file (\\fBrepo_id\\fR decides the workspace id).\n"
      ".TP\n.I <project>/.oxd/oxd.ini\n.TQ\n.I /etc/oxd/oxd.ini\n"
      "The project's and the system's config layers.\n";
  return page;
}

}  // namespace oxd::cli
