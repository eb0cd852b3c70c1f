#include "Messages.h"

#include <oxd/handlers.h>

#include <Poco/JSON/Object.h>

namespace oxd::github {

namespace {

using sdk::NoPayload;
using sdk::Progress;
using sdk::Reply;

Poco::JSON::Object::Ptr ReportJson(const SyncReport& report) {
  Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
  data->set("owner", report.repo.owner);
  data->set("repo", report.repo.repo);
  data->set("prs_changed", report.outcome.prs_changed);
  data->set("issues_changed", report.outcome.issues_changed);
  data->set("files", report.outcome.files_sent);
  data->set("committed", report.outcome.committed);
  data->set("pushed", report.outcome.pushed || report.outcome.files_sent == 0);
  if (!report.outcome.push_error.empty()) data->set("push_error", report.outcome.push_error);
  data->set("requests", report.requests);
  data->set("not_modified", report.not_modified);
  data->set("prs", report.outcome.prs_total);
  data->set("issues", report.outcome.issues_total);
  return data;
}

}  // namespace

void RegisterMessages(sdk::Host& host, Mirror& mirror) {
  sdk::handleTyped<NoPayload>(host, "github_sync", [&mirror](const NoPayload&, Progress& progress) {
    SyncReport report = mirror.Sync(
        true,
        [&progress](const std::string& stage, const std::string& message, int percent) {
          if (percent >= 0) {
            progress.percent(stage, percent, message);
          } else {
            progress.stage(stage, message);
          }
        },
        [&progress] { return progress.cancelled(); });
    if (!report.ok) return Reply::fail(report.error);
    return Reply::ok(ReportJson(report));
  });
  sdk::handleTyped<NoPayload>(host, "github_status", [&mirror](const NoPayload&, Progress&) {
    return Reply::ok(mirror.Status());
  });
  host.statusSection("github", [&mirror] { return mirror.Status(); });

  if (mirror.config().interval.count() > 0) {
    sdk::TaskSchedule schedule;
    schedule.interval = mirror.config().interval;
    schedule.jitter = mirror.config().interval / 10;
    schedule.initial_delay = std::chrono::seconds(5);  // after the ledger's first pull
    host.every("github-sync", schedule, [&mirror](const sdk::StopToken& stop) {
      mirror.Sync(false, nullptr, [&stop] { return stop.stopRequested(); });
    });
  }
  if (mirror.releaseCheckEnabled()) {
    sdk::TaskSchedule schedule;
    schedule.interval = std::chrono::minutes(30);
    schedule.initial_delay = std::chrono::seconds(2);
    host.every("github-release-check", schedule, [&mirror](const sdk::StopToken& stop) {
      mirror.CheckRelease([&stop] { return stop.stopRequested(); });
    });
  }
}

}  // namespace oxd::github
