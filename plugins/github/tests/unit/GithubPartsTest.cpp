// The github plugin's parts without a daemon: settings and token sources, repository detection
// from remote URLs (github.com and an Enterprise host), the files' bytes (fixed key order,
// redaction, byte-identical on a re-render), and the API client against the loopback fake
// GitHub (tests/support/FakeGithub.h): ETags → 304, Link pages, rate limits, secondary limits,
// 401, 404, 5xx and a hang.
#include <gtest/gtest.h>

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "FakeGithub.h"
#include "FakeSecrets.h"
#include "GithubApi.h"
#include "GithubSettings.h"
#include "ItemFiles.h"
#include "RepoLocator.h"
#include "SyncCursor.h"

namespace oxd::github {
namespace {

using namespace std::chrono_literals;
using testing::FakeAnswer;
using testing::FakeGithub;

Environment EnvOf(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

GithubConfig ConfigOf(std::map<std::string, std::string> entries, Environment env = EnvOf({})) {
  Poco::AutoPtr<Poco::Util::MapConfiguration> config = new Poco::Util::MapConfiguration;
  for (const auto& [key, value] : entries) config->setString(key, value);
  return ResolveGithubConfig(*config, env);
}

TEST(GithubSettingsTest, ApiUrlComesFromConfigThenGithubApiUrlThenTheDefault) {
  EXPECT_EQ(ConfigOf({}).api_url, "https://api.github.com");
  EXPECT_EQ(ConfigOf({}, EnvOf({{"GITHUB_API_URL", "https://ghe.corp/api/v3/"}})).api_url,
            "https://ghe.corp/api/v3");
  EXPECT_EQ(ConfigOf({{"api_url", "https://x.corp/api/v3"}},
                     EnvOf({{"GITHUB_API_URL", "https://ghe.corp/api/v3"}}))
                .api_url,
            "https://x.corp/api/v3");
  EXPECT_THROW(ConfigOf({{"api_url", "ftp://x"}}), std::invalid_argument);
  EXPECT_THROW(ConfigOf({{"release_repo", "no-slash"}}), std::invalid_argument);
  EXPECT_EQ(ConfigOf({}).lookback, std::chrono::hours(720));
  EXPECT_EQ(WebHostOf("https://api.github.com"), "github.com");
  EXPECT_EQ(WebHostOf("https://GHE.corp:8443/api/v3"), "ghe.corp");
}

TEST(GithubSettingsTest, TokenComesFromConfigEnvironmentThenGhHostsYmlOfTheApisHost) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("gh-hosts-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "hosts.yml") << "github.com:\n    user: ana\n    oauth_token: gho_public\n"
                                      "ghe.corp:\n    oauth_token: \"gho_enterprise\"\n"
                                      "    git_protocol: ssh\n";
  GithubConfig config = ConfigOf({});
  EXPECT_EQ(FindToken(config, EnvOf({{"GH_CONFIG_DIR", dir.string()}}), "github.com").value,
            "gho_public");
  Token enterprise = FindToken(config, EnvOf({{"GH_CONFIG_DIR", dir.string()}}), "ghe.corp");
  EXPECT_EQ(enterprise.value, "gho_enterprise");
  EXPECT_EQ(enterprise.source, "gh hosts.yml");
  EXPECT_EQ(
      FindToken(config, EnvOf({{"GH_CONFIG_DIR", dir.string()}, {"GH_TOKEN", "b"}}), "github.com")
          .source,
      "GH_TOKEN");
  EXPECT_EQ(FindToken(config, EnvOf({{"GITHUB_TOKEN", "a"}, {"GH_TOKEN", "b"}}), "x").value, "a");
  EXPECT_EQ(FindToken(ConfigOf({{"token", "c"}}), EnvOf({{"GITHUB_TOKEN", "a"}}), "x").source,
            "config");
  EXPECT_EQ(FindToken(config, EnvOf({{"GH_CONFIG_DIR", dir.string()}}), "other.host").value, "");
  std::filesystem::remove_all(dir);
}

TEST(RepoLocatorTest, RemotesOnTheApisHostNameTheRepository) {
  for (const char* url :
       {"https://github.com/acme/widgets.git", "https://github.com/acme/widgets",
        "git@github.com:acme/widgets.git", "ssh://git@github.com/acme/widgets.git",
        "ssh://git@github.com:22/acme/widgets", "https://ana@GitHub.com/acme/widgets/"}) {
    auto ref = ParseRemoteUrl(url, "github.com");
    ASSERT_TRUE(ref) << url;
    EXPECT_EQ(ref->slug(), "acme/widgets") << url;
  }
  EXPECT_EQ(ParseRemoteUrl("git@ghe.corp:team/tool.git", "ghe.corp")->slug(), "team/tool");
  EXPECT_EQ(ParseRemoteUrl("https://ghe.corp/team/tool", "ghe.corp")->slug(), "team/tool");
  EXPECT_FALSE(ParseRemoteUrl("https://gitlab.com/acme/widgets.git", "github.com"));
  EXPECT_FALSE(ParseRemoteUrl("git@github.com:acme/widgets.git", "ghe.corp"));
  EXPECT_FALSE(ParseRemoteUrl("https://github.com/acme", "github.com"));
  EXPECT_FALSE(ParseRemoteUrl("/local/path/repo.git", "github.com"));

  std::vector<Remote> remotes{{"upstream", "https://github.com/up/stream.git"},
                              {"origin", "git@github.com:acme/widgets.git"}};
  std::stable_partition(remotes.begin(), remotes.end(),
                        [](const Remote& remote) { return remote.name == "origin"; });
  auto located = LocateRepository("", "", remotes, "github.com");
  ASSERT_TRUE(located);
  EXPECT_EQ(located->slug(), "acme/widgets");
  EXPECT_EQ(located->source, "remote origin");
  EXPECT_EQ(LocateRepository("o", "r", remotes, "github.com")->source, "project.json");
  EXPECT_FALSE(LocateRepository("", "", remotes, "ghe.corp"));
}

Item SamplePull() {
  Item item;
  item.pull_request = true;
  item.number = 42;
  item.title = "Fix \"quotes\"\tand tabs";
  item.body = "line one\nline two é";
  item.author = "ana";
  item.state = "merged";
  item.labels = {"bug", "p1"};
  item.created_at = "2026-11-30T23:59:59Z";
  item.updated_at = "2026-12-01T10:00:00Z";
  item.merged_at = "2026-12-01T09:00:00Z";
  item.closed_at = "2026-12-01T09:00:00Z";
  item.merge_commit = "abc123";
  item.url = "https://github.com/acme/widgets/pull/42";
  item.comments = {{7, "review", "bo", "nit", "2026-12-01T01:00:00Z", "2026-12-01T01:00:00Z",
                    "src/a.cc", 12, "u1"}};
  item.commits = {{"sha1", "dev", "2026-11-30T20:00:00Z", "first"}};
  return item;
}

TEST(ItemFilesTest, APullRequestRendersInTheFixedOrderAndReadsBackToTheSameBytes) {
  Item item = SamplePull();
  std::string text = RenderItem(item);
  EXPECT_EQ(ItemPath(item), "data/github/2026/11/30/pr/42.json");
  const char* order[] = {"\"number\"",    "\"title\"",     "\"body\"",         "\"author\"",
                         "\"state\"",     "\"labels\"",    "\"created_at\"",   "\"updated_at\"",
                         "\"merged_at\"", "\"closed_at\"", "\"merge_commit\"", "\"url\"",
                         "\"comments\"",  "\"commits\""};
  std::size_t last = 0;
  for (const char* key : order) {
    std::size_t at = text.find(std::string("\n  ") + key);
    ASSERT_NE(at, std::string::npos) << key << "\n" << text;
    EXPECT_GT(at, last) << key;
    last = at;
  }
  EXPECT_NE(text.find("\"title\": \"Fix \\\"quotes\\\"\\tand tabs\""), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(RenderItem(ParseItemFile(text, true)), text);

  Item issue = item;
  issue.pull_request = false;
  issue.state = "open";
  std::string issue_text = RenderItem(issue);
  EXPECT_EQ(issue_text.find("merge_commit"), std::string::npos);
  EXPECT_EQ(issue_text.find("\"commits\""), std::string::npos);
  EXPECT_EQ(ItemPath(issue), "data/github/2026/11/30/issue/42.json");
}

TEST(ItemFilesTest, CredentialsInTitlesBodiesCommentsAndCommitsAreRedacted) {
  Item item = SamplePull();
  // Assembled at run time (tests/support/FakeSecrets.h): never a live credential.
  std::string token = "gh" + std::string("p_") + testing::FakeChars(testing::kFakeAlnum, 36, 1);
  std::string pat =
      "github" + std::string("_pat_") + testing::FakeChars(testing::kFakeAlnum, 40, 2);
  std::string bearer = testing::FakeChars(testing::kFakeAlnum, 40, 3);
  item.title = "leaked " + token;
  item.body = "curl -H 'Authorization: Bearer " + bearer + "'";
  item.comments[0].body = "my pat " + pat;
  item.commits[0].message = "oops " + token;
  std::string text = RenderItem(Redacted(item));
  EXPECT_EQ(text.find(token), std::string::npos);
  EXPECT_EQ(text.find(pat), std::string::npos);
  EXPECT_EQ(text.find(bearer), std::string::npos);
  EXPECT_NE(text.find("[REDACTED_GITHUB_TOKEN]"), std::string::npos) << text;
  EXPECT_NE(text.find("[REDACTED_GITHUB_PAT]"), std::string::npos) << text;
  EXPECT_EQ(RenderItem(Redacted(ParseItemFile(text, true))), text);  // idempotent
}

TEST(ItemFilesTest, CommentsMergeByIdAndSortByCreation) {
  std::vector<Comment> comments{{2, "issue", "a", "old", "2026-01-02T00:00:00Z", "", "", {}, ""},
                                {1, "issue", "a", "first", "2026-01-01T00:00:00Z", "", "", {}, ""}};
  MergeComments(comments, {{2, "issue", "a", "edited", "2026-01-02T00:00:00Z", "", "", {}, ""},
                           {3, "review", "b", "new", "2026-01-03T00:00:00Z", "", "", {}, ""}});
  ASSERT_EQ(comments.size(), 3u);
  EXPECT_EQ(comments[0].body, "first");
  EXPECT_EQ(comments[1].body, "edited");
  EXPECT_EQ(comments[2].body, "new");
}

TEST(SyncCursorTest, SavedAtomicallyAndReadBackADamagedFileIsAFirstSync) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("gh-cursor-" + std::to_string(::getpid()));
  std::filesystem::path path = CursorPath(dir, "github.com", "acme", "../widgets");
  EXPECT_EQ(path.parent_path().parent_path().parent_path(), dir / "github");
  RepoCursor cursor;
  cursor.window_start = "2026-11-01T00:00:00Z";
  cursor.lists["pulls"] = {"\"abc\"", "2026-12-01T00:00:00Z"};
  SaveCursor(path, cursor);
  RepoCursor read = LoadCursor(path);
  EXPECT_EQ(read.window_start, cursor.window_start);
  EXPECT_EQ(read.lists["pulls"].etag, "\"abc\"");
  EXPECT_EQ(read.lists["pulls"].newest, "2026-12-01T00:00:00Z");
  std::ofstream(path) << "{not json";
  EXPECT_EQ(LoadCursor(path).window_start, "");
  std::filesystem::remove_all(dir);
}

// The API client against the fake.
class GithubApiTest : public ::testing::Test {
 protected:
  GithubApi Api(std::string token = "", std::chrono::milliseconds timeout = 5s) {
    GithubApi::Options options;
    options.api_url = github_.apiUrl();
    options.token = std::move(token);
    options.timeout = timeout;
    options.retry_base = 10ms;
    options.secondary_minimum = 50ms;
    return GithubApi(
        client_, book_, options,
        [this](std::chrono::milliseconds duration) {
          slept_ += duration;
          std::this_thread::sleep_for(duration);
          return true;
        },
        [this](const std::string& why, auto until) {
          if (until) waits_.push_back(why);
        });
  }
  FakeGithub github_;
  http::HttpClient client_;
  RateLimitBook book_;
  std::chrono::milliseconds slept_{0};
  std::vector<std::string> waits_;
};

TEST_F(GithubApiTest, ListsFollowLinkPagesAndAnUnchangedFirstPageIs304) {
  github_.seed({.prs = 250});
  GithubApi api = Api();
  std::string url = "/repos/acme/widgets/pulls?state=all&sort=updated&direction=desc&per_page=100";
  ApiPage first = api.get(url);
  ASSERT_EQ(first.items->size(), 100u);
  ASSERT_FALSE(first.next_url.empty());
  ApiPage second = api.get(first.next_url);
  ApiPage third = api.get(second.next_url);
  EXPECT_EQ(third.items->size(), 50u);
  EXPECT_EQ(third.next_url, "");
  EXPECT_TRUE(api.get(url, first.etag).not_modified);
  EXPECT_EQ(api.requests(), 4);
  EXPECT_EQ(api.not_modified(), 1);
  auto requests = github_.requests();
  for (const auto& request : requests) {
    EXPECT_EQ(request.headers.at("accept"), "application/vnd.github+json");
    EXPECT_EQ(request.headers.at("x-github-api-version"), "2022-11-28");
    EXPECT_FALSE(request.headers.at("user-agent").empty());
  }
  EXPECT_EQ(requests.back().headers.at("if-none-match"), first.etag);
  EXPECT_EQ(book_.get().remaining, 4997);  // the 304 cost nothing
}

TEST_F(GithubApiTest, ABadTokenIsOneRequestAndAnAuthError) {
  github_.setToken("right");
  GithubApi api = Api("wrong");
  try {
    api.get("/repos/acme/widgets/pulls");
    FAIL() << "no error";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.kind(), ApiErrorKind::kAuth);
    EXPECT_EQ(error.status(), 401);
    EXPECT_EQ(std::string(error.what()).find("wrong"), std::string::npos);
  }
  EXPECT_EQ(github_.count(), 1u);
  EXPECT_EQ(github_.requests()[0].headers.at("authorization"), "Bearer wrong");
  EXPECT_NO_THROW(Api("right").get("/repos/acme/widgets/pulls"));
}

TEST_F(GithubApiTest, AnotherRepositoryIsNotFound) {
  try {
    Api().get("/repos/acme/gone/pulls");
    FAIL() << "no error";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.kind(), ApiErrorKind::kNotFound);
  }
}

TEST_F(GithubApiTest, NoRequestIsSentAtZeroRemainingUntilTheReset) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  github_.setRateLimit(1, now + 2);
  GithubApi api = Api();
  api.get("/repos/acme/widgets/pulls");  // takes the last one
  EXPECT_EQ(book_.get().remaining, 0);
  auto started = std::chrono::steady_clock::now();
  api.get("/repos/acme/widgets/issues");  // waits for the reset, then is served
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_EQ(github_.count(), 2u) << "a request was sent while none was left";
  EXPECT_EQ(github_.count(403), 0u);
  ASSERT_EQ(waits_.size(), 1u);
  EXPECT_EQ(waits_[0], "the API rate limit is used up");
}

