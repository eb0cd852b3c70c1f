// oxd_ipc_bench: connect-per-request `ping` against the real oxd process (no plugins) and
// against c_responder.c (the least a server can do), side by side: p50/p99 latency from one
// client, then requests/s from 8 client threads. Both servers are child processes of the bench,
// so neither shares the client's process (and its CPU placement) while the other does not.
//
// usage: oxd_ipc_bench [--requests N] [--seconds S] [--placement free|same|cross] [--check]
//                      [--baseline OXD]
//   --placement pins the servers and the client: `same` all on CPU 0, `cross` servers on CPU 1
//   and the client on CPU 0; `free` (default) leaves it to the scheduler, whose choice decides
//   a connect-per-request latency more than either server does (see README.md).
//   --check exits 1 unless oxd p50 <= 1.3x, p99 <= 2x and throughput >= 0.5x the responder's.
//   --baseline also runs another oxd binary (e.g. one built without a feature, such as the
//   landed main branch's) in the same interleaved blocks and prints the p50 and p99 difference
//   in microseconds: what the feature costs per request.

#include <fcntl.h>
#include <sched.h>
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

// Starts `args`. With `await_line`, stdout is a pipe and this returns once the child printed a
// line (c_responder's "ready") or closed it, so a dead child is told from a listening one.
pid_t spawnChild(std::vector<std::string> args, char** env, bool await_line) {
  int out[2];
  if (::pipe(out) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (await_line)
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  else
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  char ready[16] = {};
  if (await_line && pid > 0 && ::read(out[0], ready, sizeof ready - 1) <= 0) pid = -1;
  ::close(out[0]);
  return pid;
}

// oxd in a private world under `dir`; it is ready when a ping through its socket is answered.
pid_t spawnOxd(const std::string& binary, const std::filesystem::path& dir,
               const sockaddr_un& address) {
  std::filesystem::create_directories(dir / "project/.oxd");
  std::filesystem::create_directories(dir / "plugins");  // empty: the core alone is measured
  std::filesystem::create_directories(dir / "run");
  std::vector<std::string> env_strings{"HOME=" + dir.string(),
                                       "XDG_RUNTIME_DIR=" + (dir / "run").string(),
                                       std::string("OXD_SOCKET=") + address.sun_path};
  if (const char* path = std::getenv("PATH")) env_strings.push_back(std::string("PATH=") + path);
  std::vector<char*> env;
  for (auto& entry : env_strings) env.push_back(entry.data());
  env.push_back(nullptr);
  pid_t pid = spawnChild({binary, "--project", (dir / "project").string(), "--define",
                          "daemon.plugin_dir=" + (dir / "plugins").string()},
                         env.data(), false);
  for (int attempt = 0; pid > 0 && attempt < 1000; ++attempt) {
    if (pingOnce(address)) return pid;
    std::this_thread::sleep_for(10ms);
  }
  if (pid > 0) ::kill(pid, SIGKILL), ::waitpid(pid, nullptr, 0);
  return -1;
}

void pinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (::sched_setaffinity(0, sizeof set, &set) != 0) std::perror("sched_setaffinity");
}

void stopChild(pid_t pid) {
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
}

}  // namespace

