#pragma once
// What the whisper integration tests share: the real oxd with the real plugins (whisper, and
// sync with nothing to sync unless a test writes a project file), and small helpers over the
// whisper messages.

#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "DaemonFixture.h"
#include "common/Paths.h"

namespace oxd::testing {

class WhisperFixture : public CleanExitFixture {
 protected:
  using json = nlohmann::json;

  // The sync plugin is disabled unless a test asks for it (`with_sync`): most tests need no
  // git, and a daemon without it starts faster.
  void Start(const std::vector<std::string>& defines = {}, bool with_sync = false) {
    std::vector<std::string> args;
    if (!with_sync) args = {"--define", "sync.enabled=false"};
    for (const std::string& define : defines) {
      args.push_back("--define");
      args.push_back(define);
    }
    defines_ = defines;
    with_sync_ = with_sync;
    ASSERT_NO_FATAL_FAILURE(startDaemon({.args = args, .plugin_dir = OXD_PLUGIN_DIR}));
  }
  void Restart() {
    std::optional<int> status = stopDaemon();
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << daemonDiagnostics();
    ASSERT_NO_FATAL_FAILURE(Start(defines_, with_sync_));
  }

  std::filesystem::path StoreDir() {
    return oxd::paths::dataDir() / "workspaces" / workspaceId() / "whispers";
  }

  // whisper_add; returns the entry the daemon stored (fails the test on an error reply).
  json Add(const json& payload) {
    json reply = request("whisper_add", payload);
    EXPECT_TRUE(reply.value("success", false)) << reply.dump();
    return reply.value("data", json::object());
  }
  json AddText(const std::string& content) { return Add(json{{"content", content}}); }

  json Whispers(const json& payload) {
    json reply = request("whispers", payload);
    EXPECT_TRUE(reply.value("success", false)) << reply.dump();
    return reply["data"].value("entries", json::array());
  }
  json Take(const std::string& agent) { return Whispers(json{{"agent_id", agent}}); }

  static std::vector<std::string> Contents(const json& entries) {
    std::vector<std::string> out;
    for (const json& entry : entries) out.push_back(entry.value("content", ""));
    return out;
  }

  std::string ErrorOf(const std::string& type, const json& payload) {
    json reply = request(type, payload);
    EXPECT_FALSE(reply.value("success", true))
        << type << " " << payload.dump() << " → " << reply.dump();
    return reply.value("error", "");
  }

  json WhisperStatus() { return request("status")["data"].value("whisper", json::object()); }

  std::vector<std::string> defines_;
  bool with_sync_ = false;
};

}  // namespace oxd::testing
