// A full or read-only disk under the real daemon (docs/reliability.md#a-full-or-read-only-disk):
// the workspace's data dir on a small tmpfs that the test fills, an index dir bound read-only.
// The tests run as root; where mounting is refused they skip and say so.

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "CodedbFixture.h"
#include "common/Paths.h"

namespace oxd::testing {
namespace {

namespace fs = std::filesystem;

// A mount for the test's length; lazily detached at the end, so a daemon still holding a file
// there does not keep it.
class Mount {
 public:
  // A tmpfs of `size` at `dir`.
  static Mount Tmpfs(const fs::path& dir, const std::string& size) {
    fs::create_directories(dir);
    std::string options = "size=" + size + ",mode=0700";
    return Mount(dir, ::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0);
  }
  // `dir` bound onto itself read-only.
  static Mount ReadOnlyBind(const fs::path& dir) {
    if (::mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0) return Mount(dir, false);
    Mount bound(dir, true);
    if (::mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
      bound.error_ = std::strerror(errno);
      bound.Release();
    }
    return bound;
  }
  Mount(Mount&& other) noexcept
      : dir_(other.dir_), mounted_(std::exchange(other.mounted_, false)), error_(other.error_) {}
  ~Mount() { Release(); }
  void Release() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    mounted_ = false;
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  Mount(fs::path dir, bool mounted)
      : dir_(std::move(dir)), mounted_(mounted), error_(mounted ? "" : std::strerror(errno)) {}
  fs::path dir_;
  bool mounted_;
  std::string error_;
};

// Writes `path` until the file system refuses another byte.
void FillUp(const fs::path& path) {
  std::ofstream out(path, std::ios::binary);
  std::string chunk(64 * 1024, 'f');
  while (out.write(chunk.data(), static_cast<std::streamsize>(chunk.size())) && out.flush()) {
  }
}

class DiskFullTest : public CodedbFixture {
 protected:
  nlohmann::json IssueOf(const std::string& type, const std::string& area) {
    for (const nlohmann::json& issue : IssuesOfType(type)) {
      if (issue.value("repo", "") == area) return issue;
    }
    return nullptr;
  }
};

TEST_F(DiskFullTest, AFullDiskFailsWhisperWritesCleanlyRaisesDiskFullAndHealsWhenSpaceReturns) {
  fs::path own = oxd::paths::workspaceDataDir(workspaceId());
  Mount disk = Mount::Tmpfs(own, "4m");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.error() << ")";
  ASSERT_NO_FATAL_FAILURE(StartCodedb({}, /*with_whisper=*/true));
  std::vector<std::string> acked;
  auto add = [&](const std::string& content) {
    json reply = request("whisper_add", {{"content", content}});
    if (reply.value("success", false)) acked.push_back(reply["data"].value("id", ""));
    return reply;
  };
  ASSERT_TRUE(add("before the disk filled up")["success"]);

  FillUp(own / "filler");
  std::string failure;
  for (int i = 0; i < 400 && failure.empty(); ++i) {
    json reply = add("while full " + std::to_string(i) + " " + std::string(2000, 'x'));
    if (!reply.value("success", false)) failure = reply.value("error", "");
  }
  ASSERT_FALSE(failure.empty()) << "no whisper_add failed on a full disk";
  EXPECT_TRUE(failure.starts_with("whisper store: ")) << failure;
  json issue = IssueOf("disk_full", "whisper");
  ASSERT_FALSE(issue.is_null()) << Status().dump(2);
  EXPECT_EQ(issue.value("severity", ""), "error");
  EXPECT_NE(issue.value("summary", "").find("the disk is full"), std::string::npos) << issue;
  EXPECT_TRUE(request("ping").value("success", false)) << "the daemon serves on";

  fs::remove(own / "filler");
  ASSERT_TRUE(add("after space returned")["success"]);
  EXPECT_TRUE(IssueOf("disk_full", "whisper").is_null()) << "cleared by the next write";
  // Nothing acknowledged was lost.
  json reply = request("whispers", {{"agent_id", "Ox1"}});
  ASSERT_TRUE(reply.value("success", false)) << reply.dump();
  std::set<std::string> delivered;
  for (const json& entry : reply["data"]["entries"]) delivered.insert(entry.value("id", ""));
  for (const std::string& id : acked) EXPECT_TRUE(delivered.contains(id)) << id << " was lost";
}

TEST_F(DiskFullTest, OnAReadOnlyIndexDirSearchesWorkAndIndexingRaisesReadOnlyUntilItIsWritable) {
  InitProject({{"src/a.cpp", "int needle_one = 1;\n"}});
  ASSERT_NO_FATAL_FAILURE(StartCodedb());
  ASSERT_TRUE(WaitIndexed(1)) << CodeStatus().dump(2);
  ASSERT_TRUE(stopDaemon());
  CommitProject({{"src/b.cpp", "int needle_two = 2;\n"}}, "second");

  fs::path index_dir = oxd::paths::workspaceDataDir(workspaceId()) / "codedb";
  Mount read_only = Mount::ReadOnlyBind(index_dir);
  if (!read_only.mounted())
    GTEST_SKIP() << "cannot bind a read-only mount (" << read_only.error() << ")";
  ASSERT_NO_FATAL_FAILURE(StartCodedb());
  EXPECT_EQ(Paths({{"query", "needle_one"}}), std::set<std::string>{"src/a.cpp"})
      << "a search only reads";
  // The run at start finds a commit to index and cannot write it.
  ASSERT_TRUE(WaitFor([&] { return !IssueOf("read_only", "codedb").is_null(); }))
      << Status().dump(2);

  read_only.Release();
  json indexed = request("code_index", json::object(), std::chrono::seconds(60));
  EXPECT_TRUE(indexed.value("success", false)) << indexed.dump();
  EXPECT_TRUE(WaitFor([&] { return IssueOf("read_only", "codedb").is_null(); }));
  EXPECT_EQ(Paths({{"query", "needle_two"}}), std::set<std::string>{"src/b.cpp"});
}

}  // namespace
}  // namespace oxd::testing
