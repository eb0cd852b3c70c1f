// The command table: every oxctl command, its synopsis, options, help and example. Help text,
// usage errors, shell completions and the man page are all generated from it.

#include <array>
#include <cstdio>

#include "oxctl/Cli.h"
#include "oxctl/Generated.h"
#include "oxctl/Output.h"

namespace oxd::cli {
namespace {

constexpr std::array<OptionSpec, 1> kSendOptions{{
    {"--one-way", "", "write the message and do not wait for a reply"},
}};

constexpr std::array<OptionSpec, 19> kHeartbeatOptions{{
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
    {"--timestamp", "TIME", "when the activity happened (RFC 3339; the daemon stamps receipt)"},
    // Secrets on argv are visible to every user in ps: hooks should prefer --stdin.
    {"--token", "TOKEN", "git token for the server (visible in ps: prefer --stdin)"},
    {"--server-url", "URL", "server the credentials belong to"},
    {"--expires-at", "TIME", "when the credentials expire (RFC 3339)"},
    {"--auth-token", "TOKEN", "OAuth access token (visible in ps: prefer --stdin)"},
    {"--user-email", "EMAIL", "the signed-in user's email"},
    {"--user-id", "ID", "the signed-in user's id"},
}};

constexpr std::array<OptionSpec, 1> kStopOptions{{
    {"--all", "", "stop every daemon in the registry (dead entries are pruned)"},
}};

constexpr std::array<OptionSpec, 1> kErrorsOptions{{
    {"--mark", "", "mark the given ids (all unviewed ones when none) as viewed"},
}};

constexpr std::array<OptionSpec, 2> kLogsOptions{{
    {"--follow", "", "keep printing lines as they are written (survives log rotation)", "-f"},
    {"--lines", "N", "how many of the last lines to print first (default 10)", "-n"},
}};

constexpr std::array<OptionSpec, 1> kHelpOptions{{
    {"--man", "", "print the oxctl(1) man page (roff): oxctl help --man | man -l -"},
}};

constexpr std::array<OptionSpec, 1> kSyncOptions{{
    {"--team", "", "pull every team context (team_sync) instead of the ledger"},
}};

constexpr std::array<OptionSpec, 1> kCheckoutOptions{{
    {"--type", "TYPE", "ledger (default) or team-context"},
}};

constexpr std::array<OptionSpec, 6> kWhispersOptions{{
    {"--agent", "ID", "the agent whose whispers to take (required without --history)"},
    {"--attention", "LEVEL", "all, normal (default) or focused"},
    {"--topic", "TOPIC", "only whispers about this topic, or untagged (repeatable)"},
    {"--history", "", "page through stored whispers without delivering them"},
    {"--before", "TIME", "with --history: older than this (RFC 3339; the last page's next)"},
    {"--limit", "N", "with --history: at most N whispers (default 50, at most 200)"},
}};

constexpr std::array<OptionSpec, 4> kMurmurOptions{{
    {"--agent", "ID", "the agent that speaks (default $OXD_AGENT_ID); pause|resume: the agent"},
    {"--topic", "TOPIC", "the murmur's topic (default general)"},
    {"--importance", "LEVEL", "critical, normal (default) or ambient"},
    {"--team", "ID", "murmur into this team context instead of the ledger"},
}};
constexpr std::array<std::string_view, 2> kMurmurSubcommands{"pause", "resume"};

constexpr std::array<OptionSpec, 3> kIndexOptions{{
    {"--full", "", "wipe the index and rebuild it"},
    {"--url", "URL", "index a remote repository (cloned by the sync plugin into the data dir)"},
    {"--ledger", "", "index the ledger instead of the project"},
}};

constexpr std::array<OptionSpec, 11> kSearchOptions{{
    {"--symbol", "", "find a symbol by name (Class::name or Class.name also works)"},
    {"--comment", "", "find the words as a phrase in comments and docstrings"},
    {"--commit", "", "find the words as a phrase in commit messages"},
    {"--path", "GLOB", "only paths matching GLOB (*, **, ?; no /: the file name)"},
    {"--lang", "LANG", "only this language: c cpp go python javascript typescript rust java shell"},
    {"--limit", "N", "at most N results (default 50, at most 1000)"},
    {"--history", "", "also past versions; each hit names the commit that added it"},
    {"--word", "", "text: whole words only (like grep -w)"},
    {"--ignore-case", "", "text and symbols: ASCII case-insensitive", "-i"},
    {"--ledger", "", "search the ledger's index instead of the project's"},
    {"--url", "URL", "search a remote repository indexed with index --url"},
}};

constexpr std::array<std::string_view, 1> kTelemetrySubcommands{"flush"};
constexpr std::array<std::string_view, 2> kGithubSubcommands{"sync", "status"};

constexpr std::array<std::string_view, 3> kPluginsSubcommands{"list", "enable", "disable"};
constexpr std::array<std::string_view, 2> kCompletionShells{"bash", "zsh"};
constexpr std::size_t kAnyNumber = static_cast<std::size_t>(-1);

constexpr std::array<OptionSpec, 5> kGlobalOptions{{
    {"--project", "DIR", "find the project (and so the daemon) from DIR"},
    {"--json", "", "machine-readable output"},
    {"--socket", "PATH", "use this socket (the OXD_SOCKET environment variable wins)"},
    {"--no-start", "", "do not start oxd when it is not running (also: OXD_NO_AUTOSTART=1)"},
    {"--help", "", "this text; COMMAND --help for one command", "-h"},
}};

constexpr std::array<OptionSpec, 1> kStatusOptions{{
    {"--verbose", "", "add internals, activity counters and the last 10 syncs"},
}};

constexpr std::array<OptionSpec, 1> kServiceOptions{{
    {"--now", "", "also start it (install) or stop it (uninstall) now"},
}};
constexpr std::array<std::string_view, 2> kServiceActions{"install", "uninstall"};

// Sized by its initializer: adding a command is adding an entry.
constexpr Command kCommands[] = {
    {"ping", "", "check that the daemon answers (prints pong)", "oxctl ping", {}, 0, 0, runPing},
    {"status", "", "show the daemon's health, syncs, agents and plugins (exit 3: not running)",
     "oxctl status --verbose   |   oxctl status --json", kStatusOptions, 0, 0, runStatus},
    {"daemons", "", "list every running oxd of this user", "oxctl daemons", {}, 0, 0, runDaemons},
    {"start",
     "",
     "start the daemon for this project unless it is running",
     "oxctl start",
     {},
     0,
     0,
     runStart},
    {"stop", "", "stop the daemon and wait until it is gone", "oxctl stop   |   oxctl stop --all",
     kStopOptions, 0, 0, runStop},
    {"restart",
     "",
     "stop the daemon if it runs, wait until it is gone, start it again",
     "oxctl restart",
     {},
     0,
     0,
     runRestart},
    {"reload",
     "",
     "re-read every config layer; applied only if all are valid",
     "oxctl reload",
     {},
     0,
     0,
     runReload},
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
    {"config",
     "check",
     "check every config layer (file and line of each error) against the installed plugins",
     "oxctl config check",
     {},
     1,
     1,
     runConfig},
    {"doctor",
     "",
     "run every plugin's self-check: one line each, exit 1 if one failed",
     "oxctl doctor",
     {},
     0,
     0,
     runDoctor},
    {"errors", "[ID...]", "list unviewed errors, newest first; --mark marks them viewed",
     "oxctl errors   |   oxctl errors --mark 3f9a1c2e", kErrorsOptions, 0, kAnyNumber, runErrors},
    {"logs", "", "print the end of the daemon's log file; -f follows it", "oxctl logs -n 50 -f",
     kLogsOptions, 0, 0, runLogs},
    {"metrics",
     "",
     "print the daemon's metrics in the Prometheus text format (--json: as JSON families)",
     "oxctl metrics   |   oxctl metrics | promtool check metrics",
     {},
     0,
     0,
     runMetrics},
    {"instances",
     "",
     "agents seen through heartbeats, as a tree by parent agent",
     "oxctl instances",
     {},
     0,
     0,
     runInstances},
    {"sync", "",
     "pull the ledger now (--team: every team context), showing each stage; exit 1 if one failed",
     "oxctl sync   |   oxctl sync --team", kSyncOptions, 0, 0, runSync},
    {"checkout", "URL PATH", "clone URL into PATH through the daemon, showing clone progress",
     "oxctl checkout https://git.example.com/team.git ~/.local/share/oxd/team --type team-context",
     kCheckoutOptions, 2, 2, runCheckout},
    {"history",
     "",
     "the last 100 syncs that pulled something: time, type/id, duration, files",
     "oxctl history",
     {},
     0,
     0,
     runHistory},
    {"gc",
     "",
     "re-clone team contexts now (blue-green GC); exit 1 if one was refused or failed",
     "oxctl gc",
     {},
     0,
     0,
     runGc},
    {"whispers", "",
     "take an agent's new whispers (each is given once); --history pages without taking",
     "oxctl whispers --agent Oxa7b3 --topic parser   |   oxctl whispers --history --limit 20",
     kWhispersOptions, 0, 0, runWhispers},
    {"murmur", "TEXT | pause | resume",
     "tell teammates what an agent is doing; pause|resume that agent's murmur nudges",
     "oxctl murmur \"refactoring the parser\" --agent Oxa7b3   |   oxctl murmur pause --agent "
     "Oxa7b3",
     kMurmurOptions, 1, 1, runMurmur, kMurmurSubcommands},
    {"index", "", "bring the code index up to date (or --full: rebuild it), showing progress",
     "oxctl index   |   oxctl index --full   |   oxctl index --url https://git.example.com/lib.git",
     kIndexOptions, 0, 0, runIndex},
    {"search", "QUERY",
     "search the project's code, history, symbols, comments or commits (uncommitted edits too)",
     "oxctl search parse_header --path 'src/**'   |   oxctl search Widget::resize --symbol",
     kSearchOptions, 1, 1, runSearch},
    {"telemetry",
     "[flush]",
     "show what telemetry is buffered, sent and where (--json: with the events); flush: send now",
     "oxctl telemetry   |   oxctl telemetry --json   |   oxctl telemetry flush",
     {},
     0,
     1,
     runTelemetry,
     kTelemetrySubcommands},
    {"github",
     "[sync | status]",
     "mirror the project's GitHub PRs and issues into the ledger now (sync, with progress), or "
     "show the mirror's state (status, the default)",
     "oxctl github sync   |   oxctl github status   |   oxctl github --json",
     {},
     0,
     1,
     runGithub,
     kGithubSubcommands},
    {"plugins",
     "[list | enable NAME | disable NAME]",
     "list plugins; enable/disable saves [NAME] enabled in the user config and applies it",
     "oxctl plugins   |   oxctl plugins disable github",
     {},
     0,
     2,
     runPlugins,
     kPluginsSubcommands},
    {"service", "install|uninstall",
     "run this project's oxd as a systemd user service (a launchd agent on macOS)",
     "oxctl service install --now   |   oxctl service uninstall --now", kServiceOptions, 1, 1,
     runService, kServiceActions},
    {"completion",
     "bash|zsh",
     "print the shell completion script",
     "source <(oxctl completion bash)",
     {},
     1,
     1,
     runCompletion,
     kCompletionShells},
    {"help", "[COMMAND]", "show help for oxctl or one command",
     "oxctl help send   |   oxctl help --man | man -l -", kHelpOptions, 0, 1, runHelp},
};

}  // namespace

std::span<const Command> commands() { return kCommands; }
std::span<const OptionSpec> globalOptions() { return kGlobalOptions; }

const Command* findCommand(std::string_view name) {
  for (const Command& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

int runHelp(Invocation& invocation) {
  if (invocation.has("--man")) {
    if (!invocation.positional.empty()) throw UsageError("help --man: takes no COMMAND");
    std::fputs(manPage().c_str(), stdout);
    return kExitOk;
  }
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
