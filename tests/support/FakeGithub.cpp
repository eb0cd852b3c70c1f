#include "FakeGithub.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <functional>
#include <sstream>

namespace oxd::testing {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::int64_t EpochNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Iso(std::int64_t epoch) {
  std::time_t seconds = static_cast<std::time_t>(epoch);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string Etag(const std::string& body) {
  std::uint64_t hash = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : body) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

Object::Ptr User(const std::string& login) {
  Object::Ptr user = new Object(true);
  user->set("login", login);
  user->set("type", std::string("User"));
  return user;
}

Poco::Dynamic::Var NullOr(const std::string& text) {
  if (text.empty()) return Poco::Dynamic::Var();
  return text;
}

std::string Stringify(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  if (value.type() == typeid(Array::Ptr)) {
    value.extract<Array::Ptr>()->stringify(out);
  } else {
    value.extract<Object::Ptr>()->stringify(out);
  }
  return out.str();
}

}  // namespace

class FakeGithub::Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(FakeGithub& github) : github_(github) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    FakeRequest seen;
    seen.method = request.getMethod();
    std::string target = request.getURI();
    if (!github_.prefix_.empty() && target.starts_with(github_.prefix_)) {
      target.erase(0, github_.prefix_.size());
    } else if (!github_.prefix_.empty()) {
      target = "/__outside_prefix__" + target;
    }
    seen.target = target;
    std::size_t question = target.find('?');
    seen.path = target.substr(0, question);
    for (const auto& [name, value] : request) seen.headers[Lower(name)] = value;
    std::string query = question == std::string::npos ? "" : target.substr(question + 1);

    Served served;
    bool hang = false;
    {
      std::unique_lock lock(github_.mutex_);
      if (!github_.script_.empty()) {
        FakeAnswer answer = github_.script_.front();
        github_.script_.erase(github_.script_.begin());
        hang = answer.hang;
        served.status = answer.status;
        served.headers = answer.headers;
        served.body = answer.body;
      } else {
        served = github_.serve(seen, query);
      }
      seen.status = hang ? 0 : served.status;
      github_.requests_.push_back(seen);
      github_.changed_.notify_all();
    }
    if (hang) {
      github_.waitWhileHanging();
      return;
    }
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(served.status));
    for (const auto& [name, value] : served.headers) response.set(name, value);
    if (served.status == 304) {
      response.setContentLength(0);
      response.send();
      return;
    }
    response.setContentType("application/json; charset=utf-8");
    response.setContentLength(static_cast<std::streamsize>(served.body.size()));
    response.send() << served.body;
  }

 private:
  FakeGithub& github_;
};

namespace {

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(FakeGithub& github) : github_(github) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new FakeGithub::Handler(github_);
  }

 private:
  FakeGithub& github_;
};

}  // namespace

FakeGithub::FakeGithub(std::string prefix, std::string owner, std::string repo, int port)
    : prefix_(std::move(prefix)), owner_(std::move(owner)), repo_(std::move(repo)) {
  rate_reset_ = EpochNow() + 3600;
  Poco::Net::ServerSocket socket(
      Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
  port_ = socket.address().port();
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(8);
  params->setKeepAlive(true);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
  server_->start();
}

FakeGithub::~FakeGithub() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  server_->stopAll(true);
}

std::string FakeGithub::apiUrl() const {
  return "http://127.0.0.1:" + std::to_string(port_) + prefix_;
}

std::string FakeGithub::now() const {
  std::lock_guard lock(mutex_);
  return Iso(EpochNow() + clock_offset_);
}

