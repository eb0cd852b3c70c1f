// Every built-in message type through the real oxd (docs/protocol.md#core-messages): what a client
// sees on the wire, checked with the same client oxctl uses.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "DaemonFixture.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

class BuiltinsTest : public CleanExitFixture {
 protected:
  // The reply's data, after checking the call succeeded.
  json dataOf(const std::string& type, const json& payload = nullptr) {
    json reply = request(type, payload);
    EXPECT_EQ(reply["success"], true) << type << ": " << reply.dump();
    return reply.value("data", json());
  }

  // Polls `instances` until `done` holds for its list, at most `timeout`. Returns the last list.
  template <typename Predicate>
  json pollInstances(Predicate done, std::chrono::milliseconds timeout = 5s) {
    auto deadline = Clock::now() + timeout;
    json list;
    for (;;) {
      list = dataOf("instances")["instances"];
      if (done(list) || Clock::now() >= deadline) return list;
      std::this_thread::sleep_for(20ms);
    }
  }

  static const json* findAgent(const json& list, const std::string& agent_id) {
    for (const json& item : list) {
      if (item.value("agent_id", "") == agent_id) return &item;
    }
    return nullptr;
  }

  std::string readLog() const {
    std::ifstream input(logPath(), std::ios::binary);
    std::stringstream buffer;
    buffer << input.rdbuf();
    return buffer.str();
  }
};

// 2006-01-02T15:04:05[.fraction](Z|±hh:mm), as Go's time.RFC3339Nano prints. By hand: GCC 12
// warns (maybe-uninitialized) inside <regex> under ASan, and warnings are errors.
bool isRfc3339(const std::string& text) {
  auto digits = [&](std::size_t at, std::size_t count) {
    if (at + count > text.size()) return false;
    for (std::size_t i = at; i < at + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
  };
  auto is = [&](std::size_t at, char c) { return at < text.size() && text[at] == c; };
  if (!(digits(0, 4) && is(4, '-') && digits(5, 2) && is(7, '-') && digits(8, 2) && is(10, 'T') &&
        digits(11, 2) && is(13, ':') && digits(14, 2) && is(16, ':') && digits(17, 2))) {
    return false;
  }
  std::size_t at = 19;
  if (is(at, '.')) {
    std::size_t start = ++at;
    while (digits(at, 1)) ++at;
    if (at == start || at - start > 9) return false;
  }
  if (is(at, 'Z')) return at + 1 == text.size();
  return (is(at, '+') || is(at, '-')) && digits(at + 1, 2) && is(at + 3, ':') &&
         digits(at + 4, 2) && at + 6 == text.size();
}

TEST_F(BuiltinsTest, PingAnswersPong) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  json reply = request("ping");
  EXPECT_EQ(reply, json({{"success", true}, {"data", "pong"}}));
}

TEST_F(BuiltinsTest, VersionAnswersTheProtocolVersion) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  json reply = request("version");
  EXPECT_EQ(reply, json({{"success", true}, {"data", "1.0.0"}}));
}

TEST_F(BuiltinsTest, StatusDescribesTheRunningDaemon) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  json status = dataOf("status");
  ASSERT_TRUE(status.is_object()) << status.dump();
  EXPECT_EQ(status["running"], true);
  EXPECT_EQ(status["pid"], daemonPid());
  EXPECT_EQ(status["version"], "0.1.0");
  ASSERT_TRUE(status["uptime"].is_number_integer()) << status.dump();
  EXPECT_GT(status["uptime"].get<std::int64_t>(), 0);
  EXPECT_EQ(status["workspace_path"], fs::canonical(projectDir()).string());
  EXPECT_EQ(status["needs_help"], false);
  ASSERT_TRUE(status.contains("startup_duration_ms")) << status.dump();
  EXPECT_TRUE(status["startup_duration_ms"].is_number_integer());
  EXPECT_GE(status["startup_duration_ms"].get<std::int64_t>(), 0);
  EXPECT_FALSE(status.contains("issues")) << status.dump();
  EXPECT_FALSE(status.contains("authenticated_user")) << status.dump();

  // Uptime is a live nanosecond count.
  std::this_thread::sleep_for(20ms);
  EXPECT_GT(dataOf("status")["uptime"].get<std::int64_t>(),
            status["uptime"].get<std::int64_t>() + 10'000'000);
}

