#include "common/DaemonRegistry.h"

#include "StateTestSupport.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <thread>

namespace oxd::registry {
namespace {

using namespace std::chrono_literals;

DaemonEntry entry(const std::string& wsid, pid_t pid = ::getpid(), const std::string& repo = "") {
  DaemonEntry out;
  out.workspace_id = wsid;
  out.workspace_path = "/work/" + wsid;
  out.repo_id = repo;
  out.socket_path = "/run/oxd/oxd-" + wsid + ".sock";
  out.pid = pid;
  out.version = "0.1.0+test";
  out.started_at = std::chrono::system_clock::time_point{} + 1'700'000'000s + 123456789ns;
  return out;
}

class DaemonRegistryTest : public ::testing::Test {
 protected:
  std::filesystem::path file() const { return dir / "runtime" / "registry.json"; }
  DaemonRegistry registry() const { return DaemonRegistry(file()); }

  testing::TempDir dir;
};

TEST_F(DaemonRegistryTest, MissingFileIsEmpty) {
  EXPECT_TRUE(registry().list().empty());
  EXPECT_FALSE(registry().findByWorkspaceId("abcd1234"));
  EXPECT_FALSE(registry().remove("abcd1234"));
}

TEST_F(DaemonRegistryTest, UpsertFindAndRemove) {
  registry().upsert(entry("aaaa0001", ::getpid(), "repo_1"));
  registry().upsert(entry("bbbb0002"));
  DaemonEntry updated = entry("aaaa0001", ::getpid(), "repo_1");
  updated.workspace_path = "/moved";
  registry().upsert(updated);

  auto all = registry().list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], updated);
  EXPECT_EQ(registry().findByWorkspaceId("bbbb0002"), entry("bbbb0002"));
  EXPECT_EQ(registry().findByRepoId("repo_1")->workspace_id, "aaaa0001");
  EXPECT_FALSE(registry().findByRepoId(""));  // empty arguments find nothing
  EXPECT_FALSE(registry().findByWorkspaceId(""));
  EXPECT_TRUE(registry().remove("aaaa0001"));
  EXPECT_EQ(registry().list().size(), 1u);
}

TEST_F(DaemonRegistryTest, FileFormatIsTheSpecsPrettyPrinted) {
  registry().upsert(entry("aaaa0001", 4242, "repo_1"));
  registry().upsert(entry("bbbb0002", 4243));
  std::string text = testing::readText(file());
  EXPECT_NE(
      text.find("{\n  \"daemons\": {\n    \"aaaa0001\": {\n      \"workspace_id\": \"aaaa0001\""),
      std::string::npos)
      << text;
  auto document = nlohmann::ordered_json::parse(text);
  std::vector<std::string> keys;
  for (auto& [key, value] : document["daemons"]["aaaa0001"].items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"workspace_id", "workspace_path", "repo_id",
                                            "socket_path", "pid", "version", "started_at"}));
  EXPECT_FALSE(document["daemons"]["bbbb0002"].contains("repo_id"));
  EXPECT_EQ(document["daemons"]["aaaa0001"]["pid"], 4242);
  EXPECT_EQ(document["daemons"]["aaaa0001"]["started_at"], "2023-11-14T22:13:20.123456789Z");

  struct stat info {};
  ASSERT_EQ(::stat(file().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(file().parent_path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  for (auto& item : std::filesystem::directory_iterator(file().parent_path())) {
    EXPECT_NE(item.path().extension(), ".tmp") << item.path();
  }
}

TEST_F(DaemonRegistryTest, UnparsableOrOddFilesReadAsEmptyAndAreOverwritten) {
  std::filesystem::create_directories(file().parent_path());
  for (const char* contents :
       {"", "not json", "[]", "{}", "{\"daemons\": 3}", "{\"daemons\": {\"x\": 5}}"}) {
    testing::writeText(file(), contents);
    EXPECT_TRUE(registry().list().empty()) << contents;
    registry().upsert(entry("aaaa0001"));
    EXPECT_EQ(registry().list().size(), 1u) << contents;
  }
}

TEST_F(DaemonRegistryTest, DamagedFieldsDefaultWithoutLosingTheEntry) {
  std::filesystem::create_directories(file().parent_path());
  testing::writeText(file(), R"({"daemons": {"abcd1234": {"pid": "x", "version": 3,
      "started_at": "2026-03-12T11:09:05.5-07:00", "socket_path": "/s"}}})");
  auto found = registry().findByWorkspaceId("abcd1234");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->pid, 0);
  EXPECT_EQ(found->version, "");
  EXPECT_EQ(found->socket_path, "/s");
  EXPECT_EQ(DaemonRegistry::formatTime(found->started_at), "2026-03-12T18:09:05.5Z");
}

TEST_F(DaemonRegistryTest, TimeFormatRoundTrips) {
  using Clock = std::chrono::system_clock;
  EXPECT_EQ(DaemonRegistry::formatTime(Clock::time_point{}), "0001-01-01T00:00:00Z");
  EXPECT_EQ(DaemonRegistry::parseTime("0001-01-01T00:00:00Z"), Clock::time_point{});
  auto now = Clock::now();
  EXPECT_EQ(DaemonRegistry::parseTime(DaemonRegistry::formatTime(now)), now);
  EXPECT_FALSE(DaemonRegistry::parseTime("yesterday"));
  EXPECT_FALSE(DaemonRegistry::parseTime("2026-03-12T11:09:05"));
}

TEST_F(DaemonRegistryTest, RemoveIfPidSparesANewerDaemonsEntry) {
  registry().upsert(entry("aaaa0001", 1111));
  EXPECT_FALSE(registry().removeIfPid("aaaa0001", 2222));
  EXPECT_TRUE(registry().findByWorkspaceId("aaaa0001"));
  EXPECT_TRUE(registry().removeIfPid("aaaa0001", 1111));
  EXPECT_FALSE(registry().findByWorkspaceId("aaaa0001"));
}

TEST_F(DaemonRegistryTest, PruneDeadDropsOnlyDeadPids) {
  registry().upsert(entry("alive001", ::getpid()));
  registry().upsert(entry("dead0001", testing::deadPid()));
  registry().upsert(entry("init0001", 1));  // alive (EPERM would count as alive too)
  auto removed = registry().pruneDead();
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].workspace_id, "dead0001");
  EXPECT_EQ(registry().list().size(), 2u);
  EXPECT_TRUE(registry().pruneDead().empty());
}

TEST_F(DaemonRegistryTest, ConcurrentUpsertsFromEightThreadsLoseNothing) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      DaemonRegistry shared = registry();
      for (int i = 0; i < 50; ++i) {
        shared.upsert(entry("t" + std::to_string(t) + "-" + std::to_string(i)));
        if (i % 10 == 0) shared.list();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(registry().list().size(), 400u);
}

TEST_F(DaemonRegistryTest, ConcurrentUpsertsFromSeveralProcessesLoseNothing) {
  std::vector<pid_t> children;
  for (int p = 0; p < 4; ++p) {
    pid_t child = ::fork();
    if (child == 0) {
      try {
        for (int i = 0; i < 25; ++i)
          registry().upsert(entry("p" + std::to_string(p) + "-" + std::to_string(i)));
      } catch (...) {
        ::_exit(1);
      }
      ::_exit(0);
    }
    children.push_back(child);
  }
  for (pid_t child : children) {
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  EXPECT_EQ(registry().list().size(), 100u);
}

}  // namespace
}  // namespace oxd::registry
