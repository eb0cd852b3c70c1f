// The whisper plugin's message layer, driven through the fake host: the whole plugin started in
// process (WhisperPlugin.cpp's OXD_PLUGIN) on real SQLite stores in a temporary directory.
#include <gtest/gtest.h>

#include <oxd/calls.h>
#include <oxd/events.h>
#include <oxd/plugin.h>
#include <oxd/whisper_events.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <memory>

#include "Concurrency.h"
#include "MurmurFile.h"
#include "PluginMessagesTest.h"

namespace oxd::whisper {
namespace {

using oxd::testing::ObjectOf;
namespace fs = std::filesystem;

class WhisperMessagesTest : public oxd::testing::PluginMessagesTest {
 protected:
  void Start(const std::vector<std::pair<std::string, std::string>>& config = {}) {
    sdk::Workspace workspace = oxd::testing::WorkspaceIn(scratch_);
    workspace.team_contexts.push_back(
        {"team_1", "Platform", "platform", "", scratch_ / "teams/t1"});
    StartPlugin(workspace, "whisper", config);
  }
};

TEST_F(WhisperMessagesTest, EverythingIsRegisteredInOneTable) {
  Start();
  for (const char* type :
       {"whispers", "whisper_history", "whisper_add", "murmur_pause", "murmur_resume"}) {
    EXPECT_TRUE(host_->handles(type)) << type;
  }
  EXPECT_EQ(host_->statusSections(), std::vector<std::string>{"whisper"});
  EXPECT_TRUE(host_->hasDoctor());
  for (const char* topic :
       {"repo.pulled", "repo.cloned", "heartbeat", "files.changed", "sync.complete"}) {
    EXPECT_TRUE(host_->subscribes(topic)) << topic;
  }
}

TEST_F(WhisperMessagesTest, AWhisperAddedIsDeliveredOnceAndShowsInHistoryAndStatus) {
  Start();
  auto added = host_->send("whisper_add", R"({"content":"hello","topics":["build"]})");
  ASSERT_TRUE(added.reply.success) << added.reply.error;
  EXPECT_EQ(ObjectOf(added.reply.data)->getValue<std::string>("content"), "hello");

  auto first = host_->send("whispers", R"({"agent_id":"Ox1"})");
  ASSERT_TRUE(first.reply.success) << first.reply.error;
  Poco::JSON::Array::Ptr entries = ObjectOf(first.reply.data)->getArray("entries");
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(entries->getObject(0)->getValue<std::string>("content"), "hello");
  auto second = host_->send("whispers", R"({"agent_id":"Ox1"})");
  EXPECT_EQ(ObjectOf(second.reply.data)->getArray("entries")->size(), 0u) << "exactly once";
  // The core stamps instances[].last_whisper from this: once, for the reply that had entries.
  auto delivered = host_->published<sdk::WhispersDeliveredEvent>();
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].agent_id, "Ox1");
  EXPECT_EQ(delivered[0].count, 1);

  auto history = host_->send("whisper_history", R"({"agent_id":"Ox1"})");
  ASSERT_TRUE(history.reply.success) << history.reply.error;
  Poco::JSON::Array::Ptr page = ObjectOf(history.reply.data)->getArray("entries");
  ASSERT_EQ(page->size(), 1u);
  EXPECT_TRUE(page->getObject(0)->getValue<bool>("delivered"));

  Poco::JSON::Object::Ptr status = ObjectOf(host_->statusSectionValue("whisper"));
  EXPECT_EQ(status->getArray("stores")->size(), 2u) << "the ledger's and team_1's";
  Poco::JSON::Object::Ptr doctor = ObjectOf(host_->runDoctor());
  EXPECT_TRUE(doctor->has("stores_healed")) << oxd::testing::ToJson(doctor);
}

TEST_F(WhisperMessagesTest, PauseAndResumeAnswerWithTheAgentsState) {
  Start();
  auto paused = host_->send("murmur_pause", R"({"agent_id":"Ox1"})");
  ASSERT_TRUE(paused.reply.success) << paused.reply.error;
  EXPECT_TRUE(ObjectOf(paused.reply.data)->getValue<bool>("murmur_paused"));
  Poco::JSON::Object::Ptr status = ObjectOf(host_->statusSectionValue("whisper"));
  EXPECT_EQ(status->getArray("nudges_paused")->size(), 1u);
  auto resumed = host_->send("murmur_resume", R"({"agent_id":"Ox1"})");
  EXPECT_FALSE(ObjectOf(resumed.reply.data)->getValue<bool>("murmur_paused"));
}