int main(int argc, char** argv) {
  int requests = 20000;
  double seconds = 2.0;
  bool check = false;
  std::string placement = "free";
  std::string baseline_binary;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--requests" && i + 1 < argc)
      requests = std::atoi(argv[++i]);
    else if (arg == "--seconds" && i + 1 < argc)
      seconds = std::atof(argv[++i]);
    else if (arg == "--placement" && i + 1 < argc)
      placement = argv[++i];
    else if (arg == "--check")
      check = true;
    else if (arg == "--baseline" && i + 1 < argc)
      baseline_binary = argv[++i];
    else {
      std::fprintf(stderr,
                   "usage: %s [--requests N] [--seconds S] [--placement free|same|cross] [--check] "
                   "[--baseline OXD]\n",
                   argv[0]);
      return 2;
    }
  }

  char pattern[] = "/tmp/oxbench-XXXXXX";
  if (!::mkdtemp(pattern)) return 1;
  std::filesystem::path dir = pattern;

  Target oxd{"oxd", addressOf((dir / "oxd.sock").string()), {}, 0, 0};
  Target c{"c_responder", addressOf((dir / "c.sock").string()), {}, 0, 0};
  // Children inherit the affinity they are spawned with, threads and all.
  if (placement != "free") pinTo(placement == "same" ? 0 : 1);
  pid_t daemon = spawnOxd(OXD_BINARY, dir / "oxd", oxd.address);
  Target base{"baseline", addressOf((dir / "base.sock").string()), {}, 0, 0};
  pid_t baseline =
      baseline_binary.empty() ? 0 : spawnOxd(baseline_binary, dir / "base", base.address);
  pid_t responder = spawnChild({OXD_C_RESPONDER, c.address.sun_path}, environ, true);
  if (placement != "free") pinTo(0);
  if (daemon <= 0 || responder <= 0 || baseline < 0) {
    std::fprintf(
        stderr, "cannot start %s\n",
        daemon <= 0 ? OXD_BINARY : (responder <= 0 ? OXD_C_RESPONDER : baseline_binary.c_str()));
    if (baseline > 0) stopChild(baseline);
    if (daemon > 0) stopChild(daemon);
    if (responder > 0) stopChild(responder);
    std::filesystem::remove_all(dir);
    return 1;
  }

  // Warm both up, then interleave blocks so drift (frequency, noise) hits both alike.
  measureLatency(oxd, 2000);
  measureLatency(c, 2000);
  if (baseline > 0) measureLatency(base, 2000);
  oxd.latencies_us.clear();
  c.latencies_us.clear();
  base.latencies_us.clear();
  constexpr int kBlock = 200;
  for (int done = 0; done < requests; done += kBlock) {
    measureLatency(oxd, kBlock);
    measureLatency(c, kBlock);
    if (baseline > 0) measureLatency(base, kBlock);
  }
  auto half = std::chrono::duration<double>(seconds / 2);
  for (int round = 0; round < 2; ++round) {
    oxd.requests_per_second += measureThroughput(oxd, 8, half) / 2;
    c.requests_per_second += measureThroughput(c, 8, half) / 2;
  }

  stopChild(daemon);
  stopChild(responder);
  if (baseline > 0) stopChild(baseline);
  std::filesystem::remove_all(dir);

  double p50 = percentile(oxd.latencies_us, 0.50), c_p50 = percentile(c.latencies_us, 0.50);
  double p99 = percentile(oxd.latencies_us, 0.99), c_p99 = percentile(c.latencies_us, 0.99);
  double ratio50 = p50 / c_p50, ratio99 = p99 / c_p99;
  double ratio_rps = oxd.requests_per_second / c.requests_per_second;
  std::printf(
      "connect-per-request ping, %d requests each, 8-client throughput over %.1f s each, "
      "placement %s\n",
      requests, seconds, placement.c_str());
  std::printf("%-22s %12s %12s %8s %8s\n", "", "oxd", "c_responder", "ratio", "target");
  std::printf("%-22s %12.1f %12.1f %8.2f %8s\n", "p50 latency (us)", p50, c_p50, ratio50, "<=1.3");
  std::printf("%-22s %12.1f %12.1f %8.2f %8s\n", "p99 latency (us)", p99, c_p99, ratio99, "<=2.0");
  std::printf("%-22s %12.0f %12.0f %8.2f %8s\n", "8 clients (req/s)", oxd.requests_per_second,
              c.requests_per_second, ratio_rps, ">=0.5");
  std::printf("failed requests: oxd %zu, c_responder %zu\n", oxd.failures, c.failures);
  if (baseline > 0) {
    double b50 = percentile(base.latencies_us, 0.50), b99 = percentile(base.latencies_us, 0.99);
    std::printf(
        "against %s (%zu failed): p50 %.1f vs %.1f us (%+.2f us, %.3fx), "
        "p99 %.1f vs %.1f us (%+.2f us)\n",
        baseline_binary.c_str(), base.failures, p50, b50, p50 - b50, p50 / b50, p99, b99,
        p99 - b99);
  }
  bool met = ratio50 <= 1.3 && ratio99 <= 2.0 && ratio_rps >= 0.5 && oxd.failures == 0;
  std::printf("targets %s\n", met ? "met" : "NOT met");
  return check && !met ? 1 : 0;
}
