// Hostile and malformed clients against the real oxd (docs/protocol.md#framing,
// docs/protocol.md#errors): a raw socket client sends exact bytes and reads what comes back until
// EOF. After every case the daemon must still answer ping: one bad client never takes the daemon
// down or wedges it.

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <latch>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "DaemonFixture.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr std::size_t kMaxLine = 1 << 20;

int remainingMs(Clock::time_point deadline) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// One raw client connection. Every call is bounded by the deadline given to it.
class RawConnection {
 public:
  RawConnection() = default;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }

  // 0 on success, else the errno of socket() or connect().
  int connect(const fs::path& socket_path, std::chrono::milliseconds timeout) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return errno;
    // A blocking AF_UNIX connect waits for room in the backlog at most SO_SNDTIMEO; sends too.
    timeval limit{static_cast<time_t>(timeout.count() / 1000),
                  static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path.c_str());
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return errno;
    return 0;
  }

  // Sends everything unless the daemon hangs up (or SO_SNDTIMEO expires); false then.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(sent));
      } else if (!(sent < 0 && errno == EINTR)) {
        return false;
      }
    }
    return true;
  }

  void shutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  struct Read {
    std::string bytes;
    bool closed = false;  // EOF (or reset) seen before the deadline
  };
  Read readUntilEof(Clock::time_point deadline) {
    Read out;
    char chunk[64 * 1024];
    for (;;) {
      pollfd entry{fd_, POLLIN, 0};
      int ready = ::poll(&entry, 1, remainingMs(deadline));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return out;  // deadline: still open
      ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got > 0) {
        out.bytes.append(chunk, static_cast<std::size_t>(got));
      } else if (got == 0 || errno == ECONNRESET) {
        out.closed = true;
        return out;
      } else if (errno != EINTR && errno != EAGAIN) {
        out.closed = true;
        return out;
      }
    }
  }

 private:
  int fd_ = -1;
};

struct Exchange {
  int connect_error = 0;
  bool sent_all = false;
  std::string received;
  bool closed = false;
};

// Connects, sends `bytes`, optionally shuts down the write side, reads until EOF or `timeout`.
Exchange exchange(const fs::path& socket, std::string_view bytes, bool shut_write = true,
                  std::chrono::milliseconds timeout = 5s) {
  Exchange out;
  auto deadline = Clock::now() + timeout;
  RawConnection connection;
  out.connect_error = connection.connect(socket, timeout);
  if (out.connect_error != 0) return out;
  out.sent_all = connection.send(bytes);
  if (shut_write) connection.shutdownWrite();
  RawConnection::Read read = connection.readUntilEof(deadline);
  out.received = std::move(read.bytes);
  out.closed = read.closed;
  return out;
}

std::string printable(std::string_view bytes, std::size_t max = 200) {
  std::string out;
  for (char c : bytes.substr(0, max)) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out.push_back(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    }
  }
  if (bytes.size() > max) out += "…(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

class BadInputTest : public CleanExitFixture {
 protected:
  void SetUp() override {
    DaemonFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(startDaemon(launch_));
  }

  // The single reply line of a request that must be answered, parsed; fails the test (and
  // returns null) on anything else.
  json replyTo(std::string_view bytes) {
    Exchange result = exchange(socketPath(), bytes);
    EXPECT_EQ(result.connect_error, 0) << std::strerror(result.connect_error);
    EXPECT_TRUE(result.closed) << "daemon did not close after replying to " << printable(bytes);
    if (result.received.empty() || result.received.back() != '\n' ||
        result.received.find('\n') != result.received.size() - 1) {
      ADD_FAILURE() << "expected exactly one reply line to " << printable(bytes) << ", got '"
                    << printable(result.received) << "'";
      return nullptr;
    }
    json reply = json::parse(result.received, nullptr, false);
    EXPECT_FALSE(reply.is_discarded()) << printable(result.received);
    return reply;
  }

  void expectError(std::string_view bytes, const std::string& error) {
    json reply = replyTo(bytes);
    EXPECT_EQ(reply, json({{"success", false}, {"error", error}})) << "input: " << printable(bytes);
    expectAlive();
  }

  void expectErrorPrefix(std::string_view bytes, const std::string& prefix) {
    json reply = replyTo(bytes);
    EXPECT_EQ(reply.value("success", true), false) << printable(bytes);
    EXPECT_TRUE(reply.value("error", "").starts_with(prefix))
        << "input: " << printable(bytes) << " reply: " << reply.dump();
    expectAlive();
  }

