#include "NudgeSource.h"

#include <algorithm>

#include "ActiveAgents.h"

namespace oxd::whisper {

std::chrono::milliseconds NudgeCheckPeriod(std::chrono::nanoseconds interval) {
  auto tenth = std::chrono::duration_cast<std::chrono::milliseconds>(interval / 10);
  return std::clamp<std::chrono::milliseconds>(tenth, std::chrono::seconds(1),
                                               std::chrono::minutes(1));
}

int RunNudges(Runtime& runtime, Nanos now) {
  const Nanos interval = runtime.settings.nudge_interval.count();
  if (interval == 0) return 0;
  const Nanos first_delay = std::min<Nanos>(interval, 60LL * 1'000'000'000);
  std::vector<WhisperEntry> nudges;
  for (const std::string& agent : ActiveAgentIds(runtime.calls)) {
    if (runtime.agents->Paused(agent)) continue;
    runtime.agents->Seen(agent, now);
    Nanos last = 0;
    for (const auto& store : runtime.stores->All()) {
      last = std::max(last, store->LastAuthored("murmur", agent));
    }
    last = std::max(last, runtime.stores->Ledger()->LastTargeted("nudge", agent));
    bool due =
        last == 0 ? now - runtime.agents->FirstSeen(agent) >= first_delay : now - last >= interval;
    if (!due) continue;
    WhisperEntry nudge;
    nudge.source = "nudge";
    nudge.agent_id = agent;
    nudge.importance = kImportanceNormal;
    nudge.content =
        "Your teammates have not heard from you for a while. In one line, what are you working "
        "on? Tell them with: oxctl murmur \"<what you are doing>\" --agent " +
        agent;
    // A reminder nobody read before the next one is due is stale.
    nudge.expires_at = now + interval;
    nudges.push_back(std::move(nudge));
  }
  if (nudges.empty()) return 0;
  runtime.stores->Ledger()->Append(nudges, runtime.Clock());
  int sent = static_cast<int>(nudges.size());
  runtime.UpdateBoard([&](StatusBoard& board) { board.nudges_sent += sent; });
  return sent;
}

}  // namespace oxd::whisper
