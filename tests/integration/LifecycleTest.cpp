// The daemon's lifecycle through the real binary (docs/architecture.md#lifecycle): stop, SIGTERM,
// already running, stale socket, inactivity, version mismatch, parent exit, reload, sd_notify.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <thread>

#include "DaemonFixture.h"
#include "common/DaemonRegistry.h"
#include "common/Paths.h"

namespace oxd::testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class LifecycleTest : public DaemonFixture {
 protected:
  void expectCleanedUp() {
    EXPECT_FALSE(fs::exists(socketPath())) << socketPath();
    EXPECT_FALSE(fs::exists(paths::pidPath(workspaceId())));
    EXPECT_FALSE(registry::DaemonRegistry(paths::registryPath()).findByWorkspaceId(workspaceId()));
  }
  void writeProjectConfig(const std::string& text) {
    std::ofstream(projectDir() / ".oxd" / "oxd.ini") << text;
  }
  std::int64_t inactivityTimeout() {
    return request("status")["data"]["inactivity_timeout"].get<std::int64_t>();
  }
};

TEST_F(LifecycleTest, StopAnswersThenShutsDownAndCleansUp) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  EXPECT_TRUE(registry::DaemonRegistry(paths::registryPath()).findByWorkspaceId(workspaceId()));
  EXPECT_TRUE(fs::exists(paths::pidPath(workspaceId())));
  EXPECT_EQ(request("stop")["success"], true);
  auto status = waitForDaemonExit(5s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
  expectCleanedUp();
}

TEST_F(LifecycleTest, SigtermShutsDownGracefully) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  auto started = std::chrono::steady_clock::now();
  auto status = stopDaemon();
  ASSERT_TRUE(status);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
  expectCleanedUp();
}

TEST_F(LifecycleTest, SocketAndDirectoryArePrivate) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  EXPECT_EQ(fs::status(socketPath()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::status(socketPath().parent_path()).permissions() & fs::perms::all,
            fs::perms::owner_all);
}

TEST_F(LifecycleTest, SecondDaemonForTheSameWorkspaceIsRefused) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  ProcessResult second = runProgram(OXD_BIN_DIR "/oxd", {"--project", projectDir().string()});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("already running"), std::string::npos) << second.err;
  EXPECT_EQ(request("ping")["data"], "pong");
}

TEST_F(LifecycleTest, StaleSocketOfADeadDaemonIsReclaimed) {
  fs::path socket = socketPath();
  fs::create_directories(socket.parent_path());
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ::close(fd);  // the file stays, nobody listens: what a crashed daemon leaves
  ASSERT_TRUE(fs::exists(socket));
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  EXPECT_EQ(request("ping")["data"], "pong");
}

TEST_F(LifecycleTest, ExitsAfterInactivity) {
  ASSERT_NO_FATAL_FAILURE(startDaemon({.args = {"--define", "daemon.inactivity_timeout=1s"}}));
  auto status = waitForDaemonExit(6s);
  ASSERT_TRUE(status) << "daemon still running after 6 s with a 1 s inactivity timeout";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  expectCleanedUp();
}

TEST_F(LifecycleTest, VersionMismatchWithoutAnUpgradeKeepsServing) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  sendOneWay("heartbeat", {{"agent_id", "a1"}, {"cli_version", "0.1.0+other-build"}});
  EXPECT_EQ(request("ping")["data"], "pong");  // same semver, other build: nothing happens
  // Another client's version, and the binary on disk is still ours: served, never a stop
  // (UpgradeTest covers the restart into a new binary).
  sendOneWay("heartbeat", {{"agent_id", "a1"}, {"cli_version", "9.9.9+20300101"}});
  EXPECT_FALSE(waitForDaemonExit(1s)) << "daemon stopped on a version mismatch";
  EXPECT_EQ(request("ping")["data"], "pong");
}

TEST_F(LifecycleTest, ExitsWhenTheParentProcessExits) {
  pid_t parent = ::fork();
  if (parent == 0) {
    ::execl("/bin/sleep", "sleep", "30", nullptr);
    ::_exit(127);
  }
  ASSERT_NO_FATAL_FAILURE(startDaemon({.args = {"--parent-pid", std::to_string(parent)}}));
  EXPECT_EQ(request("ping")["data"], "pong");
  ::kill(parent, SIGKILL);
  ::waitpid(parent, nullptr, 0);
  auto status = waitForDaemonExit(5s);
  ASSERT_TRUE(status) << "daemon outlived its parent";
  expectCleanedUp();
}

