#include "ipc/IpcServer.h"

#include "IpcTestClient.h"

#include <gtest/gtest.h>

#include <poll.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

namespace oxd::core {
namespace {

using namespace std::chrono_literals;
using oxd::testing::ioThreadSwitches;
using oxd::testing::roundTrip;
using oxd::testing::TestConnection;
using oxd::testing::Transcript;

constexpr const char* kPing = "{\"type\":\"ping\",\"workspace_id\":\"3f9c0a1e\"}\n";
constexpr const char* kPong = "{\"success\":true,\"data\":\"pong\"}";

Route inlineRoute(sdk::Handler handler) {
  Route route;
  route.run_inline = true;
  route.handler = std::move(handler);
  return route;
}

Route workerRoute(sdk::Handler handler) {
  Route route;
  route.handler = std::move(handler);
  return route;
}

class IpcServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/oxipc-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "d.sock").string();
    router_.add("ping", inlineRoute([](auto&, auto&) { return sdk::Reply::ok("pong"); }));
    router_.add(
        "big", inlineRoute([](auto&, auto&) {
          return sdk::Reply::ok(std::string(1 << 20, 'x'));  // several times a socket buffer
        }));
    router_.add("stream", workerRoute([](auto&, sdk::Progress& progress) {
                  progress.stage("fetching", "Fetching from remote...");
                  progress.percent("pulling", 50, "half way");
                  Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
                  data->set("done", true);
                  return sdk::Reply::ok(data);
                }));
    router_.add("boom",
                workerRoute([](auto&, auto&) -> sdk::Reply { throw std::runtime_error("boom"); }));
    router_.add("slow", workerRoute([this](auto&, auto&) {
                  slow_started_ = true;
                  std::this_thread::sleep_for(300ms);
                  slow_finished_ = true;
                  return sdk::Reply::ok("slept");
                }));
    router_.add("until_cancelled", workerRoute([this](auto&, sdk::Progress& progress) {
                  auto give_up = std::chrono::steady_clock::now() + 2s;
                  while (!progress.cancelled() && std::chrono::steady_clock::now() < give_up) {
                    std::this_thread::sleep_for(5ms);
                  }
                  saw_cancel_ = progress.cancelled();
                  return sdk::Reply::ok();
                }));
    router_.add("flood", workerRoute([this](auto&, sdk::Progress& progress) {
                  auto began = std::chrono::steady_clock::now();
                  for (int i = 0; i < 300; ++i) progress.stage("chunk", std::string(4096, 'p'));
                  flood_took_ = std::chrono::steady_clock::now() - began;
                  return sdk::Reply::ok("flooded");
                }));
    Route notify;
    notify.kind = Route::Kind::OneWay;
    notify.one_way = [this](const sdk::Request& request) {
      std::lock_guard lock(mutex_);
      one_way_payload_ = request.payload->getValue<std::string>("note");
      changed_.notify_all();
    };
    router_.add("notify", std::move(notify));
  }

  void TearDown() override {
    server_.reset();
    pool_->stop();
    std::filesystem::remove_all(dir_);
  }

  void start(const std::function<void(IpcServerOptions&)>& adjust = nullptr) {
    IpcServerOptions options;
    options.socket_path = path_;
    options.first_line_deadline = 200ms;  // the default 5 s, shortened so tests stay quick
    if (adjust) adjust(options);
    server_ = std::make_unique<IpcServer>(options, router_, *pool_, [this](const sdk::Request& r) {
      std::lock_guard lock(mutex_);
      hooked_types_.push_back(r.type);
    });
    server_->start();
  }

  bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 1s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(2ms);
    }
    return true;
  }

  void expectOnlyReply(const std::string& request, const std::string& reply) {
    Transcript transcript = roundTrip(path_, request);
    EXPECT_EQ(transcript.end, Transcript::End::Closed) << request;
    ASSERT_EQ(transcript.lines.size(), 1u) << request;
    EXPECT_EQ(transcript.lines[0], reply) << request;
    EXPECT_EQ(transcript.tail, "");
  }

  void expectSilentClose(const Transcript& transcript) {
    EXPECT_TRUE(transcript.closedCleanly());
    EXPECT_TRUE(transcript.lines.empty());
    EXPECT_EQ(transcript.tail, "");
  }

  std::filesystem::path dir_;
  std::string path_;
  Router router_;
  std::unique_ptr<WorkerPool> pool_ = std::make_unique<WorkerPool>(4, 64);
  std::unique_ptr<IpcServer> server_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> hooked_types_;
  std::string one_way_payload_;
  std::atomic<std::chrono::steady_clock::duration> flood_took_{};
  std::atomic<bool> slow_started_{false}, slow_finished_{false}, saw_cancel_{false};
};

