// The overlay's figures on a real repository (overlay/README.md, "Speed"): skipped unless
// OXD_OVERLAY_BENCH_REPO names a scratch checkout (it is edited and restored). Prints the
// medians of `git status --porcelain`, a Rescan, a Refresh after one edit, a search over the
// snapshot (100 modified files), and how long a saved file takes to be searchable through a
// LiveOverlay.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "OverlayTestSupport.h"
#include "overlay/DirtyScanner.h"

namespace oxd::codedb::test {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

template <typename Work>
double MedianMs(int runs, Work work) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    work(i);
    times.push_back(Ms(Clock::now() - start));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

TEST(OverlayBench, Figures) {
  const char* repo_env = std::getenv("OXD_OVERLAY_BENCH_REPO");
  if (repo_env == nullptr) {
    GTEST_SKIP() << "set OXD_OVERLAY_BENCH_REPO to a scratch checkout";
  }
  std::string repo = repo_env;
  // 100 modified tracked files (a busy working tree) and one new file edited below.
  std::vector<std::string> modified;
  std::istringstream tracked(Git(repo, {"ls-files", "*.h"}));
  for (std::string path; modified.size() < 100 && std::getline(tracked, path);) {
    modified.push_back(path);
    WriteFile(repo + "/" + path, ReadFile(repo + "/" + path) + "// oxd bench\n");
  }
  std::string edited = repo + "/oxd_bench_edit.cpp";
  WriteFile(edited, "int bench_edit_0() { return 0; }\n");

  double git_status = MedianMs(11, [&](int) {
    RunCommand({"git", "--no-optional-locks", "status", "--porcelain"}, repo);
  });
  DirtyScanner scanner(repo);
  double rescan = MedianMs(11, [&](int) { scanner.Rescan(); });
  double refresh = MedianMs(21, [&](int i) {
    WriteFile(edited, "int bench_edit_" + std::to_string(i) + "() { return 0; }\n");
    scanner.Refresh({"oxd_bench_edit.cpp"});
  });
  OverlaySnapshotPtr snapshot = scanner.current();
  SearchQuery text;
  text.query = "bench_edit_20";
  SearchQuery symbol = text;
  symbol.kind = SearchKind::kSymbol;
  SearchQuery common;  // hits in every dirty file
  common.query = "oxd bench";
  double text_search = MedianMs(101, [&](int) { snapshot->Search(text); });
  double common_search = MedianMs(101, [&](int) { snapshot->Search(common); });
  double symbol_search = MedianMs(101, [&](int) { snapshot->Search(symbol); });

  // Save → searchable, through the watcher with the default settle.
  LiveOverlay overlay(repo, std::chrono::milliseconds(100), nullptr);
  overlay.Start();
  double searchable = MedianMs(11, [&](int i) {
    text.query = "saved_token_" + std::to_string(i);
    WriteFile(edited, "int " + text.query + " = 1;\n");
    while (overlay.Snapshot()->Search(text).hits.empty()) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  OverlayStatus status = overlay.Status();
  overlay.Stop();

  std::vector<std::string> restore = {"checkout", "--"};
  restore.insert(restore.end(), modified.begin(), modified.end());
  Git(repo, restore);
  fs::remove(edited);
  std::printf(
      "dirty files %zu, watched directories %zu\n"
      "git status --porcelain  %8.3f ms\n"
      "Rescan                  %8.3f ms\n"
      "Refresh after one edit  %8.3f ms\n"
      "Search text             %8.4f ms (%.4fx git status)\n"
      "Search symbol           %8.4f ms\n"
      "Search text, 100 hits   %8.4f ms (%.4fx git status)\n"
      "save -> searchable      %8.3f ms (settle 100 ms)\n",
      snapshot->files().size(), status.watched_directories, git_status, rescan, refresh,
      text_search, text_search / git_status, symbol_search, common_search,
      common_search / git_status, searchable);
}

}  // namespace
}  // namespace oxd::codedb::test