void FakeGithub::seed(const FakeSeed& seed) {
  std::lock_guard lock(mutex_);
  std::int64_t start =
      EpochNow() - std::chrono::duration_cast<std::chrono::seconds>(seed.age).count();
  int total = seed.prs + seed.issues;
  for (int i = 0; i < total; ++i) {
    FakeItem item;
    item.number = static_cast<std::int64_t>(items_.size()) + 1;
    item.pull_request = i < seed.prs;
    std::string kind = item.pull_request ? "PR" : "issue";
    item.title = kind + " " + std::to_string(item.number) + ": tidy the widget loader";
    item.body = "The widget loader needs work, item " + std::to_string(item.number) +
                ".\nSee the design notes.";
    item.author = item.number % 2 ? "ana" : "bo";
    item.labels = item.number % 4 == 0 ? std::vector<std::string>{"bug", "p1"}
                                       : std::vector<std::string>{"enhancement"};
    std::int64_t created = start + i * 60;
    item.created_at = Iso(created);
    item.updated_at = Iso(created + 30);
    if (item.pull_request && seed.merged_every > 0 && item.number % seed.merged_every == 0) {
      item.state = "closed";
      item.closed_at = item.merged_at = Iso(created + 20);
      char sha[48];
      std::snprintf(sha, sizeof sha, "%040llx",
                    static_cast<unsigned long long>(item.number) * 7919);
      item.merge_commit_sha = sha;
      for (int c = 0; c < seed.commits_per_merged_pr; ++c) {
        std::snprintf(sha, sizeof sha, "%040llx",
                      static_cast<unsigned long long>(item.number * 100 + c) * 104729);
        item.commits.push_back(
            {sha, "commit " + std::to_string(c) + " of #" + std::to_string(item.number), "dev",
             Iso(created + c)});
      }
    } else if (item.number % 5 == 0) {
      item.state = "closed";
      item.closed_at = Iso(created + 25);
    }
    items_[item.number] = item;
    for (int c = 0; c < seed.comments_per_item; ++c) {
      comments_.push_back({next_comment_id_++, item.number, false, "reviewer",
                           "Comment " + std::to_string(c) + " on #" + std::to_string(item.number),
                           Iso(created + 5 + c), Iso(created + 5 + c)});
    }
    if (item.pull_request) {
      for (int c = 0; c < seed.review_comments_per_pr; ++c) {
        FakeComment review{next_comment_id_++,
                           item.number,
                           true,
                           "reviewer",
                           "Nit " + std::to_string(c) + " on #" + std::to_string(item.number),
                           Iso(created + 10 + c),
                           Iso(created + 10 + c)};
        comments_.push_back(review);
      }
    }
  }
}

void FakeGithub::addItem(FakeItem item) {
  std::lock_guard lock(mutex_);
  items_[item.number] = std::move(item);
}

void FakeGithub::addComment(FakeComment comment) {
  std::lock_guard lock(mutex_);
  if (comment.id == 0) comment.id = next_comment_id_++;
  comments_.push_back(std::move(comment));
}

void FakeGithub::touch(std::int64_t number, const std::string& at) {
  auto found = items_.find(number);
  if (found != items_.end()) found->second.updated_at = at;
}

void FakeGithub::editBody(std::int64_t number, const std::string& body) {
  std::lock_guard lock(mutex_);
  ++clock_offset_;
  std::string at = Iso(EpochNow() + clock_offset_);
  auto found = items_.find(number);
  if (found == items_.end()) return;
  found->second.body = body;
  touch(number, at);
}

std::int64_t FakeGithub::comment(std::int64_t number, const std::string& body) {
  std::lock_guard lock(mutex_);
  ++clock_offset_;
  std::string at = Iso(EpochNow() + clock_offset_);
  std::int64_t id = next_comment_id_++;
  comments_.push_back({id, number, false, "carol", body, at, at});
  touch(number, at);
  return id;
}

void FakeGithub::setToken(std::string token) {
  std::lock_guard lock(mutex_);
  token_ = std::move(token);
}

void FakeGithub::setRateLimit(std::int64_t remaining, std::int64_t reset_epoch,
                              std::int64_t limit) {
  std::lock_guard lock(mutex_);
  rate_remaining_ = remaining;
  rate_reset_ = reset_epoch;
  rate_limit_ = limit;
}

std::int64_t FakeGithub::rateRemaining() const {
  std::lock_guard lock(mutex_);
  return rate_remaining_;
}

void FakeGithub::script(std::vector<FakeAnswer> answers) {
  std::lock_guard lock(mutex_);
  script_ = std::move(answers);
}

void FakeGithub::setReleaseTag(std::string tag) {
  std::lock_guard lock(mutex_);
  release_tag_ = std::move(tag);
}

std::vector<FakeRequest> FakeGithub::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t FakeGithub::count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

std::size_t FakeGithub::count(int status) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(requests_.begin(), requests_.end(),
                    [&](const FakeRequest& r) { return r.status == status; }));
}

std::size_t FakeGithub::countPath(const std::string& path) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      requests_.begin(), requests_.end(), [&](const FakeRequest& r) { return r.path == path; }));
}

void FakeGithub::clearRequests() {
  std::lock_guard lock(mutex_);
  requests_.clear();
}

void FakeGithub::waitWhileHanging() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return closing_; });
}

