// A remote that accepts the connection and never answers must be abandoned within the deadline
// plus one second, with a timeout error, whatever the protocol.
#include "GitScene.h"
#include "LoopbackServers.h"
#include "git/Clone.h"
#include "git/Fetch.h"
#include "git/GitError.h"
#include "git/RemoteHead.h"

namespace oxd::git::testing {
namespace {

using Clock = std::chrono::steady_clock;

class NetworkDeadlineTest : public GitScene {
 protected:
  NetworkOptions OneSecond() {
    NetworkOptions options;
    options.timeout = std::chrono::seconds(1);
    return options;
  }

  // Runs `operation`, expects a kTimeout GitError, returns the elapsed time.
  template <typename Operation>
  Clock::duration ExpectTimeout(Operation operation) {
    auto start = Clock::now();
    try {
      operation();
      ADD_FAILURE() << "a silent remote did not time out";
    } catch (const GitError& error) {
      EXPECT_EQ(error.kind(), GitErrorKind::kTimeout) << error.what();
    }
    return Clock::now() - start;
  }

  SilentServer silent_;
};

TEST_F(NetworkDeadlineTest, FetchOverGitProtocolIsAbandoned) {
  fs::path repo = CloneWithCli("ours");
  Sh(repo, "git remote set-url origin git://127.0.0.1:" + std::to_string(silent_.port()) + "/x");
  auto elapsed = ExpectTimeout([&] { FetchUpstream(repo, OneSecond()); });
  EXPECT_GE(elapsed, std::chrono::milliseconds(900));
  EXPECT_LE(elapsed, std::chrono::seconds(2));
}

TEST_F(NetworkDeadlineTest, RemoteHeadCheckOverHttpIsAbandoned) {
  fs::path repo = CloneWithCli("ours");
  Sh(repo, "git remote set-url origin http://127.0.0.1:" + std::to_string(silent_.port()) + "/x");
  auto elapsed = ExpectTimeout([&] { CheckRemoteHead(repo, OneSecond()); });
  EXPECT_LE(elapsed, std::chrono::seconds(2));
}

TEST_F(NetworkDeadlineTest, CloneOverHttpIsAbandonedAndLeavesNothing) {
  fs::path destination = root_ / "never";
  std::string url = "http://127.0.0.1:" + std::to_string(silent_.port()) + "/x";
  auto elapsed = ExpectTimeout([&] { CloneRepository({url, destination, ""}, OneSecond()); });
  EXPECT_LE(elapsed, std::chrono::seconds(2));
  EXPECT_FALSE(fs::exists(destination));
}

TEST_F(NetworkDeadlineTest, CancelFlagStopsABlockedFetch) {
  fs::path repo = CloneWithCli("ours");
  Sh(repo, "git remote set-url origin git://127.0.0.1:" + std::to_string(silent_.port()) + "/x");
  std::atomic<bool> cancel{false};
  NetworkOptions options;
  options.timeout = std::chrono::seconds(60);
  options.cancel = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel = true;
  });
  auto start = Clock::now();
  try {
    FetchUpstream(repo, options);
    ADD_FAILURE() << "fetch was not cancelled";
  } catch (const GitError& error) {
    EXPECT_EQ(error.kind(), GitErrorKind::kCancelled) << error.what();
  }
  canceller.join();
  EXPECT_LE(Clock::now() - start, std::chrono::seconds(2));
}

TEST_F(NetworkDeadlineTest, RefusedConnectionIsANetworkError) {
  fs::path repo = CloneWithCli("ours");
  int port = 0;
  int bound = ListenOnLoopback(&port, false);  // held, not listening: connections are refused
  Sh(repo, "git remote set-url origin git://127.0.0.1:" + std::to_string(port) + "/x");
  try {
    FetchUpstream(repo, OneSecond());
    ADD_FAILURE() << "fetch from a closed port succeeded";
  } catch (const GitError& error) {
    EXPECT_EQ(error.kind(), GitErrorKind::kNetwork) << error.what();
  }
  close(bound);
}

}  // namespace
}  // namespace oxd::git::testing
