// Sync-triggered whispers (docs/behavior.md#team-context-change-whispers): when a pull brings
// changes to a team context — its shared guidance (SOUL.md, conventions, …) — every agent is
// whispered which files changed, in that team's store. Murmur files are left out (the relay
// turns them into their own whispers); a pull that only brought murmurs whispers nothing.
// Ledger pulls whisper nothing: the ledger changes all day (sessions, mirrored GitHub data) and
// its murmurs are already relayed.
#pragma once

#include <optional>

#include <oxd/events.h>

#include "Runtime.h"

namespace oxd::whisper {

// The whisper for a pulled team context, or nothing (not a team, or only murmur files).
std::optional<WhisperEntry> TeamChangeWhisper(const sdk::RepoPulledEvent& pulled,
                                              const std::string& team_name);

// Stores TeamChangeWhisper's entry in the team's store, if any; true when one was written.
bool WhisperTeamChange(Runtime& runtime, const sdk::RepoPulledEvent& pulled);

}  // namespace oxd::whisper
