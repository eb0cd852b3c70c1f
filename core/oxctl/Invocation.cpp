#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>

#include "common/Paths.h"
#include "common/ProjectFile.h"
#include "oxctl/AutoStart.h"
#include "oxctl/Cli.h"

namespace oxd::cli {
namespace fs = std::filesystem;

namespace {

// Global options are recognised on both sides of the command name, so `oxctl status --json`
// and `oxctl --json status` mean the same.
bool takeGlobal(Invocation& invocation, std::string_view name,
                const std::optional<std::string>& inline_value,
                const std::function<std::string()>& next_value) {
  if (name == "--json" || name == "--help") {
    if (inline_value) throw UsageError(std::string(name) + " takes no value");
    (name == "--json" ? invocation.json : invocation.help) = true;
    return true;
  }
  if (name == "--no-start") {
    if (inline_value) throw UsageError("--no-start takes no value");
    invocation.no_start = true;
    return true;
  }
  if (name == "--project") {
    invocation.project_flag = inline_value ? *inline_value : next_value();
    return true;
  }
  if (name == "--socket") {
    invocation.socket_flag = inline_value ? *inline_value : next_value();
    return true;
  }
  return false;
}

const OptionSpec* findOption(const Command* command, std::string_view name) {
  if (!command) return nullptr;
  auto it =
      std::find_if(command->options.begin(), command->options.end(), [&](const OptionSpec& option) {
        return option.name == name || (!option.short_name.empty() && option.short_name == name);
      });
  return it == command->options.end() ? nullptr : &*it;
}

bool isShortOption(std::string_view argument) {
  return argument.size() == 2 && argument[0] == '-' && argument[1] != '-';
}

}  // namespace

void parseArguments(int argc, char** argv, Invocation& invocation) {
  bool options_ended = false;
  for (int index = 1; index < argc; ++index) {
    std::string_view argument = argv[index];
    if (!options_ended && argument == "--") {
      options_ended = true;
      continue;
    }
    if (!options_ended && (argument == "-h")) {
      invocation.help = true;
      continue;
    }
    if (options_ended || !(argument.starts_with("--") || isShortOption(argument))) {
      if (invocation.command) {
        invocation.positional.emplace_back(argument);
      } else if (!(invocation.command = findCommand(argument))) {
        throw UsageError("unknown command: " + std::string(argument));
      }
      continue;
    }
    std::string_view name = argument;
    std::optional<std::string> inline_value;
    if (auto equals = argument.find('='); equals != std::string_view::npos) {
      name = argument.substr(0, equals);
      inline_value = std::string(argument.substr(equals + 1));
    }
    auto next_value = [&]() -> std::string {
      if (index + 1 >= argc) throw UsageError(std::string(name) + " needs a value");
      return argv[++index];
    };
    if (takeGlobal(invocation, name, inline_value, next_value)) continue;
    const OptionSpec* option = findOption(invocation.command, name);
    if (!option) throw UsageError("unknown option: " + std::string(name));
    // Stored under the long name, so commands look up one spelling.
    if (option->value.empty()) {
      if (inline_value) throw UsageError(std::string(name) + " takes no value");
      invocation.options.emplace_back(option->name, "");
    } else {
      invocation.options.emplace_back(option->name, inline_value ? *inline_value : next_value());
    }
  }
  if (invocation.help) return;
  if (!invocation.command) throw UsageError("no command given");
  const Command& command = *invocation.command;
  if (invocation.positional.size() < command.min_positional) {
    throw UsageError(std::string(command.name) + ": missing argument");
  }
  if (invocation.positional.size() > command.max_positional) {
    throw UsageError(std::string(command.name) +
                     ": unexpected argument: " + invocation.positional[command.max_positional]);
  }
}

bool Invocation::has(std::string_view name) const {
  return std::any_of(options.begin(), options.end(),
                     [&](const auto& entry) { return entry.first == name; });
}

std::optional<std::string> Invocation::value(std::string_view name) const {
  std::optional<std::string> found;
  for (const auto& [key, text] : options) {
    if (key == name) found = text;
  }
  return found;
}

std::vector<std::string> Invocation::values(std::string_view name) const {
  std::vector<std::string> found;
  for (const auto& [key, text] : options) {
    if (key == name) found.push_back(text);
  }
  return found;
}

std::optional<std::int64_t> Invocation::integer(std::string_view name, std::int64_t low,
                                                std::int64_t high) const {
  std::optional<std::string> text = value(name);
  if (!text) return std::nullopt;
  std::int64_t number = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), number);
  if (error != std::errc() || end != text->data() + text->size() || text->empty()) {
    throw UsageError(std::string(name) + ": expected an integer, got '" + *text + "'");
  }
  if (number < low || number > high) {
    throw UsageError(std::string(name) + ": expected an integer in [" + std::to_string(low) + ", " +
                     std::to_string(high) + "], got " + *text);
  }
  return number;
}

const fs::path& Invocation::root() {
  if (!root_) root_ = project::findRoot(project_flag ? *project_flag : fs::current_path());
  return *root_;
}

const std::string& Invocation::workspaceId() {
  if (!workspace_id_) workspace_id_ = project::workspaceId(root(), project::readRepoId(root()));
  return *workspace_id_;
}

const fs::path& Invocation::socketPath() {
  if (!socket_) {
    const char* forced = std::getenv("OXD_SOCKET");
    if (forced && *forced) {
      socket_ = fs::path(forced);
    } else if (socket_flag) {
      socket_ = fs::path(*socket_flag);
    } else {
      socket_ = paths::socketPath(workspaceId());
    }
  }
  return *socket_;
}

ipc::IpcClient Invocation::client() {
  if (!daemon_ensured_ && command && commandStartsDaemon(command->name)) {
    ensureDaemon(*this);
    daemon_ensured_ = true;
  }
  return ipc::IpcClient(socketPath());
}

nlohmann::json Invocation::message(std::string_view type, std::optional<nlohmann::json> payload) {
  nlohmann::json message = {{"type", type}, {"workspace_id", workspaceId()}};
  if (payload) message["payload"] = std::move(*payload);
  return message;
}

const nlohmann::json& requireSuccess(const nlohmann::json& reply) {
  static const nlohmann::json kNoData;
  auto success = reply.find("success");
  if (success == reply.end() || !success->is_boolean() || !success->get<bool>()) {
    auto error = reply.find("error");
    throw CommandError(error != reply.end() && error->is_string() &&
                               !error->get<std::string>().empty()
                           ? error->get<std::string>()
                           : "request failed: " + reply.dump());
  }
  auto data = reply.find("data");
  return data == reply.end() ? kNoData : *data;
}

}  // namespace oxd::cli