TEST_F(BuiltinsTest, InstancesAndSessionsAreEmptyListsBeforeAnyHeartbeat) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  json instances = dataOf("instances");
  ASSERT_TRUE(instances.contains("instances")) << instances.dump();
  EXPECT_TRUE(instances["instances"].is_array()) << instances.dump();  // [] not null
  EXPECT_TRUE(instances["instances"].empty());
  json sessions = dataOf("sessions");
  ASSERT_TRUE(sessions.contains("sessions")) << sessions.dump();
  EXPECT_TRUE(sessions["sessions"].is_array()) << sessions.dump();
  EXPECT_TRUE(sessions["sessions"].empty());
}

TEST_F(BuiltinsTest, HeartbeatIsOneWayAndRegistersTheAgent) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  // sendOneWay writes and closes without reading: the daemon must not need a reader.
  sendOneWay("heartbeat", {{"agent_id", "Oxa7b3"},
                           {"agent_type", "claude"},
                           {"parent_pid", static_cast<int>(::getpid())},
                           {"repo_path", projectDir().string()}});
  sendOneWay("heartbeat", {{"agent_id", "Oxa7b3"}});
  sendOneWay("heartbeat", {{"agent_id", "Oxbeef"}});

  json list = pollInstances([](const json& l) {
    const json* a = findAgent(l, "Oxa7b3");
    return a && (*a)["heartbeat_count"] == 2 && findAgent(l, "Oxbeef");
  });
  const json* agent = findAgent(list, "Oxa7b3");
  ASSERT_NE(agent, nullptr) << list.dump();
  EXPECT_EQ((*agent)["workspace_path"], fs::canonical(projectDir()).string()) << agent->dump();
  ASSERT_TRUE((*agent)["last_heartbeat"].is_string()) << agent->dump();
  EXPECT_TRUE(isRfc3339((*agent)["last_heartbeat"].get<std::string>())) << agent->dump();
  EXPECT_EQ((*agent)["heartbeat_count"], 2);
  EXPECT_EQ((*agent)["status"], "active");
  EXPECT_EQ((*agent)["parent_pid"], ::getpid());
  EXPECT_EQ((*agent)["agent_type"], "claude");
  const json* other = findAgent(list, "Oxbeef");
  ASSERT_NE(other, nullptr) << list.dump();
  EXPECT_FALSE(other->contains("parent_pid")) << other->dump();  // not sent: omitted
  EXPECT_EQ((*other)["heartbeat_count"], 1);

  json sessions = dataOf("sessions")["sessions"];
  ASSERT_TRUE(sessions.is_array()) << sessions.dump();
  const json* session = findAgent(sessions, "Oxa7b3");
  ASSERT_NE(session, nullptr) << sessions.dump();
  for (const char* key :
       {"agent_id", "workspace_path", "last_heartbeat", "heartbeat_count", "status"})
    EXPECT_TRUE(session->contains(key)) << key << " missing in " << session->dump();
  EXPECT_EQ((*session)["heartbeat_count"], 2);
  EXPECT_EQ((*session)["status"], "active");
}

TEST_F(BuiltinsTest, StatusActivityCarriesTimestampsUnlessAskedNotTo) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  sendOneWay("heartbeat", {{"agent_id", "Oxa7b3"}});
  sendOneWay("heartbeat", {{"agent_id", "Oxa7b3"}});
  pollInstances([](const json& l) {
    const json* a = findAgent(l, "Oxa7b3");
    return a && (*a)["heartbeat_count"] == 2;
  });
  json full = dataOf("status")["activity"]["agents"][0];
  EXPECT_EQ(full["count"], 2) << full.dump();
  EXPECT_EQ(full["timestamps"].size(), 2u) << full.dump();  // the original's shape, by default

  json brief = request("status", {{"activity_timestamps", false}})["data"]["activity"]["agents"][0];
  EXPECT_EQ(brief["count"], 2) << brief.dump();
  EXPECT_EQ(brief["last"], full["last"]) << brief.dump();
  EXPECT_FALSE(brief.contains("timestamps")) << brief.dump();

  json bad = request("status", {{"activity_timestamps", "no"}});
  EXPECT_EQ(bad["success"], false) << bad.dump();
}

