// `oxctl completion bash|zsh`: scripts built from the command table. Value placeholders decide
// what a value completes to: DIR → directories, PATH/FILE → files, COMMAND → command names,
// anything else → nothing (an id or a number cannot be guessed).

#include <cstdio>
#include <optional>
#include <string>

#include "oxctl/Cli.h"
#include "oxctl/Generated.h"

namespace oxd::cli {
namespace {

enum class ValueKind { None, Directory, File, Command };

ValueKind kindOf(std::string_view placeholder) {
  if (placeholder == "DIR") return ValueKind::Directory;
  if (placeholder == "PATH" || placeholder == "FILE") return ValueKind::File;
  if (placeholder == "COMMAND") return ValueKind::Command;
  return ValueKind::None;
}

std::string words(std::span<const std::string_view> items) {
  std::string text;
  for (std::string_view item : items) text += (text.empty() ? "" : " ") + std::string(item);
  return text;
}

std::string commandNames() {
  std::string text;
  for (const Command& command : commands()) {
    text += (text.empty() ? "" : " ") + std::string(command.name);
  }
  return text;
}

std::string optionNames(std::span<const OptionSpec> options, bool valued_only,
                        std::optional<ValueKind> kind = {}) {
  std::string text;
  for (const OptionSpec& option : options) {
    if (valued_only && option.value.empty()) continue;
    if (kind && kindOf(option.value) != *kind) continue;
    text += (text.empty() ? "" : " ") + std::string(option.name);
    if (!option.short_name.empty()) text += " " + std::string(option.short_name);
  }
  return text;
}

// The first positional argument of a command: its subcommands, or command names for
// "[COMMAND]" (help).
std::string firstArgumentWords(const Command& command) {
  if (!command.subcommands.empty()) return words(command.subcommands);
  if (command.arguments.find("COMMAND") != std::string_view::npos) return commandNames();
  return "";
}

std::string bashScript() {
  std::string globals = optionNames(globalOptions(), false);
  std::string global_valued = optionNames(globalOptions(), true);
  std::string script =
      "# bash completion for oxctl, generated from its command table by `oxctl completion bash`.\n"
      "# Use: source <(oxctl completion bash), or save as\n"
      "# /usr/share/bash-completion/completions/oxctl\n"
      "_oxctl() {\n"
      "  COMPREPLY=()\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
      "  local commands='" +
      commandNames() +
      "'\n"
      "  local globals='" +
      globals +
      "'\n"
      "  local valued=' " +
      global_valued + " ' dirs=' " + optionNames(globalOptions(), true, ValueKind::Directory) +
      " ' files=' " + optionNames(globalOptions(), true, ValueKind::File) +
      " '\n"
      "  local command='' options='' first='' i word\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    word=${COMP_WORDS[i]}\n"
      "    if [[ $valued == *\" $word \"* ]]; then ((i++)); continue; fi\n"
      "    [[ $word == -* ]] && continue\n"
      "    command=$word; break\n"
      "  done\n"
      "  case $command in\n";
  for (const Command& command : commands()) {
    script += "    " + std::string(command.name) + ")\n";
    script += "      options='" + optionNames(command.options, false) + "'\n";
    script += "      valued+='" + optionNames(command.options, true) + " '\n";
    script += "      dirs+='" + optionNames(command.options, true, ValueKind::Directory) + " '\n";
    script += "      files+='" + optionNames(command.options, true, ValueKind::File) + " '\n";
    script += "      first='" + firstArgumentWords(command) + "' ;;\n";
  }
  script +=
      "  esac\n"
      "  if [[ $dirs == *\" $prev \"* ]]; then COMPREPLY=($(compgen -d -- \"$cur\")); return; fi\n"
      "  if [[ $files == *\" $prev \"* ]]; then COMPREPLY=($(compgen -f -- \"$cur\")); return; fi\n"
      "  if [[ $valued == *\" $prev \"* ]]; then COMPREPLY=(); return; fi\n"
      "  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$options $globals\" -- \"$cur\")); "
      "return; fi\n"
      "  if [[ -z $command ]]; then COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\")); return; "
      "fi\n"
      "  # Positional words after the command, skipping option values: only the first one has\n"
      "  # a fixed set of choices.\n"
      "  local count=0\n"
      "  for ((i = i + 1; i < COMP_CWORD; i++)); do\n"
      "    word=${COMP_WORDS[i]}\n"
      "    if [[ $valued == *\" $word \"* ]]; then ((i++)); continue; fi\n"
      "    [[ $word == -* ]] || ((count++))\n"
      "  done\n"
      "  if ((count == 0)) && [[ -n $first ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$first\" -- \"$cur\"))\n"
      "  fi\n"
      "}\n"
      "complete -F _oxctl oxctl\n";
  return script;
}

// Single-quoted for zsh.
std::string zshQuoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Brackets, colons and backslashes mean something inside an _arguments spec.
std::string zshEscaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// "--name[help]" for a flag; "*--name[help]:VALUE:action" for an option with a value (the
// star lets it repeat, as --team-id does).
std::string zshOptionSpec(const OptionSpec& option) {
  std::string tail;
  if (!option.value.empty()) {
    ValueKind kind = kindOf(option.value);
    std::string action = kind == ValueKind::Directory ? "_files -/"
                         : kind == ValueKind::File    ? "_files"
                                                      : " ";
    tail = ":" + zshEscaped(option.value) + ":" + action;
  }
  auto one = [&](std::string_view name) {
    return zshQuoted((option.value.empty() ? "" : "*") + std::string(name) + "[" +
                     zshEscaped(option.help) + "]" + tail);
  };
  std::string out = one(option.name);
  if (!option.short_name.empty()) out += " " + one(option.short_name);
  return out;
}

std::string zshScript() {
  std::string script =
      "#compdef oxctl\n"
      "# zsh completion for oxctl, generated from its command table by `oxctl completion zsh`.\n"
      "# Use: source <(oxctl completion zsh), or save as _oxctl in a directory of $fpath.\n"
      "_oxctl() {\n"
      "  local curcontext=$curcontext state line\n"
      "  local -a commands globals\n"
      "  commands=(\n";
  for (const Command& command : commands()) {
    script +=
        "    " + zshQuoted(std::string(command.name) + ":" + std::string(command.summary)) + "\n";
  }
  script += "  )\n  globals=(\n";
  for (const OptionSpec& option : globalOptions()) script += "    " + zshOptionSpec(option) + "\n";
  script +=
      "  )\n"
      "  _arguments -C $globals '1:command:->command' '*::argument:->argument'\n"
      "  case $state in\n"
      "    command) _describe -t commands 'oxctl command' commands ;;\n"
      "    argument)\n"
      "      curcontext=${curcontext%:*:*}:oxctl-$words[1]:\n"
      "      case $words[1] in\n";
  for (const Command& command : commands()) {
    script += "        " + std::string(command.name) + ") _arguments $globals";
    for (const OptionSpec& option : command.options) script += " " + zshOptionSpec(option);
    std::string first = firstArgumentWords(command);
    if (!first.empty()) script += " '1:argument:(" + first + ")'";
    if (command.max_positional > (first.empty() ? 0u : 1u)) script += " '*::argument: '";
    script += " ;;\n";
  }
  script +=
      "      esac ;;\n"
      "  esac\n"
      "}\n"
      "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
      "  _oxctl \"$@\"\n"
      "else\n"
      "  compdef _oxctl oxctl\n"
      "fi\n";
  return script;
}

}  // namespace

std::string completionScript(std::string_view shell) {
  if (shell == "bash") return bashScript();
  if (shell == "zsh") return zshScript();
  throw UsageError("completion: unknown shell '" + std::string(shell) + "' (bash, zsh)");
}

int runCompletion(Invocation& invocation) {
  std::string script = completionScript(invocation.positional[0]);
  std::fwrite(script.data(), 1, script.size(), stdout);
  return kExitOk;
}

}  // namespace oxd::cli
