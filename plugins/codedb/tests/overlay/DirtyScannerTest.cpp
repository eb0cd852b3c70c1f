// DirtyScanner against git status: change kinds, ignored files, renames, staged changes,
// content reuse by stamp, incremental refresh equal to a full rescan, skip rules.
#include <gtest/gtest.h>

#include <filesystem>

#include "OverlayTestSupport.h"
#include "overlay/DirtyScanner.h"

namespace oxd::codedb::test {
namespace {
namespace fs = std::filesystem;

class DirtyScannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = dir_.path() + "/repo";
    InitRepo(repo_, {{"a.cpp", "int a() { return 1; }\n"},
                     {"src/b.py", "def b():\n    return 2\n"},
                     {"src/deep/c.txt", "c\n"},
                     {"gone.txt", "bye\n"},
                     {".gitignore", "*.log\nbuild/\n"}});
  }

  TempDir dir_;
  std::string repo_;
};

TEST_F(DirtyScannerTest, ListsWhatGitStatusLists) {
  WriteFile(repo_ + "/a.cpp", "int a() { return 3; }\n");
  fs::remove(repo_ + "/gone.txt");
  WriteFile(repo_ + "/new/x.go", "package x\n");
  WriteFile(repo_ + "/staged.rs", "fn s() {}\n");
  Git(repo_, {"add", "staged.rs"});
  WriteFile(repo_ + "/ignored.log", "noise\n");
  WriteFile(repo_ + "/build/out.o", "noise\n");
  fs::rename(repo_ + "/src/b.py", repo_ + "/src/renamed.py");

  DirtyScanner scanner(repo_);
  OverlaySnapshotPtr snapshot = scanner.Rescan();
  EXPECT_EQ(SnapshotStatus(*snapshot), GitStatus(repo_));
  EXPECT_EQ(SnapshotStatus(*snapshot),
            (std::map<std::string, std::string>{{"a.cpp", "modified"},
                                                {"gone.txt", "deleted"},
                                                {"new/x.go", "untracked"},
                                                {"src/b.py", "deleted"},
                                                {"src/renamed.py", "untracked"},
                                                {"staged.rs", "added"}}));
  const DirtyFile* modified = snapshot->Find("a.cpp");
  ASSERT_NE(modified, nullptr);
  EXPECT_EQ(modified->content->text, "int a() { return 3; }\n");
  EXPECT_EQ(modified->content->language, Language::kCpp);
  ASSERT_EQ(modified->content->extraction.symbols.size(), 1u);
  EXPECT_EQ(modified->content->extraction.symbols[0].name, "a");
  EXPECT_EQ(snapshot->Find("gone.txt")->content, nullptr);
  EXPECT_TRUE(snapshot->Hides("a.cpp"));
  EXPECT_TRUE(snapshot->Hides("gone.txt"));
  EXPECT_FALSE(snapshot->Hides("src/deep/c.txt"));
  EXPECT_EQ(snapshot->head(), RevParse(repo_, "HEAD"));
}

TEST_F(DirtyScannerTest, UnchangedFilesKeepTheirContent) {
  WriteFile(repo_ + "/a.cpp", "int a() { return 3; }\n");
  WriteFile(repo_ + "/u.txt", "untracked\n");
  DirtyScanner scanner(repo_);
  OverlaySnapshotPtr first = scanner.Rescan();
  WriteFile(repo_ + "/u.txt", "untracked, changed\n");
  OverlaySnapshotPtr second = scanner.Rescan();
  EXPECT_EQ(first->Find("a.cpp")->content, second->Find("a.cpp")->content);  // same object
  EXPECT_NE(first->Find("u.txt")->content, second->Find("u.txt")->content);
  EXPECT_EQ(second->Find("u.txt")->content->text, "untracked, changed\n");
  // Staging changes the kind, not the file: the content is still shared.
  Git(repo_, {"add", "u.txt"});
  OverlaySnapshotPtr third = scanner.Rescan();
  EXPECT_EQ(third->Find("u.txt")->change, DirtyChange::kAdded);
  EXPECT_EQ(third->Find("u.txt")->content, second->Find("u.txt")->content);
}

TEST_F(DirtyScannerTest, RefreshEqualsRescan) {
  DirtyScanner scanner(repo_);
  scanner.Rescan();
  std::uint64_t rescans = scanner.rescans();
  WriteFile(repo_ + "/src/b.py", "def b():\n    return 5\n");
  WriteFile(repo_ + "/fresh/one/two.txt", "two\n");
  OverlaySnapshotPtr refreshed = scanner.Refresh({"src/b.py", "fresh"});
  EXPECT_EQ(scanner.rescans(), rescans);  // incremental
  EXPECT_EQ(SnapshotStatus(*refreshed), GitStatus(repo_));
  // A deleted directory and a reverted file disappear or change by their paths alone.
  fs::remove_all(repo_ + "/src/deep");
  WriteFile(repo_ + "/src/b.py", "def b():\n    return 2\n");
  fs::remove_all(repo_ + "/fresh");
  refreshed = scanner.Refresh({"src/deep", "src/b.py", "fresh"});
  EXPECT_EQ(scanner.rescans(), rescans);
  EXPECT_EQ(SnapshotStatus(*refreshed), GitStatus(repo_));
  EXPECT_EQ(SnapshotStatus(*refreshed),
            (std::map<std::string, std::string>{{"src/deep/c.txt", "deleted"}}));
  // Staging changes the index: the refresh turns into a rescan.
  Git(repo_, {"add", "-A"});
  refreshed = scanner.Refresh({"src/deep"});
  EXPECT_EQ(scanner.rescans(), rescans + 1);
  EXPECT_EQ(SnapshotStatus(*refreshed), GitStatus(repo_));
}

TEST_F(DirtyScannerTest, SkippedFilesAreListedButNotSearchable) {
  WriteFile(repo_ + "/blob.bin", std::string("\0\1\2binary", 9));
  WriteFile(repo_ + "/big.txt", std::string(2 * 1024 * 1024, 'x'));
  fs::create_symlink("a.cpp", repo_ + "/link");
  DirtyScanner scanner(repo_);
  OverlaySnapshotPtr snapshot = scanner.Rescan();
  EXPECT_EQ(SnapshotStatus(*snapshot), GitStatus(repo_));
  EXPECT_EQ(snapshot->Find("blob.bin")->content->skip_reason, "binary");
  EXPECT_EQ(snapshot->Find("big.txt")->content->skip_reason, "too_large");
  EXPECT_TRUE(snapshot->Find("big.txt")->content->text.empty());
  EXPECT_EQ(snapshot->Find("link")->content->skip_reason, "symlink");
  for (const char* path : {"blob.bin", "big.txt", "link"}) {
    EXPECT_FALSE(snapshot->Find(path)->searchable()) << path;
  }
}

TEST_F(DirtyScannerTest, ThrowsOutsideARepository) {
  EXPECT_THROW(DirtyScanner(dir_.path()), std::runtime_error);
}

}  // namespace
}  // namespace oxd::codedb::test