  // No reply at all, and the connection is closed (not left hanging).
  void expectSilentClose(std::string_view bytes, bool shut_write = true) {
    Exchange result = exchange(socketPath(), bytes, shut_write);
    EXPECT_EQ(result.connect_error, 0) << std::strerror(result.connect_error);
    EXPECT_TRUE(result.closed) << "connection left open after " << printable(bytes);
    EXPECT_EQ(result.received, "") << "input: " << printable(bytes);
    expectAlive();
  }

  void expectAlive() {
    ASSERT_TRUE(daemonRunning()) << "the daemon died\n" << daemonDiagnostics();
    json reply;
    try {
      reply = request("ping", nullptr, 5s);
    } catch (const std::exception& error) {
      FAIL() << "ping failed: " << error.what() << "\n" << daemonDiagnostics();
    }
    EXPECT_EQ(reply["data"], "pong") << reply.dump();
  }

  DaemonLaunch launch_{};
};

TEST_F(BadInputTest, GarbageLineIsAnInvalidMessageFormat) {
  expectError("garbage\n", "invalid message format");
  expectError("\n", "invalid message format");
  expectError("   \n", "invalid message format");
  expectError("{type: ping}\n", "invalid message format");
}

TEST_F(BadInputTest, TruncatedJsonIsAnInvalidMessageFormat) {
  expectError("{\"type\":\"ping\"\n", "invalid message format");
  expectError("{\"type\":\"pi\n", "invalid message format");
  expectError("{\"type\":\"ping\",\"payload\":{\"a\":[1,2}\n", "invalid message format");
}

TEST_F(BadInputTest, NonObjectJsonIsAnInvalidMessageFormat) {
  expectError("[1,2,3]\n", "invalid message format");
  expectError("[{\"type\":\"ping\"}]\n", "invalid message format");
  expectError("\"ping\"\n", "invalid message format");
  expectError("42\n", "invalid message format");
  expectError("null\n", "invalid message format");
  expectError("true\n", "invalid message format");
}

TEST_F(BadInputTest, MissingOrNonStringTypeIsAnUnknownMessageType) {
  expectError("{}\n", "unknown message type");
  expectError("{\"payload\":{}}\n", "unknown message type");
  expectError("{\"type\":\"\"}\n", "unknown message type");
  expectError("{\"type\":null}\n", "unknown message type");
  expectError("{\"type\":5}\n", "unknown message type");
  expectError("{\"type\":[\"ping\"]}\n", "unknown message type");
  expectError("{\"type\":{\"name\":\"ping\"}}\n", "unknown message type");
}

TEST_F(BadInputTest, IllTypedPayloadIsAnInvalidPayload) {
  expectErrorPrefix("{\"type\":\"ping\",\"payload\":5}\n", "invalid payload: ");
  expectErrorPrefix("{\"type\":\"mark_errors\",\"payload\":\"all\"}\n", "invalid payload: ");
  expectErrorPrefix("{\"type\":\"mark_errors\",\"payload\":[\"x\"]}\n", "invalid payload: ");
  expectError("{\"type\":\"mark_errors\",\"payload\":{\"ids\":\"x\"}}\n",
              "invalid payload: ids: expected list of strings, got string");
  expectError("{\"type\":\"mark_errors\",\"payload\":{\"ids\":{\"a\":1}}}\n",
              "invalid payload: ids: expected list of strings, got object");
  // A null payload is no payload.
  json reply = replyTo("{\"type\":\"mark_errors\",\"payload\":null}\n");
  EXPECT_EQ(reply, json({{"success", true}}));
  // An ill-typed envelope field is not a valid message.
  expectError("{\"type\":\"ping\",\"workspace_id\":5}\n", "invalid message format");
}

TEST_F(BadInputTest, InvalidUtf8IsAnInvalidMessageFormat) {
  expectError("{\"type\":\"ping\",\"x\":\"\xff\xfe\"}\n", "invalid message format");
  expectError("{\"type\":\"p\xc3\x28ng\"}\n", "invalid message format");
  expectError("{\"type\":\"ping\",\"x\":\"\xc0\xaf\"}\n", "invalid message format");  // overlong
  expectError("{\"type\":\"ping\",\"x\":\"\xed\xa0\x80\"}\n",
              "invalid message format");                                              // surrogate
  expectError("{\"type\":\"ping\",\"x\":\"\xe2\x82\"}\n", "invalid message format");  // truncated
  expectError("\xff\n", "invalid message format");
  // Valid multi-byte UTF-8 is fine.
  json reply = replyTo("{\"type\":\"ping\",\"x\":\"h\xc3\xa9llo \xf0\x9f\x98\x80\"}\n");
  EXPECT_EQ(reply["data"], "pong") << reply.dump();
}

