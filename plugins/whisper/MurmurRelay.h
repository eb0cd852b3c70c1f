// The murmur relay (docs/behavior.md#murmur-relay): after a pull (or clone) of the ledger or a team
// context, read the murmur files of the relay window from that checkout — the original's
// data/murmurs/<date>/<hour>/ and, where a ledger still has it, oxd's earlier murmurs/<date>/ —
// and turn each one not yet relayed, and not written by an agent of this machine, into a
// broadcast whisper in that scope's store, carrying the murmur's topic, importance and agent. The
// relay marks and the new whispers are written in one transaction, so a crash relays a murmur
// either fully or not at all — never twice.
//
// Thread-safe: relays are serialised (two pulls of one repo could otherwise both see a murmur
// as new).
#pragma once

#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "MurmurFile.h"
#include "WhisperStore.h"

namespace oxd::whisper {

struct RelayOutcome {
  int relayed = 0;
  int skipped_local = 0;    // written by an agent of this machine (no echo)
  int skipped_relayed = 0;  // relayed before
  int skipped_invalid = 0;  // does not decode as a murmur file (logged at debug)
  int skipped_outside = 0;  // created outside the window
};

class MurmurRelay {
 public:
  using LocalAgents = std::function<std::set<std::string>()>;
  MurmurRelay(LocalAgents local_agents, std::function<void(const std::string&)> debug_log)
      : local_agents_(std::move(local_agents)), debug_log_(std::move(debug_log)) {}

  RelayOutcome RelayFromPath(const std::filesystem::path& checkout, WhisperStore& store,
                             const CreatedAtClock& clock, Nanos now, Nanos window);

 private:
  LocalAgents local_agents_;
  std::function<void(const std::string&)> debug_log_;
  std::mutex mutex_;
};

// The whisper a murmur becomes: source "murmur", type "trigger", the murmur's agent as author
// (agent_id on the wire), its topic, importance, principal and metadata. Moves from `murmur`.
WhisperEntry ToWhisper(MurmurFile& murmur);

}  // namespace oxd::whisper