TEST_F(IpcServerTest, PingRoundTripCallsTheHook) {
  start();
  expectOnlyReply(kPing, kPong);
  std::lock_guard lock(mutex_);
  EXPECT_EQ(hooked_types_, std::vector<std::string>{"ping"});
}

TEST_F(IpcServerTest, BadLinesGetTheSpecErrorAndAClose) {
  start();
  const std::string invalid = "{\"success\":false,\"error\":\"invalid message format\"}";
  const std::string unknown = "{\"success\":false,\"error\":\"unknown message type\"}";
  for (std::string line :
       {"garbage", "{\"type\":\"ping\"", "[1,2,3]", "\"ping\"", "42", "{\"type\":\"p\xff\"}"}) {
    expectOnlyReply(line + "\n", invalid);
  }
  expectOnlyReply(std::string("{\"type\":\"pi\0ng\"}\n", 17), invalid);
  expectOnlyReply(std::string(100000, '[') + "\n", invalid);
  for (const char* line :
       {"{}\n", "{\"type\":7}\n", "{\"type\":\"\"}\n", "{\"type\":\"frobnicate\"}\n"}) {
    expectOnlyReply(line, unknown);
  }
  expectOnlyReply(
      "{\"type\":\"ping\",\"payload\":5}\n",
      "{\"success\":false,\"error\":\"invalid payload: payload must be a JSON object\"}");
  expectOnlyReply(kPing, kPong);
}

TEST_F(IpcServerTest, OversizeLineIsClosedWithoutReply) {
  start();
  TestConnection client(path_);
  ASSERT_TRUE(client.connected());
  client.send(std::string(2 << 20, 'a') + "\n");  // the server may close mid-way: EPIPE is fine
  expectSilentClose(client.readAll());
  expectOnlyReply(kPing, kPong);
}

TEST_F(IpcServerTest, PartialLineThenEofIsClosedWithoutReply) {
  start();
  TestConnection client(path_);
  client.send("{\"type\":\"ping\"");
  client.shutdownWrite();
  expectSilentClose(client.readAll());
  EXPECT_TRUE(waitFor([&] { return server_->openConnections() == 0; }));
}

TEST_F(IpcServerTest, StalledClientDoesNotBlockOthersAndMeetsItsDeadline) {
  start();
  TestConnection stalled(path_);
  stalled.send("{\"type\":");
  auto began = std::chrono::steady_clock::now();
  expectOnlyReply(kPing, kPong);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 150ms);
  expectSilentClose(stalled.readAll(1500ms));
  EXPECT_GE(std::chrono::steady_clock::now() - began, 150ms);
}

TEST_F(IpcServerTest, ConnectionsOverTheCapAreClosedAtOnce) {
  start([](IpcServerOptions& options) {
    options.max_connections = 100;
    options.first_line_deadline = 5s;  // the idle ones must stay open for this test
  });
  std::vector<std::unique_ptr<TestConnection>> idle;
  for (int i = 0; i < 100; ++i) idle.push_back(std::make_unique<TestConnection>(path_));
  ASSERT_TRUE(waitFor([&] { return server_->openConnections() == 100; }));
  Transcript refused = roundTrip(path_, kPing, 500ms);
  expectSilentClose(refused);
  idle.clear();
  ASSERT_TRUE(waitFor([&] { return server_->openConnections() == 0; }));
  expectOnlyReply(kPing, kPong);
}

TEST_F(IpcServerTest, TwoHundredConcurrentClientsAreAnsweredOrClosedNeverHung) {
  start();
  std::vector<std::unique_ptr<TestConnection>> clients;
  for (int i = 0; i < 200; ++i) {
    clients.push_back(std::make_unique<TestConnection>(path_));
    clients.back()->send(i % 2 ? kPing : "{\"type\":\"stream\"}\n");
  }
  int answered = 0;
  for (auto& client : clients) {
    Transcript transcript = client->readAll();
    ASSERT_TRUE(transcript.closedCleanly());
    if (!transcript.lines.empty()) ++answered;
  }
  EXPECT_GE(answered, 100);
  EXPECT_TRUE(waitFor([&] { return server_->openConnections() == 0; }));
}

TEST_F(IpcServerTest, StreamsProgressLinesThenTheFinalReply) {
  start();
  Transcript transcript = roundTrip(path_, "{\"type\":\"stream\"}\n");
  EXPECT_EQ(transcript.end, Transcript::End::Closed);
  ASSERT_EQ(transcript.lines.size(), 3u);
  EXPECT_EQ(
      transcript.lines[0],
      R"({"progress":{"stage":"fetching","message":"Fetching from remote..."},"success":false})");
  EXPECT_EQ(
      transcript.lines[1],
      R"({"progress":{"stage":"pulling","percent":50,"message":"half way"},"success":false})");
  EXPECT_EQ(transcript.lines[2], R"({"success":true,"data":{"done":true}})");
}