TEST_F(BadInputTest, NulBytesAreAnInvalidMessageFormat) {
  using namespace std::string_view_literals;
  expectError("{\"type\":\"pi\0ng\"}\n"sv, "invalid message format");
  expectError("{\"type\":\"ping\"}\0\n"sv, "invalid message format");
  expectError("\0{\"type\":\"ping\"}\n"sv, "invalid message format");
  expectError("\0\0\0\n"sv, "invalid message format");
}

TEST_F(BadInputTest, DeepNestingGetsAnErrorReplyNotACrash) {
  constexpr std::size_t kDepth = 100'000;
  std::string arrays = std::string(kDepth, '[') + std::string(kDepth, ']') + "\n";
  expectErrorPrefix(arrays, "invalid message format");

  std::string objects = "{\"type\":\"ping\",\"payload\":";
  for (std::size_t i = 0; i < kDepth; ++i) objects += "{\"a\":";
  objects += "1" + std::string(kDepth + 1, '}') + "\n";
  ASSERT_LT(objects.size(), kMaxLine);
  json reply = replyTo(objects);
  EXPECT_EQ(reply.value("success", true), false) << reply.dump();
  EXPECT_FALSE(reply.value("error", "").empty()) << reply.dump();
  expectAlive();

  // Unbalanced: only openers.
  expectErrorPrefix(std::string(kDepth, '{') + "\n", "invalid message format");
}

TEST_F(BadInputTest, LineAtTheLimitIsServedAndOneByteMoreIsClosed) {
  std::string head = "{\"type\":\"ping\",\"pad\":\"";
  std::string tail = "\"}";
  std::string at_limit = head + std::string(kMaxLine - head.size() - tail.size(), 'a') + tail;
  ASSERT_EQ(at_limit.size(), kMaxLine);
  json reply = replyTo(at_limit + "\n");
  EXPECT_EQ(reply["data"], "pong") << "a line of exactly 1 MiB must be accepted";
  expectAlive();

  std::string over = head + std::string(kMaxLine + 1 - head.size() - tail.size(), 'a') + tail;
  expectSilentClose(over + "\n");
}

TEST_F(BadInputTest, TwoMebibyteLineIsClosedWithoutAReply) {
  std::string huge(2 * kMaxLine, 'x');
  expectSilentClose(huge);  // no newline at all
  std::string huge_json =
      "{\"type\":\"ping\",\"pad\":\"" + std::string(2 * kMaxLine, 'a') + "\"}\n";
  expectSilentClose(huge_json);
  // The daemon must not keep anything of it: the next client is served as usual.
  json reply = replyTo("{\"type\":\"version\"}\n");
  EXPECT_EQ(reply["data"], "1.0.0");
}

TEST_F(BadInputTest, NoNewlineThenCloseGetsNoReply) {
  expectSilentClose("{\"type\":\"ping\"}");
  expectSilentClose("");
  expectSilentClose("{\"type\":\"stop\"}");  // an unframed stop must not stop the daemon
  EXPECT_TRUE(daemonRunning());
}

TEST_F(BadInputTest, OneRequestPerConnection) {
  // A second line on the same connection is never served: one reply, then the daemon closes.
  Exchange result = exchange(socketPath(), "{\"type\":\"ping\"}\n{\"type\":\"stop\"}\n");
  EXPECT_TRUE(result.closed);
  EXPECT_EQ(result.received, "{\"success\":true,\"data\":\"pong\"}\n");
  expectAlive();
  // CRLF framing: the \r is JSON whitespace.
  json reply = replyTo("{\"type\":\"ping\"}\r\n");
  EXPECT_EQ(reply["data"], "pong") << reply.dump();
}

class StalledClientTest : public BadInputTest {
 protected:
  StalledClientTest() { launch_.args = {"--define", "daemon.first_line_deadline=1s"}; }
};

TEST_F(StalledClientTest, UnfinishedLineIsClosedAtTheDeadlineWhileOthersAreServed) {
  auto connected_at = Clock::now();
  RawConnection stalled;
  ASSERT_EQ(stalled.connect(socketPath(), 2s), 0);
  ASSERT_TRUE(stalled.send("{\"type\":\"pi"));

  // Meanwhile, others are served at once.
  for (int i = 0; i < 20; ++i) {
    auto started = Clock::now();
    EXPECT_EQ(request("ping", nullptr, 2s)["data"], "pong");
    EXPECT_LT(Clock::now() - started, 500ms)
        << "ping " << i << " was held up by the stalled client";
    std::this_thread::sleep_for(20ms);
  }

  RawConnection::Read read = stalled.readUntilEof(connected_at + 4s);
  auto elapsed = Clock::now() - connected_at;
  EXPECT_TRUE(read.closed) << "the stalled connection is still open after 4 s";
  EXPECT_EQ(read.bytes, "");
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LE(elapsed, 2500ms)
      << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  expectAlive();
}

