// The github plugin's messages through the fake host (tests/support/FakeHost.h): what it
// registers, and what a sync answers when there is nothing to mirror into or from. The syncs
// themselves run through the real oxd and sync plugin in tests/integration/GithubSyncTest.cpp.
#include <gtest/gtest.h>

#include <oxd/plugin.h>

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <memory>

#include "FakeGithub.h"
#include "FakeHost.h"

extern "C" oxd::sdk::Plugin* oxd_create_plugin();

namespace oxd::github {
namespace {

class GithubMessagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gh-messages-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "project");
    workspace_.project_root = dir_ / "project";
    workspace_.workspace_data_dir = dir_ / "data/workspaces/w";
    workspace_.cache_dir = dir_ / "cache/w";
    workspace_.ledger_path = dir_ / "ledger";
  }
  void TearDown() override {
    if (plugin_) plugin_->stop();
    std::filesystem::remove_all(dir_);
  }
  void Start(std::vector<std::pair<std::string, std::string>> config) {
    host_ = std::make_unique<testing::FakeHost>(workspace_);
    host_->setMetricsOwner("github");
    config.push_back({"api_url", github_.apiUrl()});
    host_->setConfig(config);
    plugin_.reset(oxd_create_plugin());
    host_->start(*plugin_);
  }

  std::filesystem::path dir_;
  sdk::Workspace workspace_;
  testing::FakeGithub github_;
  std::unique_ptr<testing::FakeHost> host_;
  std::unique_ptr<sdk::Plugin> plugin_;
};

TEST_F(GithubMessagesTest, WithoutARepositoryASyncSaysHowToNameOneAndSendsNothing) {
  Start({{"interval", "0"}});
  auto answer = host_->send("github_sync");
  EXPECT_FALSE(answer.reply.success);
  EXPECT_NE(answer.reply.error.find("no GitHub repository"), std::string::npos)
      << answer.reply.error;
  EXPECT_NE(answer.reply.error.find("127.0.0.1"), std::string::npos) << answer.reply.error;
  EXPECT_EQ(github_.count(), 0u);
  auto status = host_->send("github_status");
  ASSERT_TRUE(status.reply.success);
  auto data = status.reply.data.extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(data->getValue<bool>("syncing"), false);
  EXPECT_NE(data->getValue<std::string>("last_error").find("no GitHub repository"),
            std::string::npos);
  EXPECT_EQ(host_->statusSections(), std::vector<std::string>{"github"});
}

TEST_F(GithubMessagesTest, WithoutALedgerThereIsNowhereToMirrorTo) {
  workspace_.github_owner = "acme";
  workspace_.github_repo = "widgets";
  Start({{"interval", "0"}});
  auto answer = host_->send("github_sync");
  EXPECT_FALSE(answer.reply.success);
  EXPECT_NE(answer.reply.error.find("no ledger"), std::string::npos) << answer.reply.error;
  EXPECT_EQ(github_.count(), 0u);
  EXPECT_TRUE(host_->calls().empty());
}

TEST_F(GithubMessagesTest, ABadReleaseRepoRefusesTheStartNamingTheKey) {
  host_ = std::make_unique<testing::FakeHost>(workspace_);
  host_->setConfig({{"release_repo", "not-a-slug"}});
  plugin_.reset(oxd_create_plugin());
  EXPECT_THROW(
      {
        try {
          host_->start(*plugin_);
        } catch (const std::exception& error) {
          EXPECT_NE(std::string(error.what()).find("github.release_repo"), std::string::npos);
          throw;
        }
      },
      std::exception);
  plugin_.reset();
}

}  // namespace
}  // namespace oxd::github
