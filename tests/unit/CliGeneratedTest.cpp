// Completion scripts and the man page are generated from the command table: every command,
// option and subcommand in the table must show up in them.

#include <gtest/gtest.h>

#include <algorithm>

#include "oxctl/Cli.h"
#include "oxctl/Generated.h"

namespace oxd::cli {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// What roff makes of a name: every '-' escaped.
std::string roffName(std::string_view name) {
  std::string out;
  for (char c : name) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

TEST(CliGeneratedTest, BashCompletionHasEveryCommandOptionAndSubcommand) {
  std::string script = completionScript("bash");
  EXPECT_TRUE(contains(script, "complete -F _oxctl oxctl"));
  for (const Command& command : commands()) {
    EXPECT_TRUE(contains(script, "    " + std::string(command.name) + ")\n")) << command.name;
    for (const OptionSpec& option : command.options) {
      EXPECT_TRUE(contains(script, option.name)) << command.name << " " << option.name;
    }
    for (std::string_view word : command.subcommands) {
      EXPECT_TRUE(contains(script, word)) << command.name << " " << word;
    }
  }
  for (const OptionSpec& option : globalOptions()) EXPECT_TRUE(contains(script, option.name));
}

TEST(CliGeneratedTest, ZshCompletionHasEveryCommandOptionAndSubcommand) {
  std::string script = completionScript("zsh");
  EXPECT_TRUE(script.starts_with("#compdef oxctl\n"));
  for (const Command& command : commands()) {
    EXPECT_TRUE(contains(script, "'" + std::string(command.name) + ":")) << command.name;
    EXPECT_TRUE(contains(script, "        " + std::string(command.name) + ") _arguments"))
        << command.name;
    for (const OptionSpec& option : command.options) {
      EXPECT_TRUE(contains(script, std::string(option.name) + "[")) << option.name;
    }
    if (!command.subcommands.empty()) {
      std::string choices;
      for (std::string_view word : command.subcommands)
        choices += (choices.empty() ? "" : " ") + std::string(word);
      EXPECT_TRUE(contains(script, "'1:argument:(" + choices + ")'")) << command.name;
    }
  }
}

TEST(CliGeneratedTest, UnknownShellIsAUsageError) {
  EXPECT_THROW(completionScript("fish"), UsageError);
}

TEST(CliGeneratedTest, ManPageHasTheSectionsAndEveryCommand) {
  std::string page = manPage();
  EXPECT_TRUE(contains(page, ".TH OXCTL 1 "));
  for (const char* section : {".SH NAME\n", ".SH SYNOPSIS\n", ".SH DESCRIPTION\n", ".SH COMMANDS\n",
                              ".SH EXIT STATUS\n", ".SH ENVIRONMENT\n", ".SH FILES\n"}) {
    EXPECT_TRUE(contains(page, section)) << section;
  }
  for (const Command& command : commands()) {
    EXPECT_TRUE(contains(page, ".SS \"" + roffName(command.name))) << command.name;
    for (const OptionSpec& option : command.options) {
      EXPECT_TRUE(contains(page, ".TP\n\\fB" + roffName(option.name))) << option.name;
    }
  }
  // No line may start a roff request by accident, and no raw non-ASCII byte may reach groff.
  for (std::size_t start = 0; start < page.size();) {
    std::size_t end = page.find('\n', start);
    std::string line = page.substr(start, end - start);
    if (!line.empty() && line[0] == '\'') ADD_FAILURE() << line;
    start = end == std::string::npos ? page.size() : end + 1;
  }
  EXPECT_TRUE(std::all_of(page.begin(), page.end(),
                          [](char c) { return static_cast<unsigned char>(c) < 0x80; }));
}

}  // namespace
}  // namespace oxd::cli