TEST_F(StalledClientTest, SilentClientIsClosedAtTheDeadline) {
  auto connected_at = Clock::now();
  RawConnection silent;
  ASSERT_EQ(silent.connect(socketPath(), 2s), 0);
  RawConnection::Read read = silent.readUntilEof(connected_at + 4s);
  auto elapsed = Clock::now() - connected_at;
  EXPECT_TRUE(read.closed);
  EXPECT_EQ(read.bytes, "");
  EXPECT_GE(elapsed, 900ms);
  EXPECT_LE(elapsed, 2500ms);
  expectAlive();
}

class ConnectionCapTest : public BadInputTest {
 protected:
  ConnectionCapTest() { launch_.args = {"--define", "daemon.max_connections=10"}; }
};

TEST_F(ConnectionCapTest, ConnectionOverTheCapIsClosedAtOnceAndServiceResumes) {
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 10; ++i) {
    held.push_back(std::make_unique<RawConnection>());
    ASSERT_EQ(held.back()->connect(socketPath(), 2s), 0);
  }
  // Let the daemon accept all ten (each is then waiting for its first line).
  std::this_thread::sleep_for(200ms);
  auto started = Clock::now();
  Exchange over = exchange(socketPath(), "{\"type\":\"ping\"}\n", false, 3s);
  EXPECT_EQ(over.connect_error, 0);
  EXPECT_TRUE(over.closed) << "the 11th connection was left hanging";
  EXPECT_EQ(over.received, "") << "the 11th connection was served over the cap of 10";
  EXPECT_LT(Clock::now() - started, 1s);

  held.clear();  // the daemon sees EOF on each and frees its slot
  json reply;
  auto deadline = Clock::now() + 3s;
  do {
    try {
      reply = request("ping", nullptr, 1s);
    } catch (const std::exception&) {
      reply = nullptr;
    }
    if (reply.is_object() && reply.value("data", "") == "pong") break;
    std::this_thread::sleep_for(20ms);
  } while (Clock::now() < deadline);
  ASSERT_TRUE(reply.is_object()) << "service did not resume after the held connections closed";
  EXPECT_EQ(reply.value("data", ""), "pong");
  expectAlive();
}

