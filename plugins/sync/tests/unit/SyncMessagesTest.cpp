// The sync plugin's message layer, driven through the fake host: the whole plugin is started in
// process (SyncPlugin.cpp's OXD_PLUGIN) on real git repositories in a temporary directory, and
// each message is sent as a client would, without a daemon.
#include <gtest/gtest.h>

#include <oxd/calls.h>
#include <oxd/events.h>
#include <oxd/plugin.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <memory>
#include <thread>

#include "Concurrency.h"
#include "PluginMessagesTest.h"

namespace oxd::sync {
namespace {

using oxd::testing::ObjectOf;
using oxd::testing::Quoted;
using oxd::testing::Shell;
namespace fs = std::filesystem;

// Polls a condition a git clone may take seconds to satisfy.
template <typename Predicate>
bool Eventually(Predicate predicate) {
  return oxd::testing::eventually(predicate, std::chrono::seconds(10));
}

class SyncMessagesTest : public oxd::testing::PluginMessagesTest {
 protected:
  // `with_ledger`: a ledger cloned from a bare "remote" before the plugin starts.
  void Start(bool with_ledger) {
    oxd::testing::BareRepoWithCommit(scratch_ / "remote.git", "README.md", "ledger\n");
    sdk::Workspace workspace = oxd::testing::WorkspaceIn(scratch_);
    if (with_ledger) {
      workspace.ledger_url = RemoteUrl();
      Shell("git clone -q " + Quoted(scratch_ / "remote.git") + " " +
            Quoted(workspace.ledger_path));
    }
    StartPlugin(workspace, "sync");
  }

  std::string RemoteUrl() const { return "file://" + (scratch_ / "remote.git").string(); }

