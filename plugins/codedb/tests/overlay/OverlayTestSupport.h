// Helpers of the overlay tests: small repositories built with the git CLI, the truth from
// `git status --porcelain -uall --no-renames -z`, and waiting for a LiveOverlay to agree.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "TestRepo.h"
#include "overlay/LiveOverlay.h"
#include "overlay/OverlaySnapshot.h"

namespace oxd::codedb::test {

// Writes (creating parent directories) and reads whole files.
void WriteFile(const std::string& path, const std::string& text);
std::string ReadFile(const std::string& path);

// `git init` in `repo` (created), user and branch set locally, then `files` committed.
void InitRepo(const std::string& repo, const std::map<std::string, std::string>& files);

// Path → DirtyChangeName, as git status says (porcelain XY codes plus whether the file is on
// disk). Does not take the optional index lock, so it never makes the overlay rescan.
std::map<std::string, std::string> GitStatus(const std::string& repo);

// The same from a snapshot.
std::map<std::string, std::string> SnapshotStatus(const OverlaySnapshot& snapshot);

// Empty when every searchable file's text in `snapshot` equals the file on disk; otherwise
// the first path that differs.
std::string StaleText(const OverlaySnapshot& snapshot, const std::string& repo);

// Polls `overlay` (every 2 ms, at most `bound`) until its snapshot equals `expected` and its
// texts are current. Returns an empty string, or a description of the last difference.
std::string WaitForOverlay(const LiveOverlay& overlay, const std::string& repo,
                           const std::map<std::string, std::string>& expected,
                           std::chrono::milliseconds bound = std::chrono::milliseconds(2000));

std::string Describe(const std::map<std::string, std::string>& status);

}  // namespace oxd::codedb::test
