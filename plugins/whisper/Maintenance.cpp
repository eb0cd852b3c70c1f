#include "Maintenance.h"

#include <Poco/JSON/Array.h>

#include <algorithm>

namespace oxd::whisper {

void ReportCorruptStore(sdk::Reporting report, const StoreIdentity& store,
                        const std::string& problem, const std::filesystem::path& moved_to) {
  std::string summary = "whisper store " + store.name() + " was corrupt (" + problem +
                        "); moved aside to " + moved_to.string() +
                        " and recreated empty: its whispers and cursors are lost";
  report.log.error("%s", summary);
  sdk::Issue issue;
  issue.type = "whisper_store_corrupt";
  issue.severity = sdk::Severity::Error;
  issue.repo = store.scope == kTeamScope ? store.team_id : std::string(kLedgerScope);
  issue.summary = summary;
  report.issues.set(issue);
  report.errors.add("whisper_store_corrupt", summary, sdk::Severity::Error);
}

Poco::JSON::Object::Ptr RunMaintenance(Runtime& runtime, Nanos now) {
  const WhisperSettings& settings = runtime.settings;
  Nanos entry_cutoff = now - settings.retention.count();
  // A relay mark must outlive the window in which its murmur file could be read again.
  Nanos relay_cutoff = now - std::max(settings.retention, 2 * settings.relay_window).count();
  auto reports =
      runtime.stores->MaintainAll(now, entry_cutoff, relay_cutoff, settings.max_store_bytes);
  Poco::JSON::Array::Ptr stores = new Poco::JSON::Array;
  std::int64_t pruned = 0;
  for (const StoreSet::StoreReport& item : reports) {
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object(true);
    out->set("name", item.store.name());
    out->set("pruned", item.report.pruned);
    out->set("size_before", item.report.size_before);
    out->set("size_after", item.healed ? std::int64_t{-1} : item.report.size_after);
    out->set("vacuumed", item.report.vacuumed);
    out->set("healthy", !item.healed && item.error.empty());
    out->set("healed", item.healed);
    if (!item.error.empty()) {
      out->set("error", item.error);
      runtime.reporting.log.error("whisper store %s maintenance failed: %s", item.store.name(),
                                  item.error);
    }
    pruned += item.report.pruned;
    stores->add(out);
  }
  runtime.UpdateBoard([&](StatusBoard& board) {
    board.last_maintenance = now;
    board.last_maintenance_pruned = pruned;
  });
  if (pruned > 0)
    runtime.reporting.log.information("whisper maintenance pruned %Ld entries", pruned);
  // The scalar fields are what `oxctl doctor` prints on the plugin's line; `errors` makes it a
  // failed check (a healed store lost its whispers: the user should know).
  Poco::JSON::Object::Ptr result = new Poco::JSON::Object(true);
  result->set("stores_checked", static_cast<int>(reports.size()));
  result->set("entries_pruned", pruned);
  int healed = 0;
  Poco::JSON::Array::Ptr errors = new Poco::JSON::Array;
  for (const StoreSet::StoreReport& item : reports) {
    if (item.healed) {
      ++healed;
      errors->add("whisper store " + item.store.name() +
                  " was corrupt: moved aside and recreated empty");
    }
    if (!item.error.empty()) errors->add("whisper store " + item.store.name() + ": " + item.error);
  }
  result->set("stores_healed", healed);
  if (errors->size() > 0) result->set("errors", errors);
  result->set("stores", stores);
  return result;
}

}  // namespace oxd::whisper
