#pragma once
// What oxctl's commands share: the parsed command line, the lazily found project and socket,
// and the command table. Runs on the client, once per process, single-threaded.
//
// Start-up cost matters (agent hooks run oxctl on every turn): nothing here touches the disk
// or the socket until a command asks for it.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/IpcClient.h"

namespace oxd::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;  // error reply, unresponsive daemon, local failure
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotRunning = 3;
inline constexpr int kExitCancelled = 130;  // 128 + SIGINT, what a shell reports for Ctrl-C

inline constexpr std::chrono::milliseconds kPingTimeout{2000};
inline constexpr std::chrono::milliseconds kRequestIdleTimeout{30000};
inline constexpr std::chrono::milliseconds kOneWayTimeout{200};
// A murmur's one-way send waits for the daemon to have spooled it (an fsync, behind the queue).
inline constexpr std::chrono::milliseconds kMurmurConfirmTimeout{10000};

// Bad command line: main prints the message and the command's usage, exits 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A failure the command has already put into words: main prints "error: <what>", exits 1.
struct CommandError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct OptionSpec {
  std::string_view name;   // with the dashes: "--agent-id"
  std::string_view value;  // placeholder ("ID") for an option that takes a value, "" for a flag
  std::string_view help;
  std::string_view short_name{};  // "-n", for the few options people type often
};

class Invocation;

struct Command {
  std::string_view name;
  std::string_view arguments;  // synopsis after the name: "TYPE [JSON]"
  std::string_view summary;
  std::string_view example;
  std::span<const OptionSpec> options;
  std::size_t min_positional;
  std::size_t max_positional;
  int (*run)(Invocation&);
  // Words accepted as the first argument ("list", "enable", …): completion and the man page
  // offer them. Empty when the arguments are free-form.
  std::span<const std::string_view> subcommands{};
};

std::span<const Command> commands();
std::span<const OptionSpec> globalOptions();  // --project, --json, --socket, --no-start, --help
const Command* findCommand(std::string_view name);

class Invocation {
 public:
  // Global options (accepted before and after the command name).
  std::optional<std::filesystem::path> project_flag;
  std::optional<std::string> socket_flag;
  bool json = false;
  bool help = false;
  bool no_start = false;  // --no-start: never start oxd (docs/behavior.md#auto-start)

  const Command* command = nullptr;
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // command options in given order

  bool has(std::string_view name) const;
  std::optional<std::string> value(std::string_view name) const;  // last one given
  std::vector<std::string> values(std::string_view name) const;
  // The option's value as an integer in [low, high]; UsageError naming the option otherwise.
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t low,
                                      std::int64_t high) const;

  const std::filesystem::path& root();
  const std::string& workspaceId();
  // OXD_SOCKET, else --socket, else derived from the workspace id.
  const std::filesystem::path& socketPath();

  // A client for the daemon's socket. For a command hooks run, the first call starts oxd when
  // nothing answers and auto-start is on (oxctl/AutoStart.h).
  ipc::IpcClient client();
  // {"type", "workspace_id", "payload"?}.
  nlohmann::json message(std::string_view type, std::optional<nlohmann::json> payload = {});

 private:
  std::optional<std::filesystem::path> root_;
  std::optional<std::string> workspace_id_;
  std::optional<std::filesystem::path> socket_;
  bool daemon_ensured_ = false;
};

// Parses argv[1..] into `invocation`; throws UsageError, leaving what was parsed so far (main
// uses `command` to show the right usage). `command` stays null for a bare `--help`.
void parseArguments(int argc, char** argv, Invocation& invocation);

// Final-reply handling shared by commands: an error reply throws CommandError with its text.
const nlohmann::json& requireSuccess(const nlohmann::json& reply);

// Commands (Commands*.cpp).
int runPing(Invocation&);
int runSocket(Invocation&);
int runStatus(Invocation&);  // CommandsStatus.cpp
int runDaemons(Invocation&);
int runStop(Invocation&);
int runStart(Invocation&);
int runSend(Invocation&);
int runHeartbeat(Invocation&);
int runHelp(Invocation&);
int runConfig(Invocation&);
int runService(Invocation&);  // CommandsService.cpp
int runRestart(Invocation&);
int runReload(Invocation&);
int runDoctor(Invocation&);
int runErrors(Invocation&);
int runMetrics(Invocation&);
int runLogs(Invocation&);
int runInstances(Invocation&);
int runPlugins(Invocation&);
int runCompletion(Invocation&);
int runSync(Invocation&);  // CommandsSync.cpp
int runCheckout(Invocation&);
int runHistory(Invocation&);
int runGc(Invocation&);
int runWhispers(Invocation&);  // CommandsWhisper.cpp
int runMurmur(Invocation&);
int runIndex(Invocation&);  // CommandsCode.cpp
int runSearch(Invocation&);
int runTelemetry(Invocation&);  // CommandsTelemetry.cpp
int runGithub(Invocation&);     // CommandsGithub.cpp

// The whole CLI: parses argv, runs the command, maps failures to messages and exit codes.
int run(int argc, char** argv);

}  // namespace oxd::cli
