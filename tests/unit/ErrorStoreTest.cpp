#include "state/ErrorStore.h"

#include "StateTestSupport.h"

#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <thread>

namespace oxd::core {
namespace {

using namespace std::chrono_literals;
using testing::ManualClock;
using testing::TempDir;

class ErrorStoreTest : public ::testing::Test {
 protected:
  std::filesystem::path file() const { return dir / "state" / "errors.json"; }
  ErrorStore open() { return ErrorStore(file(), clock.source()); }

  TempDir dir;
  ManualClock clock;
};

TEST_F(ErrorStoreTest, AddSetsIdTimestampAndUnviewed) {
  ErrorStore store = open();
  store.add("sync_failed", "ledger fetch failed", sdk::Severity::Error);
  auto unviewed = store.unviewed();
  ASSERT_EQ(unviewed.size(), 1u);
  EXPECT_EQ(unviewed[0].id.size(), 8u);
  EXPECT_EQ(unviewed[0].id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(unviewed[0].timestamp, clock.now());
  EXPECT_EQ(unviewed[0].severity, "error");
  EXPECT_EQ(unviewed[0].code, "sync_failed");
  EXPECT_FALSE(unviewed[0].viewed);
  EXPECT_EQ(store.unviewedCount(), 1u);
  EXPECT_EQ(store.path(), file());
}

TEST_F(ErrorStoreTest, SameCodeReplacesTheEntryAndKeepsItsId) {
  ErrorStore store = open();
  std::string first = store.add(StoredError{"", "first", "network_error", {}, false, "warning"});
  store.markViewed(first);
  clock.advance(1min);
  std::string second = store.add(StoredError{"", "second", "network_error", {}, false, "error"});
  EXPECT_EQ(first, second);
  ASSERT_EQ(store.count(), 1u);
  auto entry = store.all()[0];
  EXPECT_EQ(entry.message, "second");
  EXPECT_EQ(entry.severity, "error");
  EXPECT_EQ(entry.timestamp, clock.now());
  EXPECT_FALSE(entry.viewed);  // viewed comes from the new error
  // An empty code never deduplicates.
  store.add("", "one", sdk::Severity::Warning);
  store.add("", "two", sdk::Severity::Warning);
  EXPECT_EQ(store.count(), 3u);
}

TEST_F(ErrorStoreTest, MarkOneAndMarkAll) {
  ErrorStore store = open();
  std::string a = store.add(StoredError{"", "a", "a", {}, false, "error"});
  store.add(StoredError{"", "b", "b", {}, false, "error"});
  store.add(StoredError{"", "c", "c", {}, false, "error"});
  EXPECT_TRUE(store.markViewed(a));
  EXPECT_FALSE(store.markViewed(a));
  EXPECT_FALSE(store.markViewed("nope"));
  EXPECT_EQ(store.unviewedCount(), 2u);
  EXPECT_EQ(store.markAllViewed(), 2u);
  EXPECT_EQ(store.markAllViewed(), 0u);
  EXPECT_EQ(store.unviewedCount(), 0u);
  EXPECT_EQ(store.unviewedJson()->size(), 0u);
}

TEST_F(ErrorStoreTest, UnviewedIsNewestFirst) {
  ErrorStore store = open();
  store.add("old", "old", sdk::Severity::Error);
  clock.advance(1s);
  store.add("new", "new", sdk::Severity::Error);
  clock.advance(-10s);
  store.add("older", "older", sdk::Severity::Warning);
  auto json = store.unviewedJson();
  ASSERT_EQ(json->size(), 3u);
  EXPECT_EQ(json->getObject(0)->getValue<std::string>("code"), "new");
  EXPECT_EQ(json->getObject(2)->getValue<std::string>("code"), "older");
  EXPECT_EQ(json->getObject(0)->getNames(),
            (std::vector<std::string>{"id", "message", "code", "timestamp", "viewed", "severity"}));
  EXPECT_EQ(store.lastError()->code, "new");
}

TEST_F(ErrorStoreTest, CleanupDropsEntriesOlderThanMaxAge) {
  ErrorStore store = open();
  store.add("old", "old", sdk::Severity::Error);
  clock.advance(2h);
  store.add("new", "new", sdk::Severity::Error);
  EXPECT_EQ(store.cleanup(3h), 0u);
  EXPECT_EQ(store.cleanup(1h), 1u);
  ASSERT_EQ(store.count(), 1u);
  EXPECT_EQ(store.all()[0].code, "new");
  EXPECT_EQ(open().count(), 1u);  // persisted
}

TEST_F(ErrorStoreTest, RecentCountAndLastErrorFeedStatus) {
  ErrorStore store = open();
  EXPECT_FALSE(store.lastError());
  store.add("a", "a", sdk::Severity::Error);
  clock.advance(2h);
  store.add("b", "b", sdk::Severity::Error);
  store.add("c", "c", sdk::Severity::Warning);
  EXPECT_EQ(store.recentCount(1h), 2u);
  EXPECT_EQ(store.recentCount(3h), 3u);
}

TEST_F(ErrorStoreTest, SurvivesReopen) {
  std::string id;
  {
    ErrorStore store = open();
    id = store.add(StoredError{"", "disk is full", "disk_full", {}, false, "error"});
    store.add("auth_expired", "token expired", sdk::Severity::Warning);
    store.markViewed(id);
  }
  ErrorStore reopened = open();
  ASSERT_EQ(reopened.count(), 2u);
  EXPECT_EQ(reopened.unviewedCount(), 1u);
  auto all = reopened.all();
  auto disk = std::find_if(all.begin(), all.end(), [](auto& e) { return e.code == "disk_full"; });
  ASSERT_NE(disk, all.end());
  EXPECT_EQ(disk->id, id);
  EXPECT_TRUE(disk->viewed);
  EXPECT_EQ(disk->timestamp, clock.now());
}

TEST_F(ErrorStoreTest, AwkwardTextSurvivesReopen) {
  const std::string message = "quote \" backslash \\ newline \n tab \t slash / ünïcödé \x01";
  { open().add("network_error", message, sdk::Severity::Warning); }
  ASSERT_EQ(open().count(), 1u);
  EXPECT_EQ(open().all()[0].message, message);
}

TEST_F(ErrorStoreTest, ClearPersistsAnEmptyArray) {
  {
    ErrorStore store = open();
    store.add("a", "a", sdk::Severity::Error);
    store.clear();
  }
  EXPECT_EQ(open().count(), 0u);
  Poco::JSON::Parser parser;
  auto root = parser.parse(testing::readText(file()));
  ASSERT_EQ(root.type(), typeid(Poco::JSON::Array::Ptr));
}

TEST_F(ErrorStoreTest, FileIsPrivateIndentedAndLeavesNoTempFile) {
  ErrorStore store = open();
  store.add("a", "a", sdk::Severity::Error);
  struct stat info {};
  ASSERT_EQ(::stat(file().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(file().parent_path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  std::string text = testing::readText(file());
  EXPECT_NE(text.find("\n  {"), std::string::npos) << text;
  for (auto& entry : std::filesystem::directory_iterator(file().parent_path())) {
    EXPECT_NE(entry.path().extension(), ".tmp") << entry.path();
  }
}

TEST_F(ErrorStoreTest, MissingEmptyAndCorruptFilesGiveAWorkingEmptyStore) {
  for (const char* contents :
       {"", "   \n", "{not json", "{\"an\":\"object\"}", "[1, \"x\", null]"}) {
    std::filesystem::create_directories(file().parent_path());
    testing::writeText(file(), contents);
    ErrorStore store = open();
    EXPECT_EQ(store.count(), 0u) << contents;
    store.add("sync_failed", "boom", sdk::Severity::Error);
    EXPECT_EQ(open().count(), 1u) << contents;
    std::filesystem::remove(file());
  }
}

TEST_F(ErrorStoreTest, IdsAreUniqueOverAThousandAdds) {
  ErrorStore store(dir / "many.json", clock.source());
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i)
    ids.insert(store.add(StoredError{"", "m", "code" + std::to_string(i), {}, false, "error"}));
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_EQ(store.count(), 1000u);
}

TEST_F(ErrorStoreTest, AnIdAlreadyTakenIsReplacedOnAdd) {
  ErrorStore store = open();
  store.add(StoredError{"abcdef01", "a", "a", {}, false, "error"});
  std::string second = store.add(StoredError{"abcdef01", "b", "b", {}, false, "error"});
  EXPECT_NE(second, "abcdef01");
}

TEST_F(ErrorStoreTest, UnwritableLocationDoesNotThrowAndKeepsErrorsInMemory) {
  // A regular file where the directory should be: fails even for root.
  testing::writeText(dir / "blocker", "x");
  ErrorStore store(dir / "blocker" / "errors.json", clock.source());
  EXPECT_NO_THROW(store.add("disk_full", "no space", sdk::Severity::Error));
  EXPECT_NO_THROW(store.markAllViewed());
  EXPECT_EQ(store.count(), 1u);
  EXPECT_FALSE(store.persisted());
}

TEST_F(ErrorStoreTest, ReadOnlyDirectoryDoesNotThrow) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  std::filesystem::create_directories(dir / "ro");
  ::chmod((dir / "ro").c_str(), 0500);
  ErrorStore store(dir / "ro" / "errors.json", clock.source());
  EXPECT_NO_THROW(store.add("permission_denied", "read-only", sdk::Severity::Error));
  EXPECT_EQ(store.count(), 1u);
  EXPECT_FALSE(store.persisted());
}

TEST_F(ErrorStoreTest, WritesResumeAfterTheLocationRecovers) {
  testing::writeText(dir / "later", "x");
  ErrorStore store(dir / "later" / "errors.json", clock.source());
  store.add("a", "a", sdk::Severity::Error);
  EXPECT_FALSE(store.persisted());
  std::filesystem::remove(dir / "later");
  store.add("b", "b", sdk::Severity::Error);
  EXPECT_TRUE(store.persisted());
  EXPECT_EQ(ErrorStore(dir / "later" / "errors.json").count(), 2u);
}

TEST_F(ErrorStoreTest, ConcurrentAddsMarksAndReadsAreSafeAndTheFileEndsCurrent) {
  ErrorStore store = open();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        std::string id = store.add(StoredError{
            "", "m", "c" + std::to_string(t) + "-" + std::to_string(i), {}, false, "error"});
        store.markViewed(id);
        store.unviewedJson();
        store.recentCount(1h);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(store.count(), 160u);
  ErrorStore reopened = open();
  EXPECT_EQ(reopened.count(), 160u);
  EXPECT_EQ(reopened.unviewedCount(), 0u);
}

}  // namespace
}  // namespace oxd::core
