// IpcClient against small fake servers, one per fault of docs/protocol.md#clients: every fault ends
// in a ClientError within the deadline, every benign oddity (chunks, escaped newlines, a second
// line) still succeeds.

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/IpcClient.h"

namespace oxd::ipc {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Kind = ClientError::Kind;

const nlohmann::json kPing = {{"type", "ping"}, {"workspace_id", "0badcafe"}};
const std::string kPong = R"({"success":true,"data":"pong"})"
                          "\n";

void sendRaw(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return;  // the client gave up: fine, that is what some tests want
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

// Reads one request line; "" if the client closed first. Bounded so a broken test cannot hang.
// Anything after the newline is dropped: a client sends one line per connection.
std::string readLine(int fd) {
  std::string data;
  char chunk[64 * 1024];
  auto deadline = Clock::now() + 5s;
  while (Clock::now() < deadline) {
    if (auto newline = data.find('\n'); newline != std::string::npos)
      return data.substr(0, newline);
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, 50) <= 0) continue;
    ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
    if (got <= 0) return "";
    data.append(chunk, static_cast<std::size_t>(got));
  }
  return data;
}

// Stands for a server that hangs: waits (≤ 5 s) until the client closes its end.
void waitForClientClose(int fd) {
  char chunk[4096];
  auto deadline = Clock::now() + 5s;
  while (Clock::now() < deadline) {
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, 50) > 0 && ::recv(fd, chunk, sizeof chunk, 0) <= 0) return;
  }
}

// A Unix socket server on its own thread that runs `behaviour` for each accepted connection.
class FakeServer {
 public:
  using Behaviour = std::function<void(int fd)>;

  explicit FakeServer(Behaviour behaviour, int connections = 1, bool accept_connections = true)
      : behaviour_(std::move(behaviour)) {
    char pattern[] = "/tmp/oxd-ut-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    socket_ = dir_ / "s.sock";
    listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, socket_.c_str());
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(listener_, 16), 0);
    if (accept_connections) thread_ = std::thread([this, connections] { serve(connections); });
  }

  ~FakeServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(listener_);
    fs::remove_all(dir_);
  }

  const fs::path& socket() const { return socket_; }

  std::vector<std::string> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  void record(std::string line) {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(line));
  }

 private:
  void serve(int connections) {
    for (int served = 0; served < connections && !stop_;) {
      pollfd entry{listener_, POLLIN, 0};
      if (::poll(&entry, 1, 20) <= 0) continue;
      int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      behaviour_(fd);
      ::close(fd);
      ++served;
    }
  }

  Behaviour behaviour_;
  fs::path dir_;
  fs::path socket_;
  int listener_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

// Runs a request that must fail; returns the error, and checks it came within `bound`.
ClientError expectFailure(const fs::path& socket, std::chrono::milliseconds timeout,
                          std::chrono::milliseconds bound = 3s) {
  auto start = Clock::now();
  try {
    IpcClient(socket).request(kPing, timeout);
  } catch (const ClientError& error) {
    EXPECT_LT(Clock::now() - start, bound) << error.what();
    return error;
  }
  ADD_FAILURE() << "request succeeded";
  return ClientError(Kind::NotRunning, "");
}

TEST(IpcClientTest, HealthyServerAnswersAndGetsOneLine) {
  FakeServer* self = nullptr;
  FakeServer server([&](int fd) {
    self->record(readLine(fd));
    sendRaw(fd, kPong);
  });
  self = &server;
  nlohmann::json reply = IpcClient(server.socket()).request(kPing, 1s);
  EXPECT_EQ(reply["data"], "pong");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(server.requests()[0]), kPing);
}

TEST(IpcClientTest, NewlinesInsideTheMessageStayEscaped) {
  FakeServer* self = nullptr;
  FakeServer server([&](int fd) {
    self->record(readLine(fd));
    sendRaw(fd, kPong);
  });
  self = &server;
  nlohmann::json message = {{"type", "murmur"}, {"payload", {{"content", "two\nlines\r\n"}}}};
  IpcClient(server.socket()).request(message, 1s);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(server.requests()[0]), message);
}

TEST(IpcClientTest, MissingSocketIsNotRunning) {
  ClientError error = expectFailure("/tmp/oxd-ut-nonexistent/none.sock", 1s);
  EXPECT_EQ(error.kind(), Kind::NotRunning);
  EXPECT_STREQ(error.what(), "daemon not running (no socket at /tmp/oxd-ut-nonexistent/none.sock)");
}

