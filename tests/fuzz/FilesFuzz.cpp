// libFuzzer target: the files the daemon reads back from disk, written by someone else or cut
// off by a crash. The first input byte picks the reader, the rest is the file's content, written
// where that reader looks:
//
//   0  .oxd/project.json         project::readRepoId (oxd and oxctl), core::loadWorkspace (oxd)
//   1  .oxd/sync.manifest        git::ConflictRules::Parse, then ModeFor over a few paths
//   2  murmurs/<date>/<id>.json  whisper::MurmurFile::Parse (the relay reads a teammate's push)
//   3  heartbeat.jsonl           sync::ReadJsonLines, then AppendKeepingLast (the next write)
//   4  repos/<id>/*-state.json   sync::RepoStateFiles::LoadSync and LoadLastGc, then a failed
//                                sync's RecordSyncFailure
//   5  sessions/<name>/.watch.json  sync::SessionTail::Load (a session watch resumed at start)
//   6  murmur-spool/<n>.json     sync::MurmurSpool::Pending (the spool replayed at start)
//
// Each reader's documented refusal (a std::runtime_error naming the file for the project file,
// "no state" for the others) is expected; anything else escaping, a crash, a leak or a
// sanitizer report is a finding.
//
// Build and run: tests/fuzz/run.sh (tests/fuzz/README.md).

#include "common/ProjectFile.h"
#include "daemon/WorkspaceLoader.h"
#include "git/ConflictRules.h"
#include "sync/RepoStateFiles.h"
#include "sync/RollingFile.h"
#include "sync/writes/MurmurSpool.h"
#include "sync/writes/SessionTail.h"
#include "whisper/MurmurFile.h"

#include <unistd.h>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using namespace oxd;
namespace fs = std::filesystem;

fs::path& workDir() {
  static fs::path dir;
  return dir;
}

void writeFile(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

[[noreturn]] void finding(const char* where, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", where, what.c_str());
  std::abort();
}

void projectFile(std::string_view content) {
  fs::path root = workDir() / "project";
  writeFile(root / ".oxd" / "project.json", content);
  std::string repo_id;
  try {
    repo_id = project::readRepoId(root);
  } catch (const std::runtime_error&) {
  }
  project::workspaceId(root, repo_id);
  try {
    core::loadWorkspace(root);
  } catch (const std::runtime_error&) {
  }
}

void syncManifest(std::string_view content) {
  std::vector<std::string> warnings;
  git::ConflictRules rules = git::ConflictRules::Parse(content, &warnings);
  for (std::string_view path : {"", "/", "a", "data/github/x.json", "notes/mine/", "x/y/z"})
    rules.ModeFor(path);
  for (const auto& rule : rules.rules()) rules.ModeFor(rule.prefix);
}

void murmurFile(std::string_view content) {
  std::string why;
  auto murmur = whisper::MurmurFile::Parse(std::string(content), &why);
  if (!murmur) return;
  // What the relay does with one it accepted: its path in the checkout, and the file it would
  // write for it, which must read back as the same murmur.
  murmur->RelativePath();
  auto again = whisper::MurmurFile::Parse(murmur->Serialize(), &why);
  if (!again || again->id != murmur->id || again->content != murmur->content)
    finding("MurmurFile", "does not read back its own Serialize(): " + why);
}

void heartbeatFile(std::string_view content) {
  fs::path file = workDir() / "data" / "heartbeat.jsonl";
  writeFile(file, content);
  sync::ReadJsonLines(file);
  sync::AppendKeepingLast(file, R"({"ts":"2026-01-01T00:00:00Z","status":"healthy"})", 5);
  auto kept = sync::ReadJsonLines(file);
  if (kept.empty() || kept.size() > 5)
    finding("AppendKeepingLast", "kept " + std::to_string(kept.size()));
}

void repoStateFiles(std::string_view content) {
  sync::RepoStateFiles files(workDir() / "data");
  writeFile(files.SyncStatePath("ledger"), content);
  writeFile(files.GcStatePath("ledger"), content);
  sync::FormatUtc(files.LoadSync("ledger").last_sync);
  sync::FormatUtc(files.LoadLastGc("ledger"));
  // What the daemon does with the state next: a failed sync counts on from it.
  std::string error = files.RecordSyncFailure("ledger");
  if (!error.empty()) finding("RecordSyncFailure", error);
  files.LoadSync("ledger");
}

void sessionWatchFile(std::string_view content) {
  fs::path dir = workDir() / "cache" / "sessions" / "s1";
  writeFile(dir / sync::kTailStateFile, content);
  sync::SessionTail::Load(dir);
}

void murmurSpool(std::string_view content) {
  fs::path dir = workDir() / "data" / "murmur-spool";
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  writeFile(dir / "00000000000000000001.json", content);  // <sequence>.json, 20 digits
  sync::MurmurSpool spool(dir);
  std::vector<fs::path> unreadable;
  auto pending = spool.Pending(&unreadable);
  if (pending.size() + unreadable.size() != 1)
    finding("MurmurSpool", "a spool file neither read nor set aside");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Under $TMPDIR: run.sh points it at a dir it removes (libFuzzer ends without atexit).
  std::string pattern = (fs::temp_directory_path() / "oxd-fuzz-files-XXXXXX").string();
  if (!mkdtemp(pattern.data())) std::abort();
  workDir() = pattern.c_str();
  // loadWorkspace computes the daemon's dirs: under the scratch dir, never the machine's.
  for (const char* variable : {"XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME",
                               "XDG_STATE_HOME", "XDG_RUNTIME_DIR"}) {
    setenv(variable, (workDir() / "xdg").c_str(), 1);
  }
  std::atexit([] {
    std::error_code ignored;
    fs::remove_all(workDir(), ignored);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view content(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 7) {
    case 0:
      projectFile(content);
      break;
    case 1:
      syncManifest(content);
      break;
    case 2:
      murmurFile(content);
      break;
    case 3:
      heartbeatFile(content);
      break;
    case 4:
      repoStateFiles(content);
      break;
    case 5:
      sessionWatchFile(content);
      break;
    case 6:
      murmurSpool(content);
      break;
  }
  return 0;
}