TEST_F(BadInputTest, TwoHundredConcurrentPingsNeverHang) {
  constexpr int kClients = 200;
  std::atomic<int> answered{0}, closed_without_reply{0}, connect_failed{0}, hung{0}, wrong{0};
  std::latch ready(kClients);
  std::vector<std::thread> threads;
  threads.reserve(kClients);
  fs::path socket = socketPath();
  auto started = Clock::now();
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&] {
      ready.arrive_and_wait();
      Exchange result = exchange(socket, "{\"type\":\"ping\"}\n", false, 8s);
      if (result.connect_error != 0) {
        ++connect_failed;
      } else if (!result.closed) {
        ++hung;
      } else if (result.received == "{\"success\":true,\"data\":\"pong\"}\n") {
        ++answered;
      } else if (result.received.empty()) {
        ++closed_without_reply;
      } else {
        ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  RecordProperty("answered", answered.load());
  RecordProperty("closed_without_reply", closed_without_reply.load());
  EXPECT_EQ(hung.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(connect_failed.load(), 0);
  EXPECT_GE(answered.load(), 100) << "closed without reply: " << closed_without_reply.load();
  EXPECT_EQ(answered + closed_without_reply + connect_failed + hung + wrong, kClients);
  EXPECT_LT(took, 8s);
  expectAlive();
}

// --- peers of another uid ----------------------------------------------------------------------

constexpr uid_t kNobody = 65534;

struct ChildReport {
  int connect_error = -1;  // errno of connect as nobody, 0 when it connected
  std::string received;    // what the daemon sent before closing
  bool closed = false;     // EOF seen within the child's 3 s
  std::string failure;     // the child could not run
};

// Forks; the child drops to nobody, connects to `socket`, sends a ping and reads until EOF.
// Only async-signal-safe calls in the child: the test process has threads.
ChildReport connectAsNobody(const fs::path& socket) {
  ChildReport report;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket.c_str());
  static const char kPing[] = "{\"type\":\"ping\"}\n";
  int channel[2];
  if (::pipe2(channel, O_CLOEXEC) != 0) {
    report.failure = "pipe2 failed";
    return report;
  }
  pid_t child = ::fork();
  if (child < 0) {
    report.failure = "fork failed";
    return report;
  }
  if (child == 0) {
    ::close(channel[0]);
    int out = channel[1];
    if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0) _exit(3);
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) _exit(4);
    int result = 0;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) result = errno;
    if (::write(out, &result, sizeof result) != sizeof result) _exit(5);
    if (result != 0) _exit(0);
    [[maybe_unused]] ssize_t sent = ::send(fd, kPing, sizeof kPing - 1, MSG_NOSIGNAL);
    char buffer[4096];
    char closed = 0;
    for (int waited = 0; waited < 3000;) {
      pollfd entry{fd, POLLIN, 0};
      int ready = ::poll(&entry, 1, 100);
      if (ready == 0) {
        waited += 100;
        continue;
      }
      if (ready < 0) continue;
      ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) {
        closed = 1;
        break;
      }
      if (::write(out, buffer, static_cast<std::size_t>(got)) != got) _exit(6);
    }
    // The last byte written tells whether EOF was seen: '\x01' yes, '\x00' no.
    if (::write(out, &closed, 1) != 1) _exit(7);
    _exit(0);
  }
  ::close(channel[1]);
  std::string bytes;
  auto deadline = Clock::now() + 6s;
  char chunk[4096];
  for (;;) {
    pollfd entry{channel[0], POLLIN, 0};
    int ready = ::poll(&entry, 1, remainingMs(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      report.failure = "the child did not finish within 6 s";
      ::kill(child, SIGKILL);
      break;
    }
    ssize_t got = ::read(channel[0], chunk, sizeof chunk);
    if (got <= 0) break;
    bytes.append(chunk, static_cast<std::size_t>(got));
  }
  ::close(channel[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (report.failure.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    report.failure = "child failed with status " + std::to_string(status);
  }
  if (bytes.size() < sizeof(int)) {
    if (report.failure.empty()) report.failure = "child reported nothing";
    return report;
  }
  std::memcpy(&report.connect_error, bytes.data(), sizeof(int));
  bytes.erase(0, sizeof(int));
  if (report.connect_error == 0 && !bytes.empty()) {
    report.closed = bytes.back() == 1;
    bytes.pop_back();
  }
  report.received = bytes;
  return report;
}

TEST_F(BadInputTest, AnotherUserCannotReachThePrivateSocket) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to another uid";
  ChildReport report = connectAsNobody(socketPath());
  ASSERT_EQ(report.failure, "");
  EXPECT_EQ(report.connect_error, EACCES) << std::strerror(report.connect_error);
  expectAlive();
}

TEST_F(BadInputTest, PeerOfAnotherUidIsRefusedEvenThroughAnOpenSocket) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to another uid";
  // Open every directory from the temp HOME down to the socket, and the socket itself, so that
  // only the daemon's SO_PEERCRED check stands between nobody and the daemon.
  fs::path socket = socketPath();
  ASSERT_EQ(socket.native().rfind(tempDir().native(), 0), 0u) << socket;
  for (fs::path dir = socket.parent_path();; dir = dir.parent_path()) {
    ASSERT_EQ(::chmod(dir.c_str(), 0777), 0) << dir << ": " << std::strerror(errno);
    if (dir == tempDir()) break;
  }
  ASSERT_EQ(::chmod(socket.c_str(), 0777), 0) << std::strerror(errno);

  ChildReport report = connectAsNobody(socket);
  ASSERT_EQ(report.failure, "");
  ASSERT_EQ(report.connect_error, 0)
      << "connect as nobody: " << std::strerror(report.connect_error);
  RecordProperty("foreign_peer_received", printable(report.received));
  EXPECT_TRUE(report.closed) << "the daemon left a foreign peer's connection open";
  EXPECT_EQ(report.received.find("pong"), std::string::npos) << report.received;
  if (!report.received.empty()) {
    json reply = json::parse(report.received, nullptr, false);
    ASSERT_FALSE(reply.is_discarded()) << printable(report.received);
    EXPECT_EQ(reply.value("success", true), false) << reply.dump();
    EXPECT_TRUE(reply.value("error", "").starts_with("permission denied")) << reply.dump();
  }
  expectAlive();  // root is still served
}

}  // namespace
}  // namespace oxd::testing