TEST_F(BuiltinsTest, ConcurrentHeartbeatsAreAllCounted) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  constexpr int kThreads = 16;
  constexpr int kPerThread = 500;
  std::atomic<int> send_failures{0};
  std::string first_failure;
  std::mutex failure_mutex;
  std::vector<std::thread> threads;
  fs::path socket = socketPath();
  std::string workspace = workspaceId();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ipc::IpcClient client(socket);  // one a thread: an IpcClient is not thread-safe
      json message = {{"type", "heartbeat"},
                      {"workspace_id", workspace},
                      {"payload", {{"agent_id", "agent-" + std::to_string(t)}}}};
      for (int i = 0; i < kPerThread; ++i) {
        try {
          client.sendOneWay(message, 5s);
        } catch (const std::exception& error) {
          if (send_failures.fetch_add(1) == 0) {
            std::lock_guard lock(failure_mutex);
            first_failure = error.what();
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(send_failures.load(), 0) << "first: " << first_failure;

  auto all_counted = [&](const json& list) {
    for (int t = 0; t < kThreads; ++t) {
      const json* agent = findAgent(list, "agent-" + std::to_string(t));
      if (!agent || (*agent)["heartbeat_count"] != kPerThread) return false;
    }
    return true;
  };
  json list = pollInstances(all_counted, 10s);
  for (int t = 0; t < kThreads; ++t) {
    const json* agent = findAgent(list, "agent-" + std::to_string(t));
    ASSERT_NE(agent, nullptr) << "agent-" << t << " missing";
    EXPECT_EQ((*agent)["heartbeat_count"], kPerThread) << "agent-" << t << " lost heartbeats";
  }
  EXPECT_EQ(list.size(), static_cast<std::size_t>(kThreads));
  EXPECT_EQ(request("ping")["data"], "pong");
}

TEST_F(BuiltinsTest, ContextTokenTotalsNeverWrapNegative) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  sendOneWay("heartbeat", {{"agent_id", "Oxtok"}, {"context_tokens", 1000}});
  sendOneWay("heartbeat", {{"agent_id", "Oxtok"}, {"context_tokens", kMax}});
  sendOneWay("heartbeat", {{"agent_id", "Oxtok"}, {"context_tokens", kMax}});
  json list;
  try {
    list = pollInstances([](const json& l) {
      const json* a = findAgent(l, "Oxtok");
      return a && (*a)["heartbeat_count"] == 3;
    });
  } catch (const std::exception& error) {
    FAIL() << "instances failed (" << error.what() << "): a heartbeat killed the daemon?\n"
           << daemonDiagnostics();
  }
  ASSERT_TRUE(daemonRunning()) << "a heartbeat killed the daemon\n" << daemonDiagnostics();
  const json* agent = findAgent(list, "Oxtok");
  ASSERT_NE(agent, nullptr) << list.dump();
  EXPECT_EQ((*agent)["heartbeat_count"], 3);
  EXPECT_EQ((*agent)["command_count"], 3) << agent->dump();
  ASSERT_TRUE((*agent)["cumulative_context_tokens"].is_number_integer()) << agent->dump();
  EXPECT_GE((*agent)["cumulative_context_tokens"].get<std::int64_t>(), 1000)
      << "the total wrapped around: " << agent->dump();
  EXPECT_EQ(request("ping")["data"], "pong");
}

TEST_F(BuiltinsTest, CredentialsNeverLeakIntoStatusOrTheLog) {
  // Debug level: the most the daemon ever writes about a heartbeat.
  ASSERT_NO_FATAL_FAILURE(startDaemon({.args = {"--define", "daemon.log_level=debug"}}));
  const std::string git_token = "glpat-SECRET-git-token-7f3a9c";
  const std::string auth_token = "eyJSECRET-oauth-token-51d2e8";
  sendOneWay("heartbeat", {{"agent_id", "Oxcred"},
                           {"credentials",
                            {{"token", git_token},
                             {"server_url", "https://git.example.com"},
                             {"expires_at", "2099-01-01T00:00:00Z"},
                             {"auth_token", auth_token},
                             {"user_email", "ana@example.com"},
                             {"user_id", "u_9"}}}});
  // Malformed ones too, so that the "field ignored" debug lines are exercised.
  sendOneWay("heartbeat",
             {{"agent_id", "Oxcred"}, {"credentials", {{"token", git_token}, {"expires_at", 5}}}});
  sendOneWay("heartbeat", {{"agent_id", "Oxcred"},
                           {"credentials", "SECRET-credentials-as-a-string"},
                           {"context_tokens", "SECRET-not-a-number"}});

  json status;
  auto deadline = Clock::now() + 5s;
  do {
    status = dataOf("status");
    if (status.contains("authenticated_user")) break;
    std::this_thread::sleep_for(20ms);
  } while (Clock::now() < deadline);
  ASSERT_TRUE(status.contains("authenticated_user")) << status.dump();
  EXPECT_EQ(status["authenticated_user"]["email"], "ana@example.com");
  EXPECT_EQ(status["authenticated_user"]["id"], "u_9");
  // Wait until the malformed heartbeats were handled too (instances counts them).
  json list = pollInstances([](const json& l) {
    const json* a = findAgent(l, "Oxcred");
    return a && (*a)["heartbeat_count"] == 3;
  });
  ASSERT_NE(findAgent(list, "Oxcred"), nullptr) << list.dump();
  EXPECT_EQ((*findAgent(list, "Oxcred"))["heartbeat_count"], 3) << list.dump();
  // A rejected credentials object leaves the accepted one in place.
  EXPECT_EQ(dataOf("status")["authenticated_user"]["email"], "ana@example.com");

  std::string status_text = dataOf("status").dump();
  EXPECT_EQ(status_text.find("SECRET"), std::string::npos) << status_text;
  for (const char* type : {"instances", "sessions", "doctor", "plugins", "get_errors"}) {
    std::string text = request(type).dump();
    EXPECT_EQ(text.find("SECRET"), std::string::npos) << type << ": " << text;
  }
  // Stop the daemon so the log is flushed and complete.
  stopDaemon();
  std::string log = readLog();
  EXPECT_FALSE(log.empty()) << logPath();
  // The malformed heartbeats were logged at debug level: the check below looked at the most the
  // daemon ever writes about a heartbeat.
  EXPECT_NE(log.find("oxd.heartbeat"), std::string::npos)
      << "no heartbeat debug line in " << logPath();
  EXPECT_EQ(log.find(git_token), std::string::npos) << "git token in " << logPath();
  EXPECT_EQ(log.find(auth_token), std::string::npos) << "auth token in " << logPath();
  EXPECT_EQ(log.find("SECRET"), std::string::npos) << "part of a token in " << logPath();
}

TEST_F(BuiltinsTest, GetErrorsIsAnEmptyList) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  json reply = request("get_errors");
  EXPECT_EQ(reply["success"], true) << reply.dump();
  ASSERT_TRUE(reply.contains("data")) << reply.dump();
  EXPECT_TRUE(reply["data"].is_array()) << reply.dump();  // [] not null
  EXPECT_TRUE(reply["data"].empty());
}

