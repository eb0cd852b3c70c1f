#include "GithubApi.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>

#include "http/Backoff.h"
#include "http/RetryAfter.h"

namespace oxd::github {

namespace {

using Clock = std::chrono::system_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::optional<std::int64_t> IntHeader(const http::HttpResponse& response, const std::string& name) {
  auto value = response.header(name);
  if (!value) return std::nullopt;
  try {
    return std::stoll(*value);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// GitHub's error answers carry {"message": "..."}; a few words of it help the user.
std::string MessageOf(const http::HttpResponse& response) {
  try {
    Poco::JSON::Parser parser;
    auto object = parser.parse(response.body).extract<Poco::JSON::Object::Ptr>();
    if (object && object->has("message")) {
      std::string message = object->getValue<std::string>("message");
      if (message.size() > 200) message = message.substr(0, 200) + "…";
      return ": " + message;
    }
  } catch (const std::exception&) {
  }
  return "";
}

bool IsServerError(int status) { return status >= 500 && status <= 599; }

}  // namespace

std::string NextLink(const std::string& link_header) {
  // <https://api.github.com/…&page=2>; rel="next", <…>; rel="last"
  std::size_t at = 0;
  while (at < link_header.size()) {
    std::size_t open = link_header.find('<', at);
    if (open == std::string::npos) break;
    std::size_t close = link_header.find('>', open);
    if (close == std::string::npos) break;
    std::size_t end = link_header.find(',', close);
    std::string params = link_header.substr(
        close + 1, end == std::string::npos ? std::string::npos : end - close - 1);
    if (params.find("rel=\"next\"") != std::string::npos ||
        params.find("rel=next") != std::string::npos) {
      return link_header.substr(open + 1, close - open - 1);
    }
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return "";
}

GithubApi::GithubApi(http::HttpClient& client, RateLimitBook& book, Options options, Sleep sleep,
                     Waiting waiting)
    : client_(client),
      book_(book),
      options_(std::move(options)),
      sleep_(std::move(sleep)),
      waiting_(std::move(waiting)) {}

int GithubApi::requests() const { return requests_; }
int GithubApi::not_modified() const { return not_modified_; }

http::HttpResponse GithubApi::sendOnce(const std::string& url, const std::string& etag) {
  http::HttpRequest request{.method = "GET", .url = url};
  request.deadline = options_.timeout;
  request.max_body_bytes = 64u << 20;  // a page of 100 PRs with their repositories is megabytes
  request.headers = {{"Accept", "application/vnd.github+json"},
                     {"X-GitHub-Api-Version", "2022-11-28"},
                     {"User-Agent", options_.user_agent}};
  if (!options_.token.empty())
    request.headers.push_back({"Authorization", "Bearer " + options_.token});
  if (!etag.empty()) request.headers.push_back({"If-None-Match", etag});
  ++requests_;
  http::HttpResponse response = client_.send(request);
  if (response.answered()) {
    RateLimit limit = book_.get();
    if (auto remaining = IntHeader(response, "x-ratelimit-remaining")) limit.remaining = remaining;
    if (auto total = IntHeader(response, "x-ratelimit-limit")) limit.limit = total;
    if (auto reset = IntHeader(response, "x-ratelimit-reset")) limit.reset = reset;
    book_.note(limit);
  }
  return response;
}

// Stop before 0: while the account has no request left, wait for its reset.
void GithubApi::waitForReset() {
  RateLimit limit = book_.get();
  if (!limit.remaining || *limit.remaining > 0 || !limit.reset) return;
  Clock::time_point reset{seconds(*limit.reset)};
  Clock::time_point now = Clock::now();
  if (reset <= now) return;
  if (waiting_) waiting_("the API rate limit is used up", reset);
  // One second past the reset: GitHub's clock and ours differ by a little.
  bool slept = sleep_(std::chrono::duration_cast<milliseconds>(reset - now) + seconds(1));
  if (waiting_) waiting_("", std::nullopt);
  if (!slept)
    throw ApiError(ApiErrorKind::kCancelled, 0, "stopped while waiting for the rate limit");
  RateLimit lifted = book_.get();
  lifted.remaining.reset();  // unknown until the next answer
  book_.note(lifted);
}

ApiPage GithubApi::get(const std::string& path_or_url, const std::string& etag) {
  std::string url = path_or_url.starts_with("http://") || path_or_url.starts_with("https://")
                        ? path_or_url
                        : options_.api_url + path_or_url;
  http::Backoff backoff(options_.retry_base, options_.retry_base * 30);
  int failures = 0;
  int secondary = 0;
  while (true) {
    waitForReset();
    http::HttpResponse response = sendOnce(url, etag);
    int status = response.status;
    if (!response.answered() || IsServerError(status)) {
      if (++failures >= options_.attempts) {
        if (!response.answered()) {
          throw ApiError(ApiErrorKind::kNetwork, 0, "GitHub API unreachable: " + response.error);
        }
        throw ApiError(ApiErrorKind::kServer, status,
                       "GitHub API answered " + response.describe() + MessageOf(response));
      }
      if (!sleep_(backoff.next())) throw ApiError(ApiErrorKind::kCancelled, 0, "stopped");
      continue;
    }
    if (status == 304) {
      ++not_modified_;
      return ApiPage{.not_modified = true, .etag = etag};
    }
    if (status == 403 || status == 429) {
      auto remaining = IntHeader(response, "x-ratelimit-remaining");
      if (remaining && *remaining == 0) continue;  // the primary limit: waitForReset() waits
      std::string message = MessageOf(response);
      std::optional<seconds> retry_after;
      if (auto value = response.header("retry-after")) {
        retry_after = http::ParseRetryAfter(*value, Clock::now());
      }
      bool secondary_limit = retry_after || status == 429 ||
                             message.find("secondary rate limit") != std::string::npos ||
                             message.find("abuse") != std::string::npos;
      if (secondary_limit) {
        if (++secondary > options_.attempts) {
          throw ApiError(ApiErrorKind::kRateLimited, status,
                         "GitHub API secondary rate limit did not lift" + message);
        }
        milliseconds wait = retry_after ? std::chrono::duration_cast<milliseconds>(*retry_after)
                                        : options_.secondary_minimum * (1 << (secondary - 1));
        Clock::time_point until = Clock::now() + wait;
        if (waiting_) waiting_("a secondary rate limit", until);
        bool slept = sleep_(wait);
        if (waiting_) waiting_("", std::nullopt);
        if (!slept) throw ApiError(ApiErrorKind::kCancelled, 0, "stopped");
        continue;
      }
      throw ApiError(ApiErrorKind::kAuth, status,
                     "GitHub API refused the token (" + response.describe() + ")" + message);
    }
    if (status == 401) {
      throw ApiError(
          ApiErrorKind::kAuth, status,
          "GitHub API refused the token (" + response.describe() + ")" + MessageOf(response));
    }
    if (status == 404) {
      throw ApiError(ApiErrorKind::kNotFound, status,
                     "GitHub API: not found (" + url.substr(options_.api_url.size()) + ")");
    }
    if (status != 200) {
      throw ApiError(ApiErrorKind::kServer, status,
                     "GitHub API answered " + response.describe() + MessageOf(response));
    }
    ApiPage page;
    page.etag = response.header("etag").value_or("");
    page.next_url = NextLink(response.header("link").value_or(""));
    try {
      Poco::JSON::Parser parser;
      Poco::Dynamic::Var parsed = parser.parse(response.body);
      if (parsed.type() == typeid(Poco::JSON::Array::Ptr)) {
        page.items = parsed.extract<Poco::JSON::Array::Ptr>();
      } else {
        page.items = new Poco::JSON::Array;
        page.items->add(parsed.extract<Poco::JSON::Object::Ptr>());
      }
    } catch (const std::exception& error) {
      throw ApiError(ApiErrorKind::kServer, status,
                     std::string("GitHub API answer is not JSON: ") + error.what());
    }
    return page;
  }
}

}  // namespace oxd::github