  // A commit pushed to the remote from elsewhere (a teammate).
  void TeammatePushes(const std::string& file) {
    fs::path other = scratch_ / "teammate";
    if (!fs::exists(other))
      Shell("git clone -q " + Quoted(scratch_ / "remote.git") + " " + Quoted(other));
    oxd::testing::WriteFile(other / file, "from a teammate\n");
    Shell("cd " + Quoted(other) +
          " && git add -A && git -c user.name=t -c user.email=t@t commit -q -m change && "
          "git push -q origin HEAD:main");
  }
};

TEST_F(SyncMessagesTest, EverythingIsRegisteredInOneTable) {
  Start(false);
  for (const char* type : {"sync", "team_sync", "sync_history", "checkout", "trigger_gc"}) {
    EXPECT_TRUE(host_->handles(type)) << type;
  }
  for (const char* type :
       {"murmur", "session_finalize", "session_watch_start", "session_watch_stop"}) {
    EXPECT_TRUE(host_->handlesOneWay(type)) << type;
  }
  EXPECT_EQ(
      host_->statusSections(),
      (std::vector<std::string>{"avg_sync_time", "last_sync", "p95_sync_time", "sync_interval_read",
                                "syncs_last_hour", "total_syncs", "workspaces"}));
  EXPECT_TRUE(host_->hasDoctor());
  EXPECT_TRUE(host_->subscribes(sdk::TeamSeenEvent::kTopic));
  EXPECT_THROW(
      host_->handle("late", [](const sdk::Request&, sdk::Progress&) { return sdk::Reply::ok(); }),
      std::logic_error);
}

TEST_F(SyncMessagesTest, SyncPullsTheLedgerAndAnnouncesIt) {
  Start(true);
  TeammatePushes("notes.md");
  auto answer = host_->send("sync");
  ASSERT_TRUE(answer.reply.success) << answer.reply.error;
  ASSERT_FALSE(answer.progress.empty());
  EXPECT_EQ(answer.progress.back().stage, "complete");
  EXPECT_TRUE(fs::exists(scratch_ / "data/ledgers/abcd1234/notes.md"));
  auto pulled = host_->published<sdk::RepoPulledEvent>();
  ASSERT_EQ(pulled.size(), 1u);
  EXPECT_EQ(pulled[0].scope, "ledger");
  EXPECT_EQ(pulled[0].paths, std::vector<std::string>{"notes.md"});
  EXPECT_EQ(pulled[0].files_changed, 1);
  auto completed = host_->published<sdk::SyncCompleteEvent>();
  ASSERT_EQ(completed.size(), 1u);
  EXPECT_EQ(completed[0].op, "pull");
  EXPECT_TRUE(completed[0].ok());

  auto history = host_->send("sync_history");
  ASSERT_TRUE(history.reply.success);
  ASSERT_EQ(history.reply.data.type(), typeid(Poco::JSON::Array::Ptr));
  auto events = history.reply.data.extract<Poco::JSON::Array::Ptr>();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->getObject(0)->getValue<int>("files_changed"), 1);
  EXPECT_EQ(ObjectOf(host_->statusSectionValue("workspaces"))->getArray("ledger")->size(), 1u);
  EXPECT_EQ(host_->statusSectionValue("total_syncs").convert<int>(), 1);
}

TEST_F(SyncMessagesTest, WithoutALedgerSyncSaysSoAndTeamSyncSkips) {
  Start(false);
  auto answer = host_->send("sync");
  ASSERT_TRUE(answer.reply.success);
  ASSERT_EQ(answer.progress.size(), 1u);
  EXPECT_EQ(answer.progress[0].stage, "skipped");
  EXPECT_EQ(answer.progress[0].message, "No ledger configured");
  auto teams = host_->send("team_sync");
  ASSERT_TRUE(teams.reply.success);
  EXPECT_EQ(teams.progress.at(0).message, "No team contexts configured");
  auto gc = host_->send("trigger_gc");
  ASSERT_TRUE(gc.reply.success) << gc.reply.error;
  EXPECT_EQ(ObjectOf(gc.reply.data)->getValue<int>("triggered"), 0);
  EXPECT_EQ(host_->statusSectionValue("sync_interval_read").convert<std::int64_t>(),
            300'000'000'000);
  Poco::JSON::Object::Ptr doctor = ObjectOf(host_->runDoctor());
  EXPECT_TRUE(doctor->getValue<bool>("anti_entropy_triggered"));
  EXPECT_EQ(doctor->getValue<int>("clones_triggered"), 0);
}

TEST_F(SyncMessagesTest, CheckoutClonesWithProgressAndAMirrorIsNotAnnounced) {
  Start(false);
  sdk::CheckoutRequest mirror{(scratch_ / "data/mirrors/one").string(), RemoteUrl(), "mirror"};
  auto answer = host_->send(mirror.toRequest());
  ASSERT_TRUE(answer.reply.success) << answer.reply.error;
  EXPECT_TRUE(ObjectOf(answer.reply.data)->getValue<bool>("cloned"));
  EXPECT_TRUE(fs::exists(scratch_ / "data/mirrors/one/README.md"));
  std::vector<std::string> stages;
  for (const auto& line : answer.progress) stages.push_back(line.stage);
  EXPECT_NE(std::find(stages.begin(), stages.end(), "cloning"), stages.end());
  EXPECT_EQ(stages.back(), "verifying");
  EXPECT_TRUE(host_->published().empty()) << "a mirror is announced to nobody";

  auto again = host_->send(mirror.toRequest());
  ASSERT_TRUE(again.reply.success);
  EXPECT_TRUE(ObjectOf(again.reply.data)->getValue<bool>("already_exists"));

  sdk::CheckoutRequest team{(scratch_ / "data/teams/t1").string(), RemoteUrl(), "team-context"};
  ASSERT_TRUE(host_->send(team.toRequest()).reply.success);
  auto cloned = host_->published<sdk::RepoClonedEvent>();
  ASSERT_EQ(cloned.size(), 1u);
  EXPECT_EQ(cloned[0].scope, "team-context");
  EXPECT_EQ(cloned[0].path, (scratch_ / "data/teams/t1").string());
  EXPECT_EQ(host_->published<sdk::SyncCompleteEvent>().at(0).op, "clone");
}

TEST_F(SyncMessagesTest, CheckoutRefusesABadPayloadBeforeTouchingTheDisk) {
  Start(false);
  EXPECT_EQ(host_->send("checkout", "{}").reply.error,
            "invalid checkout payload: repo_path: required");
  EXPECT_EQ(host_->send("checkout", R"({"repo_path":5})").reply.error,
            "invalid checkout payload: repo_path: expected string, got number");
  std::string path = (scratch_ / "data/x").string();
  EXPECT_EQ(
      host_->send("checkout", R"({"repo_path":")" + path + R"(","repo_type":"fork"})").reply.error,
      "invalid checkout payload: repo_type: expected ledger, team-context or mirror, got 'fork'");
  EXPECT_EQ(host_->send("checkout", R"({"repo_path":")" + path + R"(","clone_url":"ftp://x"})")
                .reply.error,
            "invalid clone URL: only https, http, git and file URLs are supported, got ftp://");
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(SyncMessagesTest, AMurmurIsCommittedAndPushed) {
  Start(true);
  sdk::MurmurRequest murmur{(scratch_ / "data/ledgers/abcd1234").string(),
                            "data/murmurs/2026-11-23/10/m_1.json", "hello team",
                            "{\"id\":\"m_1\"}\n"};
  sdk::Reply reply = host_->call(murmur.toRequest());
  ASSERT_TRUE(reply.success);
  // The handler returns once the murmur is spooled; the drain thread commits and pushes it.
  std::string log;
  EXPECT_TRUE(oxd::testing::eventually(
      [&] {
        log = Shell("git --git-dir " + Quoted(scratch_ / "remote.git") + " log --format=%s main");
        return log.find("murmur: hello team") != std::string::npos;
      },
      std::chrono::seconds(10)))
      << log;
  EXPECT_TRUE(host_->storedErrors().empty());
  EXPECT_TRUE(oxd::testing::eventually([&] {
    return fs::is_empty(scratch_ / "data/workspaces/abcd1234/murmur-spool");
  })) << "the spool file goes once its murmur is committed";
}

TEST_F(SyncMessagesTest, OneWayWritesReportABadPayloadWhereTheUserLooks) {
  Start(false);
  EXPECT_EQ(host_->sendOneWay("murmur", R"({"rel_path":"m.json","murmur_json":"e30="})"), "");
  EXPECT_EQ(host_->sendOneWay("session_finalize", R"({"session_name":7})"), "");
  EXPECT_EQ(host_->sendOneWay("session_watch_start", R"({"session_name":"s"})"), "");
  EXPECT_EQ(host_->sendOneWay("session_watch_stop", "{}"), "");
  std::vector<oxd::testing::StoredError> errors = host_->storedErrors();
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].code, "murmur_refused");
  EXPECT_EQ(errors[0].message, "murmur refused: invalid murmur payload: target_dir: required");
  EXPECT_EQ(errors[1].code, "session_refused");
  EXPECT_EQ(errors[1].message,
            "session_finalize refused: invalid session_finalize payload: session_name: expected "
            "string, got number");
  EXPECT_EQ(errors[2].message, "session_watch_start refused: session_file: required");
  EXPECT_TRUE(host_->logged("session_watch_stop refused: session_name: required"));

  // Past the payload, the rules of the write itself: no managed checkout holds /tmp.
  std::string murmur = R"({"target_dir":"/tmp","rel_path":"m.json","murmur_json":"e30="})";
  EXPECT_EQ(host_->sendOneWay("murmur", murmur), "");
  ASSERT_EQ(host_->storedErrors().size(), 4u);
  EXPECT_EQ(host_->storedErrors()[3].code, "murmur_refused");
}

TEST_F(SyncMessagesTest, TeamSeenIsTypedAndAMalformedOneNeverReachesDiscovery) {
  Start(false);
  std::vector<std::string> failures =
      host_->deliver(sdk::TeamSeenEvent::kTopic, oxd::testing::JsonObject(R"({"team_id":3})"));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0], "team.seen: team_id: expected string, got number");

  sdk::TeamSeenEvent seen;
  seen.team_id = "team_9";
  seen.path = (scratch_ / "data/teams/team_9").string();
  EXPECT_TRUE(host_->deliver(seen).empty());
  EXPECT_TRUE(host_->logged("team team_9 named in a heartbeat: no clone URL known"));

  seen.url = RemoteUrl();
  EXPECT_TRUE(host_->deliver(seen).empty());
  EXPECT_TRUE(Eventually([&] { return fs::exists(scratch_ / "data/teams/team_9/README.md"); }))
      << "a team with a URL is cloned on the clone threads";
  auto workspaces = ObjectOf(host_->statusSectionValue("workspaces"));
  EXPECT_EQ(workspaces->getArray("team-context")->size(), 1u);
}

}  // namespace
}  // namespace oxd::sync