TEST(IpcClientTest, SocketWithoutListenerIsNotRunning) {
  char pattern[] = "/tmp/oxd-ut-XXXXXX";
  fs::path dir = ::mkdtemp(pattern);
  fs::path path = dir / "stale.sock";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strcpy(address.sun_path, path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ::close(fd);  // the file stays, nobody listens: what a crashed daemon leaves behind
  ClientError error = expectFailure(path, 1s);
  EXPECT_EQ(error.kind(), Kind::NotRunning);
  EXPECT_NE(std::string(error.what()).find("connection refused at " + path.string()),
            std::string::npos);
  fs::remove_all(dir);
}

TEST(IpcClientTest, CloseImmediatelyIsAnError) {
  FakeServer server([](int) {});
  EXPECT_EQ(expectFailure(server.socket(), 1s).kind(), Kind::Unresponsive);
}

TEST(IpcClientTest, CloseAfterReadIsAnError) {
  FakeServer server([](int fd) { readLine(fd); });
  ClientError error = expectFailure(server.socket(), 1s);
  EXPECT_EQ(error.kind(), Kind::Unresponsive);
  EXPECT_STREQ(error.what(), "daemon closed the connection without a reply");
}

TEST(IpcClientTest, CorruptResponseIsAParseError) {
  FakeServer server([](int fd) {
    readLine(fd);
    sendRaw(fd, std::string_view("not json garbage \x00\xff\xfe\n", 21));
  });
  ClientError error = expectFailure(server.socket(), 1s);
  EXPECT_EQ(error.kind(), Kind::Unresponsive);
  EXPECT_EQ(std::string(error.what()).rfind("invalid reply from daemon: not json garbage", 0), 0u)
      << error.what();
}

TEST(IpcClientTest, RawNulInsideAStringIsInvalid) {
  FakeServer server([](int fd) {
    readLine(fd);
    std::string reply = R"({"success":true,"data":"a)";
    reply.push_back('\0');
    sendRaw(fd, reply + "b\"}\n");
  });
  EXPECT_NE(std::string(expectFailure(server.socket(), 1s).what()).find("invalid reply"),
            std::string::npos);
}

TEST(IpcClientTest, ReplyThatIsNotAnObjectIsInvalid) {
  FakeServer server([](int fd) {
    readLine(fd);
    sendRaw(fd, "[1,2]\n");
  });
  EXPECT_NE(std::string(expectFailure(server.socket(), 1s).what()).find("invalid reply"),
            std::string::npos);
}

TEST(IpcClientTest, PartialResponseThenCloseIsAnError) {
  FakeServer server([](int fd) {
    readLine(fd);
    sendRaw(fd, R"({"success":tr)");
  });
  EXPECT_STREQ(expectFailure(server.socket(), 1s).what(),
               "daemon closed the connection without a reply");
}

TEST(IpcClientTest, ResponseWithoutNewlineTimesOut) {
  FakeServer server([](int fd) {
    readLine(fd);
    sendRaw(fd, R"({"success":true,"data":"pong"})");
    waitForClientClose(fd);
  });
  ClientError error = expectFailure(server.socket(), 100ms, 2s);
  EXPECT_EQ(error.kind(), Kind::Unresponsive);
  EXPECT_STREQ(error.what(), "no reply from daemon within 100 ms");
}

TEST(IpcClientTest, ChunkedResponseIsReassembled) {
  FakeServer server([](int fd) {
    readLine(fd);
    for (char byte : kPong) {
      sendRaw(fd, std::string_view(&byte, 1));
      std::this_thread::sleep_for(2ms);
    }
  });
  EXPECT_EQ(IpcClient(server.socket()).request(kPing, 500ms)["data"], "pong");
}

TEST(IpcClientTest, FirstOfSeveralResponsesWinsAndTheNextConnectionIsUnaffected) {
  FakeServer server(
      [](int fd) {
        readLine(fd);
        sendRaw(fd, kPong + R"({"success":false,"error":"second"})"
                            "\n");
      },
      2);
  IpcClient client(server.socket());
  EXPECT_EQ(client.request(kPing, 1s)["data"], "pong");
  EXPECT_EQ(client.request(kPing, 1s)["data"], "pong");
}

TEST(IpcClientTest, HangBeforeResponseFailsWithinTheDeadline) {
  FakeServer server([](int fd) {
    readLine(fd);
    waitForClientClose(fd);
  });
  ClientError error = expectFailure(server.socket(), 100ms, 1s);
  EXPECT_EQ(error.kind(), Kind::Unresponsive);
}

TEST(IpcClientTest, ServerThatNeverAcceptsFailsWithinTheDeadline) {
  FakeServer server([](int) {}, 0, /*accept_connections=*/false);
  EXPECT_EQ(expectFailure(server.socket(), 100ms, 1s).kind(), Kind::Unresponsive);
}

TEST(IpcClientTest, ResponseOverOneMebibyteIsRefused) {
  FakeServer server([](int fd) {
    readLine(fd);
    sendRaw(fd, R"({"success":true,"data":")" + std::string(2 << 20, 'x') + "\"}\n");
  });
  ClientError error = expectFailure(server.socket(), 5s);
  EXPECT_EQ(error.kind(), Kind::Unresponsive);
  EXPECT_EQ(std::string(error.what()).rfind("reply too large", 0), 0u) << error.what();
}

TEST(IpcClientTest, LineOfExactlyTheLimitIsAccepted) {
  std::string prefix = R"({"success":true,"data":")";
  std::string line = prefix + std::string(IpcClient::kMaxLine - prefix.size() - 2, 'y') + "\"}";
  ASSERT_EQ(line.size(), IpcClient::kMaxLine);
  FakeServer server([&](int fd) {
    readLine(fd);
    sendRaw(fd, line + "\n");
  });
  EXPECT_TRUE(IpcClient(server.socket()).request(kPing, 5s)["success"].get<bool>());
}

