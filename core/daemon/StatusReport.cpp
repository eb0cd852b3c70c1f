#include "daemon/StatusReport.h"

#include "daemon/Daemon.h"
#include "daemon/WorkspaceLoader.h"
#include "host/PluginManager.h"
#include "state/Credentials.h"
#include "state/ErrorStore.h"
#include "state/HeartbeatHandler.h"
#include "state/IssueTracker.h"

#include <oxd/json.h>

#include <unistd.h>

namespace oxd::core {

Poco::JSON::Object::Ptr statusReport(Daemon& daemon, bool activity_timestamps) {
  const sdk::Workspace& workspace = daemon.workspace();
  DaemonSettings settings = daemon.settings();
  Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
  data->set("running", true);
  data->set("pid", static_cast<int>(::getpid()));
  data->set("version", std::string(OXD_VERSION));
  data->set("uptime", sdk::toNanoseconds(daemon.uptime()));
  data->set("workspace_path", workspace.project_root.string());
  data->set("workspace_id", workspace.workspace_id);
  if (!workspace.repo_id.empty()) data->set("repo_id", workspace.repo_id);
  // The project's own team: its team context is shown under "This Project"
  // (docs/protocol.md#status).
  if (std::string team = loadProjectTeamId(workspace.project_root); !team.empty())
    data->set("project_team_id", team);
  data->set("ledger_path",
            workspace.ledger_url.empty() ? std::string() : workspace.ledger_path.string());

  ErrorStore& errors = daemon.errors();
  data->set("recent_error_count",
            static_cast<int>(std::min<std::size_t>(10, errors.recentCount(std::chrono::hours(1)))));
  if (auto last = errors.lastError()) {
    data->set("last_error", last->message);
    data->set("last_error_time", sdk::formatTime(last->timestamp));
  }
  data->set("unviewed_error_count", static_cast<int>(errors.unviewedCount()));

  data->set("inactivity_timeout", sdk::toNanoseconds(settings.inactivity_timeout));
  data->set("time_since_activity", sdk::toNanoseconds(daemon.sinceActivity()));
  data->set("pending_work", static_cast<int>(daemon.pendingWork()));
  data->set("activity", daemon.heartbeats().activityJson(activity_timestamps));
  if (auto user = daemon.credentials().authenticatedUserJson())
    data->set("authenticated_user", user);
  IssueTracker& issues = daemon.issues();
  data->set("needs_help", issues.needsHelp());
  if (issues.count() > 0) data->set("issues", issues.toJson());
  data->set("startup_duration_ms", daemon.startupMilliseconds());
  if (daemon.throttleMilliseconds() > 0)
    data->set("throttle_duration_ms", daemon.throttleMilliseconds());
  auto callers = daemon.heartbeats().callersJson();
  if (callers->size() > 0) data->set("callers", callers);

  Poco::JSON::Object::Ptr sections = daemon.plugins().statusSections();
  for (const auto& name : sections->getNames()) {
    if (!data->has(name)) data->set(name, sections->get(name));
  }
  return data;
}

}  // namespace oxd::core