TEST_F(BuiltinsTest, MarkErrorsAcceptsAllOrIdsAndRejectsBadIds) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  EXPECT_EQ(request("mark_errors", json::object()), json({{"success", true}}));
  EXPECT_EQ(request("mark_errors"), json({{"success", true}}));
  EXPECT_EQ(request("mark_errors", {{"ids", {"x"}}}), json({{"success", true}}));
  EXPECT_EQ(request("mark_errors", {{"ids", json::array()}}), json({{"success", true}}));

  json bad = request("mark_errors", {{"ids", 5}});
  EXPECT_EQ(bad["success"], false) << bad.dump();
  EXPECT_EQ(bad.value("error", ""), "invalid payload: ids: expected list of strings, got number")
      << bad.dump();
  json bad_item = request("mark_errors", {{"ids", {"x", 7}}});
  EXPECT_EQ(bad_item["success"], false) << bad_item.dump();
  EXPECT_TRUE(bad_item.value("error", "").starts_with("invalid payload: ids[1]: "))
      << bad_item.dump();
  EXPECT_EQ(request("ping")["data"], "pong");
}

TEST_F(BuiltinsTest, DoctorReportsPerPluginSection) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  json doctor = dataOf("doctor");
  ASSERT_TRUE(doctor.is_object()) << doctor.dump();
  ASSERT_TRUE(doctor.contains("plugins")) << doctor.dump();
  EXPECT_TRUE(doctor["plugins"].is_object()) << doctor.dump();
}