TEST_F(IpcServerTest, ProgressToAStalledClientIsDroppedWholeLinesOnly) {
  start();
  TestConnection client(path_);
  client.send("{\"type\":\"flood\"}\n");
  std::this_thread::sleep_for(400ms);  // 1.2 MB of progress meets a full socket buffer
  Transcript transcript = client.readAll();
  EXPECT_EQ(transcript.end, Transcript::End::Closed);
  EXPECT_LT(flood_took_.load(), 1s);  // not 300 lines x 100 ms
  ASSERT_GE(transcript.lines.size(), 2u);
  EXPECT_LT(transcript.lines.size(), 301u);  // some were dropped
  for (std::size_t i = 0; i + 1 < transcript.lines.size(); ++i) {
    ASSERT_EQ(transcript.lines[i].rfind("{\"progress\":{\"stage\":\"chunk\"", 0), 0u) << i;
    ASSERT_EQ(transcript.lines[i].size(), 4096u + 59) << i;
  }
  EXPECT_EQ(transcript.lines.back(), "{\"success\":true,\"data\":\"flooded\"}");
}

TEST_F(IpcServerTest, OneWayGetsNoReplyAndItsHandlerRuns) {
  start();
  expectSilentClose(roundTrip(path_, "{\"type\":\"notify\",\"payload\":{\"note\":\"hi\"}}\n"));
  std::unique_lock lock(mutex_);
  EXPECT_TRUE(changed_.wait_for(lock, 1s, [&] { return one_way_payload_ == "hi"; }));
}

std::string currentThreadName() {
  char name[16] = {};
  ::pthread_getname_np(::pthread_self(), name, sizeof name);
  return name;
}

// A quick one-way handler runs on the IPC thread, before the loop reads the next line; one that
// keeps taking longer than its budget moves to the workers, and serving goes on meanwhile.
TEST_F(IpcServerTest, QuickOneWayRunsOnTheIpcThreadUntilItProvesSlow) {
  std::vector<std::string> threads;
  Route quick;
  quick.kind = Route::Kind::OneWay;
  quick.quick = std::make_shared<QuickOneWay>();
  quick.one_way = [&](const sdk::Request& request) {
    if (request.payload->optValue<bool>("slow", false)) std::this_thread::sleep_for(15ms);
    std::lock_guard lock(mutex_);
    threads.push_back(currentThreadName());
  };
  router_.add("quick", std::move(quick));
  start();
  auto ran = [&](std::size_t count) {
    return waitFor([&] {
      std::lock_guard lock(mutex_);
      return threads.size() == count;
    });
  };
  expectSilentClose(roundTrip(path_, "{\"type\":\"quick\"}\n"));
  ASSERT_TRUE(ran(1));
  // With "confirm" the client reads the outcome, as for any one-way message.
  expectOnlyReply("{\"type\":\"quick\",\"confirm\":true}\n", "{\"success\":true}");
  ASSERT_TRUE(ran(2));
  for (int slow = 0; slow < 3; ++slow) {
    expectSilentClose(roundTrip(path_, "{\"type\":\"quick\",\"payload\":{\"slow\":true}}\n"));
    expectOnlyReply(kPing, kPong);
  }
  ASSERT_TRUE(ran(5));
  expectSilentClose(roundTrip(path_, "{\"type\":\"quick\"}\n"));
  ASSERT_TRUE(ran(6));
  std::lock_guard lock(mutex_);
  EXPECT_EQ(std::vector<std::string>(threads.begin(), threads.begin() + 5),
            std::vector<std::string>(5, "oxd-ipc"));
  EXPECT_EQ(threads[5].rfind("oxd-worker-", 0), 0u) << threads[5];
}

TEST_F(IpcServerTest, ThrowingHandlerBecomesAnErrorReplyAndServingGoesOn) {
  start();
  expectOnlyReply("{\"type\":\"boom\"}\n", "{\"success\":false,\"error\":\"boom\"}");
  expectOnlyReply(kPing, kPong);
}

