// The codedb plugin's message layer, driven through the fake host: the whole plugin started in
// process (CodedbPlugin.cpp's OXD_PLUGIN) on a real git repository and real SQLite indexes in a
// temporary directory.
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

namespace oxd::codedb {
namespace {

using oxd::testing::ObjectOf;
namespace fs = std::filesystem;

// Polls a condition an index run may take seconds to satisfy.
template <typename Predicate>
bool Eventually(Predicate predicate) {
  return oxd::testing::eventually(predicate, std::chrono::seconds(20));
}

class CodedbMessagesTest : public oxd::testing::PluginMessagesTest {
 protected:
  void SetUp() override {
    oxd::testing::GitRepoWithCommit(
        scratch_ / "project", "src/greet.cpp",
        "// Says hello to the caller\nint GreetTheWorld() { return 1; }\n");
    sdk::Workspace workspace = oxd::testing::WorkspaceIn(scratch_);  // no ledger here
    StartPlugin(workspace, "codedb", {{"overlay", "false"}});
    // The start-up run indexes the seed commit and announces it.
    ASSERT_TRUE(Eventually([&] { return !host_->published<sdk::CodedbIndexedEvent>().empty(); }));
    ASSERT_TRUE(Eventually([&] {
      return !ObjectOf(host_->send("code_status").reply.data)->getValue<bool>("indexing_now");
    }));
  }
};

TEST_F(CodedbMessagesTest, EverythingIsRegisteredInOneTable) {
  for (const char* type : {"code_index", "code_status", "code_search"}) {
    EXPECT_TRUE(host_->handles(type)) << type;
  }
  EXPECT_EQ(host_->statusSections(), std::vector<std::string>{"code_db"});
  EXPECT_TRUE(host_->hasDoctor());
  EXPECT_TRUE(host_->subscribes(sdk::RepoPulledEvent::kTopic));
  EXPECT_TRUE(host_->subscribes(sdk::RepoClonedEvent::kTopic));
  auto indexed = host_->published<sdk::CodedbIndexedEvent>().front();
  EXPECT_EQ(indexed.repo, "project");
  EXPECT_TRUE(indexed.ok);
  EXPECT_EQ(indexed.commits, 1);
}

TEST_F(CodedbMessagesTest, SearchFindsTheCommittedCode) {
  auto answer = host_->send("code_search", R"({"query":"GreetTheWorld"})");
  ASSERT_TRUE(answer.reply.success) << answer.reply.error;
  Poco::JSON::Array::Ptr results = ObjectOf(answer.reply.data)->getArray("results");
  ASSERT_GE(results->size(), 1u);
  EXPECT_EQ(results->getObject(0)->getValue<std::string>("path"), "src/greet.cpp");
}

TEST_F(CodedbMessagesTest, CodeIndexRunsWithProgressAndAnswersTheRunReport) {
  auto answer = host_->send("code_index", R"({"repo":"project","full":true})");
  ASSERT_TRUE(answer.reply.success) << answer.reply.error;
  Poco::JSON::Object::Ptr report = ObjectOf(answer.reply.data);
  EXPECT_EQ(report->getValue<std::string>("repo"), "project");
  EXPECT_TRUE(report->getValue<bool>("full"));
  EXPECT_EQ(report->getValue<int>("commits"), 1);
  ASSERT_FALSE(answer.progress.empty());
  EXPECT_TRUE(answer.progress.back().percent.has_value());
  // The reply and the event are one object.
  auto events = host_->published<sdk::CodedbIndexedEvent>();
  EXPECT_EQ(events.back(), sdk::CodedbIndexedEvent::fromVar(answer.reply.data));

  Poco::JSON::Object::Ptr status = ObjectOf(host_->statusSectionValue("code_db"));
  EXPECT_EQ(status->getValue<int>("commits"), 1);
  EXPECT_TRUE(ObjectOf(host_->runDoctor())->getValue<bool>("index_exists"));
}

TEST_F(CodedbMessagesTest, EveryBadPayloadIsRefusedWithTheField) {
  EXPECT_EQ(ErrorOf("code_search", "{}"), "invalid payload: query: required");
  EXPECT_EQ(ErrorOf("code_search", R"({"query":42})"),
            "invalid payload: query: expected string, got number");
  EXPECT_EQ(ErrorOf("code_search", R"({"query":"x","kind":"poem"})"),
            "invalid payload: kind: expected text, symbol, comment or commit, got 'poem'");
  EXPECT_EQ(ErrorOf("code_index", R"({"repo":"elsewhere"})"),
            "invalid payload: repo: expected project or ledger (a remote is given as url), got "
            "'elsewhere'");
  EXPECT_EQ(ErrorOf("code_index", R"({"full":"yes"})"),
            "invalid payload: full: expected boolean, got string");
  EXPECT_EQ(ErrorOf("code_index", R"({"url":"ftp://x"})"),
            "invalid payload: url: expected an https, http, git or file URL, got 'ftp://x'");
  EXPECT_EQ(ErrorOf("code_index", R"({"url":""})"), "invalid payload: url: empty");
  EXPECT_EQ(ErrorOf("code_index", R"({"url":"file:///x","repo":"ledger"})"),
            "invalid payload: url and repo: give one or neither");
  EXPECT_EQ(ErrorOf("code_index", R"({"repo":"ledger"})"),
            "this workspace has no ledger checkout to index");
}

TEST_F(CodedbMessagesTest, IndexingAURLAsksTheSyncPluginForAMirrorCheckout) {
  EXPECT_EQ(ErrorOf("code_index", R"({"url":"file:///srv/remote.git"})"),
            "indexing a URL needs the sync plugin, which clones it (oxctl plugins enable sync)");
  std::vector<sdk::CheckoutRequest> asked;
  host_->addCallable("checkout", [&](const sdk::Request& request, sdk::Progress&) {
    asked.push_back(sdk::CheckoutRequest::Parse(sdk::Payload(request.payload)));
    return sdk::Reply::fail("clone failed: test");
  });
  EXPECT_EQ(ErrorOf("code_index", R"({"url":"file:///srv/remote.git"})"), "clone failed: test");
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].clone_url, "file:///srv/remote.git");
  EXPECT_EQ(asked[0].repo_type, "mirror");
  EXPECT_EQ(fs::path(asked[0].repo_path).filename(), "repo");
}

}  // namespace
}  // namespace oxd::codedb
