#include "ActivitySource.h"

#include <set>

#include "ActiveAgents.h"

namespace oxd::whisper {

namespace {

constexpr Nanos kHour = 3600LL * 1'000'000'000;

// Distinct authors of relayed murmurs (teammates' agents) in the last hour, over every store.
std::size_t TeammatesMurmuring(Runtime& runtime, Nanos now) {
  std::set<std::string> authors;
  std::set<std::string> local = runtime.agents->Ids();
  for (const auto& store : runtime.stores->All()) {
    Nanos before = 0;
    // Pages of the newest entries until one is older than an hour.
    for (int page = 0; page < 50; ++page) {
      std::vector<WhisperEntry> entries = store->Page("", before, 200);
      bool older = entries.empty();
      for (const WhisperEntry& entry : entries) {
        if (entry.created_at < now - kHour) {
          older = true;
          break;
        }
        if (entry.source == "murmur" && !entry.author_agent_id.empty() &&
            !local.count(entry.author_agent_id)) {
          authors.insert(entry.author_agent_id);
        }
      }
      if (older || entries.size() < 200) break;
      before = entries.back().created_at;
    }
  }
  return authors.size();
}

std::string Plural(std::size_t count, const std::string& word) {
  return std::to_string(count) + " " + word + (count == 1 ? "" : "s");
}

}  // namespace

bool RunActivitySummary(Runtime& runtime, Nanos now) {
  std::size_t active = ActiveAgentIds(runtime.calls).size();
  std::size_t teammates = TeammatesMurmuring(runtime, now);
  Nanos last_sync = runtime.Board().last_ledger_sync;
  std::string sync_text = last_sync == 0 ? "no ledger sync since the daemon started"
                                         : "last ledger sync " + FormatNanos(last_sync);
  std::string digest =
      std::to_string(active) + "|" + std::to_string(teammates) + "|" + std::to_string(last_sync);
  auto ledger = runtime.stores->Ledger();
  if (ledger->Meta("activity_digest") == digest) return false;
  WhisperEntry summary;
  summary.source = "activity";
  summary.importance = kImportanceAmbient;
  summary.content = "Activity: " + Plural(active, "agent") + " active on this machine, " +
                    Plural(teammates, "teammate agent") + " murmured in the last hour; " +
                    sync_text + ".";
  summary.expires_at = now + 2 * runtime.settings.activity_interval.count();
  std::vector<WhisperEntry> entries{summary};
  ledger->Append(entries, runtime.Clock());
  ledger->SetMeta("activity_digest", digest);
  runtime.UpdateBoard([](StatusBoard& board) { ++board.activity_sent; });
  return true;
}

}  // namespace oxd::whisper