TEST_F(IpcServerTest, ClientThatDoesNotReadABigReplyBlocksNobody) {
  start();
  TestConnection lazy(path_);
  lazy.send("{\"type\":\"big\"}\n");
  pollfd replying{lazy.fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&replying, 1, 2000), 1);  // the reply has begun: the rest no longer fits
  auto began = std::chrono::steady_clock::now();
  expectOnlyReply(kPing, kPong);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 200ms);
  Transcript transcript = lazy.readAll();
  ASSERT_EQ(transcript.lines.size(), 1u);
  EXPECT_EQ(transcript.lines[0].size(), (1u << 20) + 26);
}

TEST_F(IpcServerTest, HandlerSeesCancelWhenThePeerHangsUp) {
  start();
  {
    TestConnection client(path_);
    client.send("{\"type\":\"until_cancelled\"}\n");
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(waitFor([&] { return saw_cancel_.load(); }));
}

TEST_F(IpcServerTest, FullWorkerQueueAnswersDaemonBusy) {
  pool_ = std::make_unique<WorkerPool>(1, 1);
  start();
  TestConnection running(path_);
  running.send("{\"type\":\"slow\"}\n");
  ASSERT_TRUE(waitFor([&] { return slow_started_.load(); }));
  TestConnection queued(path_);
  queued.send("{\"type\":\"slow\"}\n");
  ASSERT_TRUE(waitFor([&] { return pool_->queued() == 1; }));
  expectOnlyReply("{\"type\":\"stream\"}\n", "{\"success\":false,\"error\":\"daemon busy\"}");
  EXPECT_EQ(running.readAll().lines.size(), 1u);
}

TEST_F(IpcServerTest, IdleLoopNeverWakesUp) {
  start();
  expectOnlyReply(kPing, kPong);
  TestConnection stalled(path_);  // its 200 ms deadline must not leave a periodic timer behind
  stalled.send("{");
  expectSilentClose(stalled.readAll());
  std::this_thread::sleep_for(20ms);
  long before = ioThreadSwitches();
  ASSERT_GT(before, 0);
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(ioThreadSwitches(), before);
}

TEST_F(IpcServerTest, SocketIsOwnerOnly) {
  start();
  struct stat info {};
  ASSERT_EQ(::stat(path_.c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(IpcServerTest, ReplacesAStaleFileAndReportsAnUnusablePath) {
  {
    std::FILE* stale = std::fopen(path_.c_str(), "w");
    ASSERT_NE(stale, nullptr);
    std::fclose(stale);
  }
  start();
  expectOnlyReply(kPing, kPong);
  IpcServer other({dir_ / "missing" / "d.sock"}, router_, *pool_, nullptr);
  try {
    other.start();
    FAIL() << "start() should throw";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("missing/d.sock"), std::string::npos) << error.what();
  }
}

TEST_F(IpcServerTest, PeerOfAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to become another user";
  start();
  // Loosen the file modes so that only the SO_PEERCRED check stands in the way.
  ::chmod(dir_.c_str(), 0755);
  ::chmod(path_.c_str(), 0666);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const std::string path = path_;
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    TestConnection connection(path);
    if (!connection.connected()) ::_exit(3);
    connection.send(kPing);
    Transcript transcript = connection.readAll();
    std::string out = transcript.lines.empty() ? std::string("<none>") : transcript.lines[0];
    [[maybe_unused]] auto written = ::write(pipe_fds[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string received;
  char buffer[512];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) received.append(buffer, n);
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(received,
            "{\"success\":false,\"error\":\"permission denied: peer uid 65534 is not the daemon's "
            "user\"}");
  expectOnlyReply(kPing, kPong);
}

TEST_F(IpcServerTest, StopWaitsForTheHandlerInFlightAndRemovesTheSocket) {
  start();
  TestConnection client(path_);
  client.send("{\"type\":\"slow\"}\n");
  ASSERT_TRUE(waitFor([&] { return slow_started_.load(); }));
  TestConnection waiting(path_);  // no line yet: stop() closes it
  server_->stop();
  EXPECT_TRUE(slow_finished_);
  EXPECT_FALSE(std::filesystem::exists(path_));
  Transcript transcript = client.readAll();
  ASSERT_EQ(transcript.lines.size(), 1u);
  EXPECT_EQ(transcript.lines[0], "{\"success\":true,\"data\":\"slept\"}");
  expectSilentClose(waiting.readAll(500ms));
  EXPECT_FALSE(TestConnection(path_).connected());
  server_->stop();  // idempotent
}

TEST_F(IpcServerTest, StopLeavesASuccessorsSocketAlone) {
  start();
  std::filesystem::remove(path_);
  {
    std::FILE* successor = std::fopen(path_.c_str(), "w");
    ASSERT_NE(successor, nullptr);
    std::fclose(successor);
  }
  server_->stop();
  EXPECT_TRUE(std::filesystem::exists(path_));
}

}  // namespace
}  // namespace oxd::core
