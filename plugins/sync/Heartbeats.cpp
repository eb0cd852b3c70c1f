#include "Heartbeats.h"

#include <unistd.h>

#include <Poco/JSON/Object.h>

#include <sstream>
#include <system_error>

#include "RepoStateFiles.h"
#include "RollingFile.h"

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

std::string Line(const sdk::Workspace& workspace, Clock::time_point last_sync, int errors) {
  Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
  entry->set("ts", FormatUtc(Clock::now()));
  entry->set("pid", static_cast<int>(::getpid()));
  entry->set("version", std::string(OXD_VERSION));
  entry->set("workspace", workspace.project_root.string());
  entry->set("last_sync", FormatUtc(last_sync));
  entry->set("status", std::string(errors > 0 ? "error" : "healthy"));
  if (errors > 0) entry->set("error_count", errors);
  std::ostringstream text;
  entry->stringify(text);
  return text.str();
}

}  // namespace

HeartbeatFiles::HeartbeatFiles(Poco::Logger& log, const sdk::Workspace& workspace,
                               const RepoSet& repos)
    : log_(log), workspace_(workspace), repos_(repos) {}

fs::path HeartbeatFiles::WorkspaceFile() const {
  return workspace_.workspace_data_dir / "heartbeat.jsonl";
}

fs::path HeartbeatFiles::CheckoutFile(const fs::path& checkout) {
  return checkout / ".git" / "oxd-heartbeat.jsonl";
}

void HeartbeatFiles::WriteAll() {
  if (workspace_.repo_id.empty()) return;  // docs/behavior.md#heartbeat-files: needs a repo_id
  auto write = [&](const fs::path& file, const std::string& line) {
    try {
      AppendKeepingLast(file, line, kHeartbeatLines);
    } catch (const std::exception& error) {
      log_.warning("heartbeat file %s: %s", file.string(), std::string(error.what()));
    }
  };
  int errors = 0;
  for (const Repo& repo : repos_.repos()) {
    if (!repos_.State(repo.id).last_error.empty()) ++errors;
  }
  std::error_code error;
  fs::create_directories(workspace_.workspace_data_dir, error);
  write(WorkspaceFile(), Line(workspace_, repos_.State("ledger").last_sync, errors));
  for (const Repo& repo : repos_.repos()) {
    std::error_code ignored;
    // Only a real .git directory: never create one, nor write into a gitdir link's target.
    if (!fs::is_directory(repo.path / ".git", ignored)) continue;
    RepoRuntime state = repos_.State(repo.id);
    write(CheckoutFile(repo.path),
          Line(workspace_, state.last_sync, state.last_error.empty() ? 0 : 1));
  }
}

}  // namespace oxd::sync
