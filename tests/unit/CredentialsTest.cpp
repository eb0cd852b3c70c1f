#include "state/Credentials.h"

#include "CapturingChannel.h"
#include "StateTestSupport.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

namespace oxd::core {
namespace {

using namespace std::chrono_literals;

using oxd::testing::CapturingChannel;

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Poco::Logger& logger = Poco::Logger::get("oxd.credentials");
    previous_level_ = logger.getLevel();
    previous_channel_ = logger.getChannel();
    logger.setChannel(channel_);
    logger.setLevel(Poco::Message::PRIO_TRACE);
  }
  void TearDown() override {
    Poco::Logger& logger = Poco::Logger::get("oxd.credentials");
    logger.setChannel(previous_channel_);
    logger.setLevel(previous_level_);
  }
  sdk::Credentials credentials(std::string email, std::string auth_token,
                               sdk::Time expires_at = sdk::Time{}) {
    sdk::Credentials out;
    out.token = "git-secret-" + auth_token;
    out.server_url = "https://git.example.com";
    out.auth_token = std::move(auth_token);
    out.user_email = std::move(email);
    out.user_id = "user-1";
    out.expires_at = expires_at;
    return out;
  }

  testing::ManualClock clock;
  CredentialStore store{clock.source()};
  Poco::AutoPtr<CapturingChannel> channel_ = new CapturingChannel;
  Poco::Channel::Ptr previous_channel_;
  int previous_level_ = 0;
};

TEST_F(CredentialsTest, EmptyStoreHasNothing) {
  EXPECT_FALSE(store.current());
  EXPECT_FALSE(store.hasValid());
  EXPECT_EQ(store.authToken(), "");
  EXPECT_FALSE(store.authenticatedUserJson());
}

TEST_F(CredentialsTest, NoExpiryIsValidAndFutureExpiryIsValidUntilItPasses) {
  EXPECT_TRUE(store.update(credentials("a@example.com", "tok1")));
  EXPECT_TRUE(store.hasValid());
  EXPECT_TRUE(store.update(credentials("a@example.com", "tok2", clock.now() + 1h)));
  EXPECT_TRUE(store.hasValid());
  clock.advance(2h);
  EXPECT_FALSE(store.hasValid());
  EXPECT_TRUE(store.current());  // still there, just expired
}

TEST_F(CredentialsTest, ExpiredUpdateKeepsThePreviousSet) {
  store.update(credentials("a@example.com", "good"));
  EXPECT_FALSE(store.update(credentials("b@example.com", "stale", clock.now() - 1s)));
  EXPECT_EQ(store.authToken(), "good");
  EXPECT_EQ(store.current()->user_email, "a@example.com");
}

TEST_F(CredentialsTest, ExpiredInitialCredentialsAreRejected) {
  EXPECT_FALSE(store.preload(credentials("a@example.com", "old", clock.now() - 1min)));
  EXPECT_FALSE(store.current());
  EXPECT_TRUE(store.preload(credentials("a@example.com", "new", clock.now() + 1min)));
  EXPECT_TRUE(store.hasValid());
}

TEST_F(CredentialsTest, TokenIsReplacedOnRefreshAndUserSwitchIsSeen) {
  store.update(credentials("a@example.com", "tok1"));
  store.update(credentials("a@example.com", "tok2"));
  EXPECT_EQ(store.authToken(), "tok2");
  store.update(credentials("b@example.com", "tok3"));
  auto user = store.authenticatedUserJson();
  ASSERT_TRUE(user);
  EXPECT_EQ(user->getValue<std::string>("email"), "b@example.com");
  EXPECT_EQ(user->getValue<std::string>("id"), "user-1");
  EXPECT_EQ(store.receivedAt(), clock.now());
}

TEST_F(CredentialsTest, NoEmailMeansNoAuthenticatedUser) {
  store.update(credentials("", "tok"));
  EXPECT_FALSE(store.authenticatedUserJson());
}

TEST_F(CredentialsTest, LogsIdentityEventsButNeverTokens) {
  store.preload(credentials("", "pre-token"));
  store.update(credentials("a@example.com", "tok-alpha"));
  store.update(credentials("a@example.com", "tok-beta"));
  store.update(credentials("b@example.com", "tok-gamma"));
  store.update(credentials("b@example.com", "tok-delta", clock.now() - 1s));
  std::string log = channel_->text();
  EXPECT_NE(log.find("authenticated as a@example.com"), std::string::npos) << log;
  EXPECT_NE(log.find("token refreshed"), std::string::npos) << log;
  EXPECT_NE(log.find("user changed from a@example.com to b@example.com"), std::string::npos) << log;
  for (const char* secret :
       {"pre-token", "tok-alpha", "tok-beta", "tok-gamma", "tok-delta", "git-secret"}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " leaked into: " << log;
  }
}

TEST_F(CredentialsTest, ConcurrentUpdatesAndReadsAreSafe) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        if (t % 2 == 0) {
          store.update(
              credentials("u" + std::to_string(i % 3) + "@example.com", "tok" + std::to_string(i)));
        } else {
          store.preload(credentials("", "pre"));
          store.hasValid();
          store.authToken();
          store.authenticatedUserJson();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_TRUE(store.current());
}

}  // namespace
}  // namespace oxd::core