TEST_F(BuiltinsTest, PluginsListsNothingWithoutPlugins) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  json plugins = dataOf("plugins");
  ASSERT_TRUE(plugins.contains("plugins")) << plugins.dump();
  EXPECT_TRUE(plugins["plugins"].is_array()) << plugins.dump();
  EXPECT_TRUE(plugins["plugins"].empty()) << plugins.dump();
}

TEST_F(BuiltinsTest, PluginEnableAndDisableValidateTheName) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  for (const char* type : {"plugin_enable", "plugin_disable"}) {
    json missing = request(type);
    EXPECT_EQ(missing["success"], false) << type << ": " << missing.dump();
    EXPECT_EQ(missing.value("error", ""), "invalid payload: name: required") << missing.dump();

    json wrong_type = request(type, {{"name", 3}});
    EXPECT_EQ(wrong_type["success"], false) << wrong_type.dump();
    EXPECT_TRUE(wrong_type.value("error", "").starts_with("invalid payload: name: "))
        << wrong_type.dump();

    json empty = request(type, {{"name", ""}});
    EXPECT_EQ(empty["success"], false) << empty.dump();
    EXPECT_TRUE(empty.value("error", "").starts_with("invalid payload: name: ")) << empty.dump();

    json unknown = request(type, {{"name", "nosuch"}});
    EXPECT_EQ(unknown["success"], false) << unknown.dump();
    EXPECT_EQ(unknown.value("error", ""), "unknown plugin: nosuch") << unknown.dump();
  }
}

TEST_F(BuiltinsTest, ReloadSucceedsWithAValidConfig) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  EXPECT_EQ(request("reload"), json({{"success", true}}));
  EXPECT_EQ(request("ping")["data"], "pong");
}

TEST_F(BuiltinsTest, UnknownTypeIsRefused) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  for (const char* type : {"frobnicate", "PING", "test.echo", "sync"}) {
    json reply = request(type);
    EXPECT_EQ(reply, json({{"success", false}, {"error", "unknown message type"}})) << type;
  }
  EXPECT_EQ(request("ping")["data"], "pong");
}

TEST_F(BuiltinsTest, AnotherWorkspaceIdIsStillServed) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  ipc::IpcClient client(socketPath());
  ASSERT_NE(workspaceId(), "deadbeef");
  json reply = client.request({{"type", "ping"}, {"workspace_id", "deadbeef"}}, 5s);
  EXPECT_EQ(reply, json({{"success", true}, {"data", "pong"}}));
  json status = client.request({{"type", "status"}, {"workspace_id", "deadbeef"}}, 5s);
  EXPECT_EQ(status["success"], true);
  EXPECT_EQ(status["data"]["pid"], daemonPid());
  // And without any workspace_id at all.
  EXPECT_EQ(client.request({{"type", "ping"}}, 5s)["data"], "pong");
  // A misconfigured hook sends on every turn: the mismatch is logged once, not per message.
  for (int i = 0; i < 20; ++i) client.request({{"type", "ping"}, {"workspace_id", "deadbeef"}}, 5s);
  std::ifstream log(logPath());
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  std::size_t warnings = 0;
  for (auto at = text.find("for workspace deadbeef"); at != std::string::npos;
       at = text.find("for workspace deadbeef", at + 1))
    ++warnings;
  EXPECT_EQ(warnings, 1u) << text;
}

}  // namespace
}  // namespace oxd::testing
