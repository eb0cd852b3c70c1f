#pragma once
// A GitHub REST API on 127.0.0.1 for the github plugin's tests, benchmark and fault script: an
// HTTP server (Poco) serving one repository's pull requests, issues (PRs among them, as GitHub
// does), issue comments, review comments, PR commits and the latest release, the way GitHub
// documents them: `sort=updated&direction=desc|asc`, `since`, `per_page`/`page` with a `Link`
// header (rel="next", rel="last"), a strong ETag over each answer (If-None-Match → 304 without a
// body, not counted against the rate limit), x-ratelimit-* headers counting down per counted
// request and 403 once none is left (until the reset), Bearer/token authentication (401), 404
// for any other repository. Scripted answers (a secondary limit with or without Retry-After, 5xx,
// a hang) come before the real ones. Every request is recorded.
//
//   FakeGithub github;                      // or FakeGithub github("/api/v3") for Enterprise
//   github.seed({.prs = 250, .issues = 250, .comments_per_item = 1});
//   … point oxd at github.apiUrl() …
//   EXPECT_EQ(github.count(304), 4u);
//
// Thread-safe; the destructor releases hanging answers and stops the server.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServer;
}

namespace oxd::testing {

struct FakeComment {
  std::int64_t id = 0;
  std::int64_t number = 0;  // the issue or PR
  bool review = false;      // a review comment (on a line of the diff)
  std::string author = "reviewer";
  std::string body;
  std::string created_at;
  std::string updated_at;
  std::string path = "src/main.cc";  // review comments
  std::int64_t line = 10;
};

struct FakeCommit {
  std::string sha;
  std::string message;
  std::string author = "dev";
  std::string date;
};

struct FakeItem {
  std::int64_t number = 0;
  bool pull_request = false;
  std::string title;
  std::string body;
  std::string author = "ana";
  std::string state = "open";  // open or closed
  std::vector<std::string> labels;
  std::string created_at;
  std::string updated_at;
  std::string closed_at;
  std::string merged_at;  // PRs
  std::string merge_commit_sha;
  std::vector<FakeCommit> commits;  // PRs
};

struct FakeSeed {
  int prs = 0;
  int issues = 0;
  int comments_per_item = 0;  // issue comments on each PR and issue
  int review_comments_per_pr = 0;
  int merged_every = 3;  // every n-th PR is merged (0: none)
  int commits_per_merged_pr = 2;
  std::chrono::hours age{24 * 7};  // the oldest item was created this long ago
};

struct FakeAnswer {
  int status = 200;
  std::map<std::string, std::string> headers{};
  std::string body = R"({"message":"scripted"})";
  bool hang = false;  // never answer (until the server is destroyed)
};

struct FakeRequest {
  std::string method;
  std::string target;  // path and query, as sent (without the Enterprise prefix)
  std::string path;    // without the query
  std::map<std::string, std::string> headers;  // names in lower case
  int status = 0;                              // what was answered (0: hung)
};

class FakeGithub {
 public:
  // `prefix`: "" serves like api.github.com, "/api/v3" like GitHub Enterprise Server.
  explicit FakeGithub(std::string prefix = "", std::string owner = "acme",
                      std::string repo = "widgets", int port = 0);
  ~FakeGithub();
  FakeGithub(const FakeGithub&) = delete;
  FakeGithub& operator=(const FakeGithub&) = delete;

  int port() const { return port_; }
  std::string apiUrl() const;  // http://127.0.0.1:<port><prefix>

  // Items numbered 1.. (PRs first, then issues), created `age` ago one minute apart, updated in
  // the same order, each with its comments; every state and field filled.
  void seed(const FakeSeed& seed);
  void addItem(FakeItem item);
  void addComment(FakeComment comment);
  // Changes an item's body (and updated_at to now): the next list answers differ.
  void editBody(std::int64_t number, const std::string& body);
  // A new issue comment on `number` now (the item's updated_at moves with it, as on GitHub).
  std::int64_t comment(std::int64_t number, const std::string& body);

  // "" accepts any request (unauthenticated included); else only `Bearer <token>` or
  // `token <token>`, others get 401.
  void setToken(std::string token);
  // The count left and its reset (epoch seconds): each answered request but 304s takes one;
  // at 0 every request gets 403 with x-ratelimit-remaining: 0 until the reset, when it refills.
  void setRateLimit(std::int64_t remaining, std::int64_t reset_epoch, std::int64_t limit = 5000);
  std::int64_t rateRemaining() const;
  void script(std::vector<FakeAnswer> answers);
  void setReleaseTag(std::string tag);

  std::vector<FakeRequest> requests() const;
  std::size_t count() const;
  std::size_t count(int status) const;  // answered with `status`
  std::size_t countPath(const std::string& path) const;
  void clearRequests();

  std::string now() const;  // ISO 8601 UTC, as the fake stamps times

  class Handler;

 private:
  struct Served {
    int status = 200;
    std::map<std::string, std::string> headers;
    std::string body;
  };
  Served serve(const FakeRequest& request, const std::string& query);
  void touch(std::int64_t number, const std::string& at);
  void waitWhileHanging();

  std::string prefix_;
  std::string owner_;
  std::string repo_;
  int port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::int64_t, FakeItem> items_;
  std::vector<FakeComment> comments_;
  std::int64_t next_comment_id_ = 1000;
  std::string token_;
  std::int64_t rate_limit_ = 5000;
  std::int64_t rate_remaining_ = 5000;
  std::int64_t rate_reset_ = 0;
  std::vector<FakeAnswer> script_;
  std::string release_tag_ = "v0.1.0";
  std::vector<FakeRequest> requests_;
  bool closing_ = false;
  std::int64_t clock_offset_ = 0;  // seconds added to every new stamp, so edits sort after seeds
  friend class Handler;
};

}  // namespace oxd::testing
