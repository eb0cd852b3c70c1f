// The `whisper` section of `status`: per store its entries and bytes, the agents with cursors,
// the last relay, the nudge settings and who paused them. Entry counts and agents come from a
// snapshot refreshed off the IPC path (after writes are counted and after maintenance), so the
// provider only reads memory and stats files.
#pragma once

#include "Runtime.h"

namespace oxd::whisper {

// The section's provider (registered by Messages.cpp).
Poco::Dynamic::Var WhisperStatusJson(Runtime& runtime);

}  // namespace oxd::whisper