TEST_F(GithubApiTest, SecondaryLimitsAndServerErrorsAreWaitedOutAndRetried) {
  github_.script({{.status = 403,
                   .headers = {{"retry-after", "1"}},
                   .body = R"({"message":"You have exceeded a secondary rate limit."})"},
                  {.status = 429, .body = R"({"message":"slow down"})"},
                  {.status = 502},
                  {.status = 503}});
  GithubApi api = Api();
  ApiPage page = api.get("/repos/acme/widgets/pulls");
  EXPECT_EQ(github_.count(), 5u);
  EXPECT_EQ(github_.requests().back().status, 200);
  EXPECT_GE(slept_, 1050ms);  // Retry-After: 1 s, then at least the minimum (50 ms here)
  EXPECT_EQ(waits_.size(), 2u);
}

TEST_F(GithubApiTest, ServerErrorsThatPersistAndAHangEndWithinTheirBounds) {
  github_.script({{.status = 500}, {.status = 500}, {.status = 500}});
  try {
    Api().get("/repos/acme/widgets/pulls");
    FAIL() << "no error";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.kind(), ApiErrorKind::kServer);
  }
  EXPECT_EQ(github_.count(), 3u);
  github_.clearRequests();
  github_.script({{.hang = true}, {.hang = true}, {.hang = true}});
  auto started = std::chrono::steady_clock::now();
  try {
    Api("", 300ms).get("/repos/acme/widgets/pulls");
    FAIL() << "no error";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.kind(), ApiErrorKind::kNetwork);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(LinkHeaderTest, NextIsFoundAmongTheOthers) {
  EXPECT_EQ(NextLink("<https://a/x?page=1>; rel=\"prev\", <https://a/x?page=3>; rel=\"next\", "
                     "<https://a/x?page=9>; rel=\"last\""),
            "https://a/x?page=3");
  EXPECT_EQ(NextLink("<https://a/x?page=1>; rel=\"first\""), "");
  EXPECT_EQ(NextLink(""), "");
}

}  // namespace
}  // namespace oxd::github