TEST_F(LifecycleTest, ReloadWithABadConfigChangesNothing) {
  writeProjectConfig("[daemon]\ninactivity_timeout = 1h\n");
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  EXPECT_EQ(inactivityTimeout(), 3600'000'000'000);

  writeProjectConfig("[daemon]\ninactivty_timeout = 2s\n");
  auto refused = request("reload");
  EXPECT_EQ(refused["success"], false);
  EXPECT_NE(refused["error"].get<std::string>().find("did you mean 'inactivity_timeout'"),
            std::string::npos)
      << refused.dump();
  EXPECT_EQ(inactivityTimeout(), 3600'000'000'000);

  writeProjectConfig("[daemon]\ninactivity_timeout = 2h\n");
  EXPECT_EQ(request("reload")["success"], true);
  EXPECT_EQ(inactivityTimeout(), 7200'000'000'000);

  writeProjectConfig("[daemon]\ninactivity_timeout = 3h\n");
  ::kill(daemonPid(), SIGHUP);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (inactivityTimeout() != 10800'000'000'000 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(inactivityTimeout(), 10800'000'000'000) << "SIGHUP did not reload";
}

TEST_F(LifecycleTest, InvalidConfigAtStartIsRefusedWithTheKeyNamed) {
  writeProjectConfig("[daemon]\nworkers = many\n");
  ProcessResult run = runProgram(OXD_BIN_DIR "/oxd", {"--project", projectDir().string()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("workers"), std::string::npos) << run.err;
}

// systemd's notify protocol as the unit runs oxd (--project DIR in the foreground,
// NOTIFY_SOCKET, WATCHDOG_USEC), read from a datagram socket standing in for systemd. A reader
// thread takes every datagram as it arrives and, on READY=1, pings the daemon at once: READY
// must not come before the socket serves.
TEST_F(LifecycleTest, NotifiesSystemdReadyWatchdogAndStopping) {
  fs::path notify = tempDir() / "notify.sock";
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", notify.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  timeval timeout{0, 100000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

  struct Datagram {
    std::string text;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex mutex;
  std::condition_variable arrived;
  std::deque<Datagram> received;
  std::optional<bool> ping_answered_at_ready;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done) {
      char buffer[512];
      ssize_t length = ::recv(fd, buffer, sizeof buffer, 0);
      if (length <= 0) continue;
      Datagram datagram{std::string(buffer, static_cast<std::size_t>(length)),
                        std::chrono::steady_clock::now()};
      if (datagram.text.rfind("READY=1\n", 0) == 0 && !ping_answered_at_ready) {
        bool answered = false;
        try {
          answered = request("ping", nullptr, 1s)["data"] == "pong";
        } catch (const std::exception&) {
        }
        std::lock_guard lock(mutex);
        ping_answered_at_ready = answered;
      }
      std::lock_guard lock(mutex);
      received.push_back(std::move(datagram));
      arrived.notify_all();
    }
  });
  struct StopReader {  // also on an early ASSERT return: a joinable thread would abort
    std::atomic<bool>& done;
    std::thread& reader;
    int fd;
    ~StopReader() {
      done = true;
      if (reader.joinable()) reader.join();
      ::close(fd);
    }
  } stop_reader{done, reader, fd};
  auto next = [&]() -> Datagram {
    std::unique_lock lock(mutex);
    if (!arrived.wait_for(lock, 3s, [&] { return !received.empty(); })) return {};
    Datagram datagram = std::move(received.front());
    received.pop_front();
    return datagram;
  };
  auto nextOtherThanWatchdog = [&] {
    Datagram datagram;
    while ((datagram = next()).text == "WATCHDOG=1") {
    }
    return datagram.text;
  };

  constexpr std::chrono::milliseconds kWatchdogUsec{
      1000};  // systemd's WatchdogSec: a ping must come within it
  ASSERT_NO_FATAL_FAILURE(
      startDaemon({.env = {{"NOTIFY_SOCKET", notify.string()}, {"WATCHDOG_USEC", "1000000"}}}));
  EXPECT_EQ(next().text.rfind("READY=1\n", 0), 0u);
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(ping_answered_at_ready, true) << "READY=1 came before the socket answered ping";
  }
  // Pings at half the interval, as sd_watchdog_enabled(3) asks: never as late as the deadline.
  std::vector<std::chrono::steady_clock::time_point> pings;
  while (pings.size() < 5) {
    Datagram datagram = next();
    ASSERT_EQ(datagram.text, "WATCHDOG=1");
    pings.push_back(datagram.at);
  }
  for (std::size_t i = 1; i < pings.size(); ++i) {
    EXPECT_LT(pings[i] - pings[i - 1], kWatchdogUsec) << "watchdog ping " << i << " came late";
  }
  EXPECT_LT((pings.back() - pings.front()) / (pings.size() - 1), kWatchdogUsec * 6 / 10)
      << "watchdog pings come less often than every WATCHDOG_USEC/2";

  ::kill(daemonPid(), SIGHUP);
  std::string message = nextOtherThanWatchdog();
  EXPECT_EQ(message.rfind("RELOADING=1\nMONOTONIC_USEC=", 0), 0u) << message;
  message = nextOtherThanWatchdog();
  EXPECT_EQ(message.rfind("READY=1", 0), 0u) << message;

  std::optional<int> status = stopDaemon();  // SIGTERM
  EXPECT_EQ(nextOtherThanWatchdog(), "STOPPING=1");
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "wait status " << *status;
}

}  // namespace
}  // namespace oxd::testing

