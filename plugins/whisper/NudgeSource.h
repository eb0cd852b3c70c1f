// Murmur nudges (docs/behavior.md#nudges): an active agent that has not murmured within
// the nudge interval is whispered a reminder to say what it is working on. History comes from
// the stores (its last murmur, its last nudge), so a restart does not nudge again early; an
// agent's first nudge comes about a minute after it first appeared. Paused agents
// (murmur_pause) are skipped. Runs on the host scheduler (WhisperPlugin.cpp).
#pragma once

#include <chrono>

#include "Runtime.h"

namespace oxd::whisper {

// How often the check runs: a tenth of the interval, between 1 s and 1 min (every minute
// for the usual intervals).
std::chrono::milliseconds NudgeCheckPeriod(std::chrono::nanoseconds interval);

// One check: returns how many nudges were whispered.
int RunNudges(Runtime& runtime, Nanos now);

}  // namespace oxd::whisper
