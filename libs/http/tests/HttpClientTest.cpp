// libs/http against real sockets on 127.0.0.1: the deadline holds against a server that never
// answers, abort() ends a request at once, Retry-After in both forms, the backoff's bounds.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "http/Backoff.h"
#include "http/HttpClient.h"
#include "http/RetryAfter.h"

namespace oxd::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Accepts connections and never sends a byte (a hanging collector).
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 8);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/logs"; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(HttpClientTest, AServerThatNeverAnswersCostsTheDeadline) {
  SilentListener server;
  HttpClient client;
  HttpRequest request{.url = server.url(), .body = "{}", .deadline = milliseconds(500)};
  auto before = std::chrono::steady_clock::now();
  HttpResponse response = client.send(request);
  auto took = std::chrono::steady_clock::now() - before;
  EXPECT_FALSE(response.answered());
  EXPECT_TRUE(IsRetryable(response));
  EXPECT_GE(took, milliseconds(450));
  EXPECT_LT(took, milliseconds(1500));
}

TEST(HttpClientTest, AbortEndsTheRequestInFlightAndTheCapBoundsLaterOnes) {
  SilentListener server;
  HttpClient client;
  HttpRequest request{.url = server.url(), .body = "{}", .deadline = seconds(10)};
  auto pending = std::async(std::launch::async, [&] { return client.send(request); });
  std::this_thread::sleep_for(milliseconds(300));
  auto before = std::chrono::steady_clock::now();
  client.abort();
  HttpResponse response = pending.get();
  EXPECT_FALSE(response.answered());
  EXPECT_LT(std::chrono::steady_clock::now() - before, milliseconds(1000));

  client.capDeadlines(std::chrono::steady_clock::now() + milliseconds(300));
  before = std::chrono::steady_clock::now();
  EXPECT_FALSE(client.send(request).answered());
  EXPECT_LT(std::chrono::steady_clock::now() - before, milliseconds(1000));
}

TEST(HttpClientTest, ARefusedConnectionIsAnErrorToRetry) {
  int port = 0;
  {
    SilentListener closed;  // the port is free again once it is gone
    port = std::stoi(closed.url().substr(17, 5));
  }
  HttpClient client;
  HttpResponse response =
      client.send({.url = "http://127.0.0.1:" + std::to_string(port) + "/", .body = ""});
  EXPECT_FALSE(response.answered());
  EXPECT_TRUE(IsRetryable(response));
  EXPECT_EQ(client.send({.url = "ftp://example.com/"}).error,
            "unsupported URL scheme 'ftp' (http or https)");
}

TEST(HttpClientTest, OnlyTheOtlpStatusesAreRetried) {
  for (int status : {429, 502, 503, 504}) {
    EXPECT_TRUE(IsRetryable(HttpResponse{.status = status})) << status;
  }
  for (int status : {200, 400, 401, 404, 413, 500}) {
    EXPECT_FALSE(IsRetryable(HttpResponse{.status = status})) << status;
  }
}

TEST(RetryAfterTest, SecondsAndHttpDates) {
  auto now = std::chrono::system_clock::from_time_t(1700000000);  // 2023-11-14T22:13:20Z
  EXPECT_EQ(ParseRetryAfter("3600", now), seconds(3600));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), seconds(0));
  EXPECT_EQ(ParseRetryAfter("Tue, 14 Nov 2023 22:14:20 GMT", now), seconds(60));
  EXPECT_EQ(ParseRetryAfter("Tue, 14 Nov 2023 22:00:00 GMT", now), seconds(0)) << "past: now";
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
}

TEST(BackoffTest, GrowsWithJitterUpToTheCap) {
  Backoff backoff(milliseconds(1000), milliseconds(8000));
  std::vector<std::pair<int, int>> bounds = {{500, 1000},  {1000, 2000}, {2000, 4000},
                                             {4000, 8000}, {4000, 8000}, {4000, 8000}};
  for (auto [low, high] : bounds) {
    auto wait = backoff.next().count();
    EXPECT_GE(wait, low);
    EXPECT_LE(wait, high);
  }
  backoff.reset();
  EXPECT_LE(backoff.next().count(), 1000);
}

}  // namespace
}  // namespace oxd::http