namespace oxd::testing {
namespace {

// A daemon that holds the workspace but no longer answers (here: SIGSTOPped, its pid file
// older than the 3-minute starting grace) is terminated by the next start, which takes over.
TEST_F(LifecycleTest, StuckDaemonIsTerminatedByTheNextStart) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  pid_t stuck = daemonPid();
  ASSERT_EQ(::kill(stuck, SIGSTOP), 0);
  fs::path pid_file = paths::pidPath(workspaceId());
  fs::last_write_time(pid_file, fs::file_time_type::clock::now() - std::chrono::minutes(5));

  ProcessResult second =
      runProgram(OXD_BIN_DIR "/oxd",
                 {"--project", projectDir().string(), "--define", "daemon.inactivity_timeout=1s"},
                 {.timeout = std::chrono::seconds(20)});
  // The newcomer took over (and exited on its own after 1 s of inactivity); the stuck one is gone.
  EXPECT_EQ(second.exit_code, 0) << second.err;
  auto status = waitForDaemonExit(std::chrono::seconds(5));
  ASSERT_TRUE(status) << "the stuck daemon is still alive";
}

}  // namespace
}  // namespace oxd::testing

namespace oxd::testing {
namespace {

std::string readFile(const fs::path& file) {
  std::ifstream input(file);
  return std::string(std::istreambuf_iterator<char>(input), {});
}

// Pending plugin work (Host::keepAlive) holds off the inactivity exit, but only for
// pending_work_grace; without a grace bound being hit the daemon exits once the work is done.
TEST_F(LifecycleTest, PendingWorkHoldsOffInactivityExitForABoundedGrace) {
  ASSERT_NO_FATAL_FAILURE(startDaemon({.args = {"--define", "daemon.inactivity_timeout=1s",
                                                "--define", "daemon.pending_work_grace=1s"},
                                       .plugin_dir = fs::path(OXD_TEST_PLUGIN_DIR)}));
  std::thread holder([this] {
    try {
      request("test.hold", {{"ms", 6000}}, std::chrono::seconds(10));
    } catch (const std::exception&) {
    }
  });
  auto status = waitForDaemonExit(std::chrono::seconds(9));
  holder.join();
  ASSERT_TRUE(status) << "daemon did not exit";
  EXPECT_NE(readFile(logPath()).find("pending work still held after the grace period"),
            std::string::npos)
      << daemonDiagnostics();
}

TEST_F(LifecycleTest, PendingWorkThatEndsLetsTheDaemonExitAfterIt) {
  ASSERT_NO_FATAL_FAILURE(startDaemon({.args = {"--define", "daemon.inactivity_timeout=1s"},
                                       .plugin_dir = fs::path(OXD_TEST_PLUGIN_DIR)}));
  auto started = std::chrono::steady_clock::now();
  std::thread holder([this] {
    try {
      request("test.hold", {{"ms", 2500}}, std::chrono::seconds(10));
    } catch (const std::exception&) {
    }
  });
  auto status = waitForDaemonExit(std::chrono::seconds(8));
  holder.join();
  ASSERT_TRUE(status) << "daemon did not exit after the pending work ended";
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2400));
  std::string log = readFile(logPath());
  EXPECT_EQ(log.find("pending work still held"), std::string::npos);
  EXPECT_NE(log.find("stopping: inactive"), std::string::npos) << daemonDiagnostics();
}

}  // namespace
}  // namespace oxd::testing
