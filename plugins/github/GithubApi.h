// GitHub's REST API as its documentation asks to be used (docs: "Best practices for using the
// REST API", "Rate limits for the REST API", "Using pagination in the REST API"): one request at
// a time, each with a deadline; `Accept: application/vnd.github+json`, `X-GitHub-Api-Version`,
// a `User-Agent`; conditional requests (If-None-Match → 304, which costs no rate limit); pages
// followed by the `Link: rel="next"` header; x-ratelimit-remaining/reset respected (no request
// is sent while the remaining count is 0: it waits for the reset); secondary limits (403/429
// with Retry-After, else at least 60 s, doubling) waited out; 5xx and connection errors retried
// a few times with backoff. The token goes only into the Authorization header, never a log.
#pragma once

#include <Poco/JSON/Array.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "http/HttpClient.h"

namespace oxd::github {

enum class ApiErrorKind {
  kAuth,         // 401, or 403 that is no rate limit: a bad or insufficient token
  kNotFound,     // 404: no such repository, or the token may not see it
  kRateLimited,  // secondary limits that did not lift after retries
  kNetwork,      // no answer (connection, deadline) after retries
  kServer,       // 5xx after retries, or an answer that is not what the API documents
  kCancelled,    // the daemon is stopping or the client hung up
};

class ApiError : public std::runtime_error {
 public:
  ApiError(ApiErrorKind kind, int status, const std::string& message)
      : std::runtime_error(message), kind_(kind), status_(status) {}
  ApiErrorKind kind() const { return kind_; }
  int status() const { return status_; }

 private:
  ApiErrorKind kind_;
  int status_;
};

struct RateLimit {
  std::optional<std::int64_t> remaining;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> reset;  // epoch seconds
};

// The rate limit is the account's, not one sync's: the plugin keeps one, shared by its syncs and
// shown in github_status. Thread-safe.
class RateLimitBook {
 public:
  RateLimit get() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void note(const RateLimit& limit) {
    std::lock_guard lock(mutex_);
    current_ = limit;
  }

 private:
  mutable std::mutex mutex_;
  RateLimit current_;  // guarded by mutex_
};

struct ApiPage {
  bool not_modified = false;  // 304: the ETag matched
  std::string etag{};
  Poco::JSON::Array::Ptr items{};  // null on 304; an object answer is wrapped in a 1-item array
  std::string next_url{};          // "" on the last page
};

class GithubApi {
 public:
  // Sleeps up to `duration`; false when the wait was cut short (stop or cancel).
  using Sleep = std::function<bool(std::chrono::milliseconds)>;
  // Told when a wait for a rate limit starts (until > now) and when it is over (until == {}).
  using Waiting = std::function<void(const std::string& why,
                                     std::optional<std::chrono::system_clock::time_point> until)>;

  struct Options {
    std::string api_url;  // no trailing '/'
    std::string token;    // "" for unauthenticated requests
    std::chrono::milliseconds timeout{30000};
    std::string user_agent = "oxd";
    int attempts = 3;                                    // for 5xx and connection errors
    std::chrono::milliseconds retry_base{1000};          // backoff of those retries
    std::chrono::milliseconds secondary_minimum{60000};  // a secondary limit without
                                                         // Retry-After waits this, doubling
  };

  GithubApi(http::HttpClient& client, RateLimitBook& book, Options options, Sleep sleep,
            Waiting waiting);

  // GET `path` (below api_url, starting with '/') or an absolute URL the API handed out (a Link).
  // Throws ApiError.
  ApiPage get(const std::string& path_or_url, const std::string& etag = "");

  int requests() const;      // sent, 304s included
  int not_modified() const;  // answered 304

 private:
  http::HttpResponse sendOnce(const std::string& url, const std::string& etag);
  void waitForReset();

  http::HttpClient& client_;
  RateLimitBook& book_;
  Options options_;
  Sleep sleep_;
  Waiting waiting_;
  int requests_ = 0;
  int not_modified_ = 0;
};

// The URL of rel="next" in a Link header, or "".
std::string NextLink(const std::string& link_header);

}  // namespace oxd::github