// Called with mutex_ held.
FakeGithub::Served FakeGithub::serve(const FakeRequest& request, const std::string& query) {
  Served served;
  std::int64_t now = EpochNow();
  if (rate_remaining_ <= 0 && now >= rate_reset_) {
    rate_remaining_ = rate_limit_;
    rate_reset_ = now + 3600;
  }
  auto rate_headers = [&] {
    served.headers["x-ratelimit-limit"] = std::to_string(rate_limit_);
    served.headers["x-ratelimit-remaining"] =
        std::to_string(std::max<std::int64_t>(rate_remaining_, 0));
    served.headers["x-ratelimit-reset"] = std::to_string(rate_reset_);
    served.headers["x-ratelimit-used"] = std::to_string(rate_limit_ - rate_remaining_);
    served.headers["x-ratelimit-resource"] = "core";
  };

  if (!token_.empty()) {
    auto auth = request.headers.find("authorization");
    bool ok = auth != request.headers.end() &&
              (auth->second == "Bearer " + token_ || auth->second == "token " + token_);
    if (!ok) {
      served.status = 401;
      served.body =
          R"({"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"})";
      rate_headers();
      return served;
    }
  }
  if (rate_remaining_ <= 0) {
    served.status = 403;
    served.body = R"({"message":"API rate limit exceeded for user."})";
    rate_headers();
    return served;
  }

  std::map<std::string, std::string> params;
  {
    std::istringstream parts(query);
    std::string part;
    while (std::getline(parts, part, '&')) {
      std::size_t eq = part.find('=');
      std::string key = part.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : part.substr(eq + 1);
      std::string decoded;
      Poco::URI::decode(value, decoded);
      params[key] = decoded;
    }
  }
  auto param = [&](const std::string& key, const std::string& fallback) {
    auto found = params.find(key);
    return found == params.end() ? fallback : found->second;
  };
  int per_page = std::clamp(std::stoi(param("per_page", "30")), 1, 100);
  int page = std::max(1, std::stoi(param("page", "1")));
  std::string since = param("since", "");
  bool ascending = param("direction", "desc") == "asc";
  std::string sort = param("sort", "created");
  std::string state = param("state", "open");

  std::string base = "/repos/" + owner_ + "/" + repo_;
  std::string api = "http://127.0.0.1:" + std::to_string(port_) + prefix_;
  std::string web = "https://github.example/" + owner_ + "/" + repo_;
  Poco::Dynamic::Var answer;
  bool list = true;
  std::vector<Object::Ptr> entries;
  std::vector<std::string> keys;  // the sort key of each entry

  auto item_state_ok = [&](const FakeItem& item) { return state == "all" || item.state == state; };
  auto labels = [](const FakeItem& item) {
    Array::Ptr list = new Array;
    for (const auto& name : item.labels) {
      Object::Ptr label = new Object(true);
      label->set("name", name);
      list->add(label);
    }
    return list;
  };

  const std::string& path = request.path;
  if (path.starts_with("/repos/") && path.ends_with("/releases/latest")) {
    Object::Ptr release = new Object(true);
    release->set("tag_name", release_tag_);
    release->set("name", release_tag_);
    answer = release;
    list = false;
  } else if (path == base + "/pulls") {
    for (const auto& [number, item] : items_) {
      if (!item.pull_request || !item_state_ok(item)) continue;
      Object::Ptr pull = new Object(true);
      pull->set("url", api + base + "/pulls/" + std::to_string(number));
      pull->set("id", number * 1000 + 1);
      pull->set("number", number);
      pull->set("html_url", web + "/pull/" + std::to_string(number));
      pull->set("state", item.state);
      pull->set("title", item.title);
      pull->set("user", User(item.author));
      pull->set("body", item.body);
      pull->set("labels", labels(item));
      pull->set("created_at", item.created_at);
      pull->set("updated_at", item.updated_at);
      pull->set("closed_at", NullOr(item.closed_at));
      pull->set("merged_at", NullOr(item.merged_at));
      pull->set("merge_commit_sha", NullOr(item.merge_commit_sha));
      pull->set("draft", false);
      entries.push_back(pull);
      keys.push_back(sort == "updated" ? item.updated_at : item.created_at);
    }
  } else if (path == base + "/issues") {
    for (const auto& [number, item] : items_) {
      if (!item_state_ok(item) || (!since.empty() && item.updated_at < since)) continue;
      Object::Ptr issue = new Object(true);
      issue->set("url", api + base + "/issues/" + std::to_string(number));
      issue->set("id", number * 1000 + 2);
      issue->set("number", number);
      issue->set("html_url",
                 web + (item.pull_request ? "/pull/" : "/issues/") + std::to_string(number));
      issue->set("state", item.state);
      issue->set("title", item.title);
      issue->set("user", User(item.author));
      issue->set("body", item.body);
      issue->set("labels", labels(item));
      issue->set("created_at", item.created_at);
      issue->set("updated_at", item.updated_at);
      issue->set("closed_at", NullOr(item.closed_at));
      if (item.pull_request) {
        Object::Ptr pr = new Object(true);
        pr->set("url", api + base + "/pulls/" + std::to_string(number));
        pr->set("merged_at", NullOr(item.merged_at));
        issue->set("pull_request", pr);
      }
      entries.push_back(issue);
      keys.push_back(sort == "updated" ? item.updated_at : item.created_at);
    }
  } else if (path == base + "/issues/comments" || path == base + "/pulls/comments") {
    bool review = path == base + "/pulls/comments";
    for (const FakeComment& comment : comments_) {
      if (comment.review != review || (!since.empty() && comment.updated_at < since)) continue;
      Object::Ptr entry = new Object(true);
      entry->set("id", comment.id);
      entry->set("html_url", web + "/issues/" + std::to_string(comment.number) + "#comment-" +
                                 std::to_string(comment.id));
      if (review) {
        entry->set("pull_request_url", api + base + "/pulls/" + std::to_string(comment.number));
        entry->set("path", comment.path);
        entry->set("line", comment.line);
        entry->set("original_line", comment.line);
        entry->set("diff_hunk", std::string("@@ -1,3 +1,4 @@"));
      } else {
        entry->set("issue_url", api + base + "/issues/" + std::to_string(comment.number));
      }
      entry->set("user", User(comment.author));
      entry->set("body", comment.body);
      entry->set("created_at", comment.created_at);
      entry->set("updated_at", comment.updated_at);
      entries.push_back(entry);
      keys.push_back(sort == "updated" ? comment.updated_at : comment.created_at);
    }
  } else if (path.starts_with(base + "/pulls/") && path.ends_with("/commits")) {
    std::string middle = path.substr(base.size() + 7, path.size() - base.size() - 7 - 8);
    std::int64_t number = 0;
    try {
      number = std::stoll(middle);
    } catch (const std::exception&) {
    }
    auto found = items_.find(number);
    if (found == items_.end() || !found->second.pull_request) {
      served.status = 404;
      served.body = R"({"message":"Not Found"})";
      rate_headers();
      return served;
    }
    for (const FakeCommit& commit : found->second.commits) {
      Object::Ptr entry = new Object(true);
      entry->set("sha", commit.sha);
      Object::Ptr inner = new Object(true);
      inner->set("message", commit.message);
      Object::Ptr author = new Object(true);
      author->set("name", commit.author);
      author->set("email", commit.author + "@example.com");
      author->set("date", commit.date);
      inner->set("author", author);
      entry->set("commit", inner);
      entry->set("author", User(commit.author));
      entry->set("html_url", web + "/commit/" + commit.sha);
      entries.push_back(entry);
      keys.push_back("");  // in the PR's order
    }
  } else {
    served.status = 404;
    served.body = R"({"message":"Not Found","documentation_url":"https://docs.github.com/rest"})";
    --rate_remaining_;
    rate_headers();
    return served;
  }

  if (list) {
    std::vector<std::size_t> order(entries.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return ascending ? keys[a] < keys[b] : keys[a] > keys[b];
    });
    std::size_t pages = std::max<std::size_t>(1, (entries.size() + per_page - 1) / per_page);
    Array::Ptr slice = new Array;
    for (std::size_t i = static_cast<std::size_t>(page - 1) * per_page;
         i < entries.size() && i < static_cast<std::size_t>(page) * per_page; ++i) {
      slice->add(entries[order[i]]);
    }
    answer = slice;
    auto link_to = [&](std::size_t target) {
      std::string rebuilt;
      bool replaced = false;
      std::istringstream parts(query);
      std::string part;
      while (std::getline(parts, part, '&')) {
        if (part.starts_with("page=")) {
          part = "page=" + std::to_string(target);
          replaced = true;
        }
        rebuilt += (rebuilt.empty() ? "" : "&") + part;
      }
      if (!replaced)
        rebuilt += (rebuilt.empty() ? "" : "&") + std::string("page=") + std::to_string(target);
      return "<" + api + path + "?" + rebuilt + ">";
    };
    std::string link;
    if (static_cast<std::size_t>(page) < pages) {
      link = link_to(page + 1) + "; rel=\"next\", " + link_to(pages) + "; rel=\"last\"";
    }
    if (page > 1) {
      link += (link.empty() ? "" : ", ") + link_to(1) + "; rel=\"first\", " + link_to(page - 1) +
              "; rel=\"prev\"";
    }
    if (!link.empty()) served.headers["link"] = link;
  }
  served.body = Stringify(answer);
  std::string etag = Etag(served.body);
  served.headers["etag"] = etag;
  auto match = request.headers.find("if-none-match");
  if (match != request.headers.end() && match->second == etag) {
    served.status = 304;
    served.body.clear();
    rate_headers();
    return served;
  }
  --rate_remaining_;
  rate_headers();
  served.status = 200;
  return served;
}

}  // namespace oxd::testing