TEST(IpcClientTest, EscapedNewlinesInTheReplyAreFine) {
  FakeServer server([](int fd) {
    readLine(fd);
    sendRaw(fd, R"({"success":true,"data":"line one\nline two"})"
                "\n");
  });
  EXPECT_EQ(IpcClient(server.socket()).request(kPing, 1s)["data"], "line one\nline two");
}

TEST(IpcClientTest, ProgressLinesReachTheCallbackThenTheFinalReplyReturns) {
  FakeServer server([](int fd) {
    readLine(fd);
    sendRaw(
        fd,
        R"({"progress":{"stage":"fetching","message":"Fetching..."},"success":false})"
        "\n"
        R"({"progress":{"stage":"pulling","percent":50,"message":"Pulling..."},"success":false})"
        "\n");
    sendRaw(fd, R"({"success":true,"data":{"files":3}})"
                "\n");
  });
  std::vector<std::string> stages;
  nlohmann::json reply =
      IpcClient(server.socket()).request(kPing, 1s, [&](const nlohmann::json& line) {
        stages.push_back(line["progress"]["stage"]);
      });
  EXPECT_EQ(stages, (std::vector<std::string>{"fetching", "pulling"}));
  EXPECT_EQ(reply["data"]["files"], 3);
}

TEST(IpcClientTest, ProgressResetsTheIdleDeadline) {
  FakeServer server([](int fd) {
    readLine(fd);
    for (int i = 0; i < 5; ++i) {
      std::this_thread::sleep_for(80ms);
      sendRaw(fd, R"({"progress":{"stage":"working","message":""},"success":false})"
                  "\n");
    }
    std::this_thread::sleep_for(80ms);
    sendRaw(fd, kPong);
  });
  int lines = 0;
  nlohmann::json reply =
      IpcClient(server.socket()).request(kPing, 300ms, [&](const nlohmann::json&) { ++lines; });
  EXPECT_EQ(lines, 5);
  EXPECT_EQ(reply["data"], "pong");
}

TEST(IpcClientTest, SilenceAfterProgressTimesOut) {
  FakeServer server([](int fd) {
    readLine(fd);
    sendRaw(fd, R"({"progress":{"stage":"working","message":""},"success":false})"
                "\n");
    waitForClientClose(fd);
  });
  int lines = 0;
  auto start = Clock::now();
  EXPECT_THROW(
      IpcClient(server.socket()).request(kPing, 100ms, [&](const nlohmann::json&) { ++lines; }),
      ClientError);
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(lines, 1);
}

TEST(IpcClientTest, OneWayWritesTheLineAndDoesNotWaitForAReply) {
  FakeServer* self = nullptr;
  FakeServer server([&](int fd) {
    self->record(readLine(fd));
    waitForClientClose(fd);  // a reader that never answers must not delay the sender
  });
  self = &server;
  nlohmann::json heartbeat = {{"type", "heartbeat"}, {"payload", {{"agent_id", "a1"}}}};
  auto start = Clock::now();
  IpcClient(server.socket()).sendOneWay(heartbeat, 200ms);
  EXPECT_LT(Clock::now() - start, 1s);
  for (int i = 0; i < 200 && server.requests().empty(); ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(server.requests()[0]), heartbeat);
}

TEST(IpcClientTest, OneWayToMissingSocketIsNotRunning) {
  try {
    IpcClient("/tmp/oxd-ut-nonexistent/none.sock").sendOneWay(kPing, 200ms);
    FAIL() << "sendOneWay succeeded";
  } catch (const ClientError& error) {
    EXPECT_EQ(error.kind(), Kind::NotRunning);
  }
}

TEST(IpcClientTest, LargeRequestIsWrittenCompletely) {
  FakeServer server([](int fd) {
    std::string line = readLine(fd);
    sendRaw(fd, nlohmann::json{{"success", true}, {"data", line.size()}}.dump() + "\n");
  });
  nlohmann::json message = {{"type", "big"}, {"payload", {{"blob", std::string(900 * 1024, 'z')}}}};
  EXPECT_EQ(IpcClient(server.socket()).request(message, 2s)["data"], message.dump().size());
}

TEST(IpcClientTest, ServerThatNeverReadsALargeRequestFailsWithinTheDeadline) {
  FakeServer server([](int fd) { waitForClientClose(fd); }, 0, /*accept_connections=*/false);
  nlohmann::json message = {{"type", "big"}, {"payload", {{"blob", std::string(4 << 20, 'z')}}}};
  auto start = Clock::now();
  try {
    IpcClient(server.socket()).request(message, 100ms);
    FAIL() << "request succeeded";
  } catch (const ClientError& error) {
    EXPECT_EQ(error.kind(), Kind::Unresponsive);
  }
  EXPECT_LT(Clock::now() - start, 1s);
}

}  // namespace
}  // namespace oxd::ipc
