// The command table: every oxctl command, its synopsis, options, help and example. Help text,
// usage errors, shell completions and the man page are all generated from it.

#include <array>

#include "oxctl/Cli.h"
#include "oxctl/Output.h"

namespace oxd::cli {
namespace {

constexpr std::array<OptionSpec, 1> kSendOptions{{
    {"--one-way", "", "write the message and do not wait for a reply"},
}};

constexpr std::array<OptionSpec, 12> kHeartbeatOptions{{
    {"--agent-id", "ID", "the agent sending the heartbeat"},
    {"--agent-type", "TYPE", "e.g. claude-code, codex"},
    {"--parent-agent-id", "ID", "the agent that spawned this one"},
    {"--parent-pid", "PID", "process whose death marks the agent exited"},
    {"--repo-path", "PATH", "repository the agent works in (default: the project root)"},
    {"--caller-path", "PATH", "clone or worktree the call comes from"},
    {"--team-id", "ID", "a team the agent works for (repeatable)"},
    {"--cli-version", "VERSION", "version of the calling CLI"},
    {"--context-tokens", "N", "context tokens used by this turn"},
    {"--command-name", "NAME", "command that triggered the heartbeat"},
    {"--stdin", "", "read a JSON object payload from stdin; flags override its fields"},
    {"--workspace-id", "ID", "workspace id to report (default: this project's)"},
}};

constexpr std::array<Command, 8> kCommands{{
    {"ping", "", "check that the daemon answers (prints pong)", "oxctl ping", {}, 0, 0, runPing},
    {"status",
     "",
     "show the daemon's health; --json prints its StatusData",
     "oxctl status --json",
     {},
     0,
     0,
     runStatus},
    {"start",
     "",
     "start the daemon for this project unless it is running",
     "oxctl start",
     {},
     0,
     0,
     runStart},
    {"stop", "", "stop the daemon and wait until it is gone", "oxctl stop", {}, 0, 0, runStop},
    {"socket",
     "",
     "print the daemon's socket path (needs no daemon)",
     "oxctl socket",
     {},
     0,
     0,
     runSocket},
    {"send", "TYPE [JSON]", "send any message; JSON is the payload object",
     "oxctl send instances   |   oxctl send whispers '{\"agent_id\":\"Oxa7b3\"}'", kSendOptions, 1,
     2, runSend},
    {"heartbeat", "", "report an agent's activity (fire-and-forget)",
     "oxctl heartbeat --agent-id Oxa7b3 --agent-type claude-code --team-id team_42",
     kHeartbeatOptions, 0, 0, runHeartbeat},
    {"help",
     "[COMMAND]",
     "show help for oxctl or one command",
     "oxctl help send",
     {},
     0,
     1,
     runHelp},
}};

}  // namespace

std::span<const Command> commands() { return kCommands; }

const Command* findCommand(std::string_view name) {
  for (const Command& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

int runHelp(Invocation& invocation) {
  if (invocation.positional.empty()) {
    printOut(generalUsage());
    return kExitOk;
  }
  const Command* command = findCommand(invocation.positional[0]);
  if (!command) throw UsageError("unknown command: " + invocation.positional[0]);
  printOut(commandUsage(*command));
  return kExitOk;
}

}  // namespace oxd::cli
