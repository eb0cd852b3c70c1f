// oxd_ipc_bench: connect-per-request `ping` against oxd's IpcServer (in process, inline ping
// route, real WorkerPool) and against c_responder.c (the least a server can do), side by side:
// p50/p99 latency from one client, then requests/s from 8 client threads.
//
// usage: oxd_ipc_bench [--requests N] [--seconds S] [--check]
//   --check exits 1 unless oxd p50 <= 1.3x, p99 <= 2x and throughput >= 0.5x the responder's.

#include "ipc/IpcServer.h"

#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::string_view kRequest = "{\"type\":\"ping\",\"workspace_id\":\"3f9c0a1e\"}\n";
constexpr std::string_view kReply = "{\"success\":true,\"data\":\"pong\"}\n";

// One request on a fresh connection, as oxctl and agent hooks do. False on any deviation.
bool pingOnce(const sockaddr_un& address) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
            ::send(fd, kRequest.data(), kRequest.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(kRequest.size());
  char buffer[256];
  std::size_t got = 0;
  while (ok) {
    ssize_t n = ::read(fd, buffer + got, sizeof buffer - got);
    if (n <= 0) {
      ok = false;
      break;
    }
    got += static_cast<std::size_t>(n);
    if (std::memchr(buffer, '\n', got)) break;
    if (got == sizeof buffer) ok = false;
  }
  ::close(fd);
  return ok && std::string_view(buffer, got) == kReply;
}

sockaddr_un addressOf(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  return address;
}

struct Target {
  std::string name;
  sockaddr_un address;
  std::vector<double> latencies_us;
  double requests_per_second = 0;
  std::size_t failures = 0;
};

double percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(fraction * values.size()))];
}

void measureLatency(Target& target, int count) {
  for (int i = 0; i < count; ++i) {
    auto began = Clock::now();
    if (!pingOnce(target.address)) ++target.failures;
    target.latencies_us.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - began).count());
  }
}

double measureThroughput(Target& target, int threads, std::chrono::duration<double> duration) {
  std::atomic<bool> go{false}, done{false};
  std::atomic<std::size_t> total{0}, failures{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < threads; ++i) {
    clients.emplace_back([&] {
      while (!go) std::this_thread::yield();
      std::size_t mine = 0, bad = 0;
      while (!done) {
        if (pingOnce(target.address))
          ++mine;
        else
          ++bad;
      }
      total += mine;
      failures += bad;
    });
  }
  auto began = Clock::now();
  go = true;
  std::this_thread::sleep_for(duration);
  done = true;
  for (auto& client : clients) client.join();
  target.failures += failures;
  return total / std::chrono::duration<double>(Clock::now() - began).count();
}

pid_t spawnResponder(const std::string& socket_path) {
  int out[2];
  if (::pipe(out) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string program = OXD_C_RESPONDER;
  char* argv[] = {program.data(), const_cast<char*>(socket_path.c_str()), nullptr};
  pid_t pid = -1;
  if (posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  char ready[16] = {};
  if (pid > 0 && ::read(out[0], ready, sizeof ready - 1) <= 0) pid = -1;
  ::close(out[0]);
  return pid;
}

}  // namespace

int main(int argc, char** argv) {
  int requests = 20000;
  double seconds = 2.0;
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--requests" && i + 1 < argc)
      requests = std::atoi(argv[++i]);
    else if (arg == "--seconds" && i + 1 < argc)
      seconds = std::atof(argv[++i]);
    else if (arg == "--check")
      check = true;
    else {
      std::fprintf(stderr, "usage: %s [--requests N] [--seconds S] [--check]\n", argv[0]);
      return 2;
    }
  }

  char pattern[] = "/tmp/oxbench-XXXXXX";
  if (!::mkdtemp(pattern)) return 1;
  std::filesystem::path dir = pattern;

  oxd::core::Router router;
  oxd::core::Route ping;
  ping.run_inline = true;
  ping.handler = [](const oxd::sdk::Request&, oxd::sdk::Progress&) {
    return oxd::sdk::Reply::ok("pong");
  };
  router.add("ping", ping);
  oxd::core::WorkerPool pool(std::max(2u, std::thread::hardware_concurrency()), 1024);
  std::atomic<Clock::rep> last_activity{0};  // what the daemon's hook does: stamp activity
  oxd::core::IpcServerOptions options;
  options.socket_path = dir / "oxd.sock";
  oxd::core::IpcServer server(options, router, pool, [&](const oxd::sdk::Request&) {
    last_activity.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  });
  server.start();

  std::string responder_path = (dir / "c.sock").string();
  pid_t responder = spawnResponder(responder_path);
  if (responder <= 0) {
    std::fprintf(stderr, "cannot start %s\n", OXD_C_RESPONDER);
    return 1;
  }

  Target oxd{"oxd", addressOf(options.socket_path.string()), {}, 0, 0};
  Target c{"c_responder", addressOf(responder_path), {}, 0, 0};
  // Warm both up, then interleave blocks so drift (frequency, noise) hits both alike.
  measureLatency(oxd, 2000);
  measureLatency(c, 2000);
  oxd.latencies_us.clear();
  c.latencies_us.clear();
  constexpr int kBlock = 200;
  for (int done = 0; done < requests; done += kBlock) {
    measureLatency(oxd, kBlock);
    measureLatency(c, kBlock);
  }
  auto half = std::chrono::duration<double>(seconds / 2);
  for (int round = 0; round < 2; ++round) {
    oxd.requests_per_second += measureThroughput(oxd, 8, half) / 2;
    c.requests_per_second += measureThroughput(c, 8, half) / 2;
  }

  server.stop();
  ::kill(responder, SIGTERM);
  ::waitpid(responder, nullptr, 0);
  std::filesystem::remove_all(dir);

  double p50 = percentile(oxd.latencies_us, 0.50), c_p50 = percentile(c.latencies_us, 0.50);
  double p99 = percentile(oxd.latencies_us, 0.99), c_p99 = percentile(c.latencies_us, 0.99);
  double ratio50 = p50 / c_p50, ratio99 = p99 / c_p99;
  double ratio_rps = oxd.requests_per_second / c.requests_per_second;
  std::printf("connect-per-request ping, %d requests each, 8-client throughput over %.1f s each\n",
              requests, seconds);
  std::printf("%-22s %12s %12s %8s %8s\n", "", "oxd", "c_responder", "ratio", "target");
  std::printf("%-22s %12.1f %12.1f %8.2f %8s\n", "p50 latency (us)", p50, c_p50, ratio50, "<=1.3");
  std::printf("%-22s %12.1f %12.1f %8.2f %8s\n", "p99 latency (us)", p99, c_p99, ratio99, "<=2.0");
  std::printf("%-22s %12.0f %12.0f %8.2f %8s\n", "8 clients (req/s)", oxd.requests_per_second,
              c.requests_per_second, ratio_rps, ">=0.5");
  std::printf("failed requests: oxd %zu, c_responder %zu\n", oxd.failures, c.failures);
  bool met = ratio50 <= 1.3 && ratio99 <= 2.0 && ratio_rps >= 0.5 && oxd.failures == 0;
  std::printf("targets %s\n", met ? "met" : "NOT met");
  return check && !met ? 1 : 0;
}
