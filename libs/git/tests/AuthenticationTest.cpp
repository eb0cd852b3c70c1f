// A refused token ends the operation after one attempt with an authentication error; libgit2
// alone would ask the credential callback again and again.
#include "GitScene.h"
#include "LoopbackServers.h"
#include "git/Fetch.h"
#include "git/GitError.h"

namespace oxd::git::testing {
namespace {

using AuthenticationTest = GitScene;

TEST_F(AuthenticationTest, WrongTokenFailsOnceWithoutLooping) {
  UnauthorizedHttpServer server;
  fs::path repo = CloneWithCli("ours");
  Sh(repo, "git remote set-url origin http://127.0.0.1:" + std::to_string(server.port()) + "/x");
  NetworkOptions options;
  options.timeout = std::chrono::seconds(10);
  options.credentials = [](const std::string&) {
    return std::optional(TokenCredentials{"oauth2", "wrong-token"});
  };
  try {
    FetchUpstream(repo, options);
    ADD_FAILURE() << "fetch with a refused token succeeded";
  } catch (const GitError& error) {
    EXPECT_EQ(error.kind(), GitErrorKind::kAuthentication) << error.what();
    EXPECT_NE(std::string(error.what()).find("authentication failed"), std::string::npos);
    EXPECT_EQ(std::string(error.what()).find("wrong-token"), std::string::npos);
  }
  EXPECT_EQ(server.requests_with_credentials(), 1);
  EXPECT_LE(server.requests(), 2);
}

TEST_F(AuthenticationTest, MissingTokenIsAnAuthenticationError) {
  UnauthorizedHttpServer server;
  fs::path repo = CloneWithCli("ours");
  Sh(repo, "git remote set-url origin http://127.0.0.1:" + std::to_string(server.port()) + "/x");
  NetworkOptions options;
  options.timeout = std::chrono::seconds(10);
  try {
    FetchUpstream(repo, options);
    ADD_FAILURE() << "fetch without a token succeeded";
  } catch (const GitError& error) {
    EXPECT_EQ(error.kind(), GitErrorKind::kAuthentication) << error.what();
  }
  EXPECT_EQ(server.requests_with_credentials(), 0);
}

}  // namespace
}  // namespace oxd::git::testing