TEST_F(WhisperMessagesTest, EveryBadPayloadIsRefusedWithTheField) {
  Start();
  EXPECT_EQ(ErrorOf("whispers", "{}"),
            "invalid payload: agent_id: required (an agent id such as Oxa7b3)");
  EXPECT_EQ(ErrorOf("whispers", R"({"agent_id":42})"),
            "invalid payload: agent_id: expected string, got number");
  EXPECT_EQ(ErrorOf("whisper_history", R"({"limit":-1})"),
            "invalid payload: limit: expected 0 (the default, 50) to 200, got -1");
  EXPECT_EQ(ErrorOf("whisper_history", R"({"before":"yesterday"})"),
            "invalid payload: before: expected an RFC 3339 time, got \"yesterday\"");
  EXPECT_EQ(ErrorOf("whisper_add", "{}"), "invalid payload: content: required");
  EXPECT_EQ(ErrorOf("whisper_add", R"({"content":"x","importance":"high"})"),
            "invalid payload: importance: expected \"critical\", \"normal\" or \"ambient\", "
            "got \"high\"");
  EXPECT_EQ(ErrorOf("murmur_pause", "{}"),
            "invalid payload: agent_id: required (an agent id such as Oxa7b3)");
  EXPECT_EQ(ErrorOf("murmur_resume", R"({"agent_id":true})"),
            "invalid payload: agent_id: expected string, got boolean");
  // Not an error: an agent never seen has an empty page, as in the original.
  auto nobody = host_->send("whisper_history", R"({"agent_id":"Oxnobody"})");
  ASSERT_TRUE(nobody.reply.success) << nobody.reply.error;
  EXPECT_EQ(ObjectOf(nobody.reply.data)->getArray("entries")->size(), 0u);
  EXPECT_FALSE(ObjectOf(nobody.reply.data)->getValue<bool>("has_more"));
}

TEST_F(WhisperMessagesTest, AHeartbeatEventMakesTheAgentKnownAndAMalformedOneIsRefused) {
  Start();
  std::vector<std::string> failures =
      host_->deliver(sdk::HeartbeatEvent::kTopic, oxd::testing::JsonObject(R"({"agent_id":42})"));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0], "heartbeat: agent_id: expected string, got number");
  sdk::HeartbeatEvent heartbeat;
  heartbeat.agent_id = "Oxbeat";
  EXPECT_TRUE(host_->deliver(heartbeat).empty());
  EXPECT_TRUE(host_->send("whisper_history", R"({"agent_id":"Oxbeat"})").reply.success);
}

TEST_F(WhisperMessagesTest, APulledTeamContextIsWhisperedToItsAgents) {
  Start();
  sdk::RepoPulledEvent pulled;
  pulled.scope = "team-context";
  pulled.id = "team_1";
  pulled.path = (scratch_ / "teams/t1").string();
  pulled.paths = {"SOUL.md"};
  pulled.files_changed = 1;
  EXPECT_TRUE(host_->deliver(pulled).empty());
  auto delivered = host_->send("whispers", R"({"agent_id":"Ox2"})");
  ASSERT_TRUE(delivered.reply.success) << delivered.reply.error;
  Poco::JSON::Array::Ptr entries = ObjectOf(delivered.reply.data)->getArray("entries");
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(entries->getObject(0)->getValue<std::string>("content"),
            "Team context Platform changed (1 file): SOUL.md. Re-read what applies to your work.");
}

TEST_F(WhisperMessagesTest, FileChangesBecomeOneMurmurThroughTheSyncPluginsTypedCall) {
  oxd::testing::GitRepoWithCommit(scratch_ / "data/ledgers/abcd1234", "README.md", "ledger\n");
  Start();
  std::vector<sdk::MurmurRequest> written;
  host_->addCallable("murmur", [&](const sdk::Request& request, sdk::Progress&) {
    written.push_back(sdk::MurmurRequest::Parse(sdk::Payload(request.payload)));
    return sdk::Reply::ok();
  });
  host_->addCallable("instances", [](const sdk::Request&, sdk::Progress&) {
    return sdk::Reply::ok(
        oxd::testing::JsonObject(R"({"instances":[{"agent_id":"Ox7","status":"active"}]})"));
  });
  ASSERT_TRUE(host_->hasTask("file-change-murmurs"));
  EXPECT_TRUE(host_->deliver(sdk::FilesChangedEvent{{{"src/a.cpp", "modified"}}}).empty());
  host_->runTask("file-change-murmurs");
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0].target_dir, (scratch_ / "data/ledgers/abcd1234").string());
  EXPECT_EQ(written[0].content, "Ox7 changed 1 file: src/a.cpp (modified)");
  EXPECT_EQ(written[0].rel_path.rfind("data/murmurs/", 0), 0u) << written[0].rel_path;
  auto murmur = Poco::JSON::Parser().parse(written[0].bytes).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(murmur->getValue<std::string>("agent_id"), "Ox7");
  // The original's schema: a named importance, one topic, metadata.files a string.
  EXPECT_EQ(murmur->getValue<std::string>("schema_version"), "1");
  EXPECT_EQ(murmur->getValue<std::string>("importance"), "ambient");
  EXPECT_EQ(murmur->getValue<std::string>("topic"), "files");
  EXPECT_EQ(murmur->getObject("metadata")->getValue<std::string>("files"), "src/a.cpp");
  EXPECT_EQ(written[0].rel_path, MurmurFile::Parse(written[0].bytes)->RelativePath());
  host_->runTask("file-change-murmurs");
  EXPECT_EQ(written.size(), 1u) << "nothing new, nothing written";
}

}  // namespace
}  // namespace oxd::whisper
