#include "TestRepo.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace oxd::codedb::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "oxd-codedb-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& directory) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) {
    return {};
  }
  pid_t child = fork();
  if (child == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    if (chdir(directory.c_str()) != 0) {
      _exit(126);
    }
    std::vector<char*> args;
    for (const std::string& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  CommandResult result;
  char buffer[65536];
  ssize_t got = 0;
  while ((got = read(pipe_fds[0], buffer, sizeof buffer)) > 0) {
    result.out.append(buffer, static_cast<std::size_t>(got));
  }
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string Git(const std::string& repo, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"git",
                                   "-c",
                                   "user.name=Test",
                                   "-c",
                                   "user.email=t@example.com",
                                   "-c",
                                   "commit.gpgsign=false"};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult result = RunCommand(argv, repo);
  if (result.exit_code != 0) {
    ADD_FAILURE() << "git " << args.front() << " failed with " << result.exit_code;
  }
  return result.out;
}

std::string RevParse(const std::string& repo, const std::string& revision) {
  std::string out = Git(repo, {"rev-parse", revision + "^{commit}"});
  return out.substr(0, out.find('\n'));
}

namespace {

// The cached fixture for this script's content: built in a private directory, then renamed into
// place, so concurrent test processes never see a half-built one.
std::string CachedFixture() {
  std::ifstream script(OXD_CODEDB_FIXTURE_SCRIPT);
  std::stringstream content;
  content << script.rdbuf();
  std::string key = std::to_string(std::hash<std::string>{}(content.str()));
  fs::path cached = fs::temp_directory_path() / ("oxd-codedb-fixture-" + key);
  if (fs::exists(cached / ".git")) {
    return cached.string();
  }
  std::string building = cached.string() + ".building-" + std::to_string(getpid());
  CommandResult made = RunCommand({"bash", OXD_CODEDB_FIXTURE_SCRIPT, building}, ".");
  if (made.exit_code != 0) {
    throw std::runtime_error("make_fixture.sh failed");
  }
  std::error_code raced;
  fs::rename(building, cached, raced);
  if (raced) {
    fs::remove_all(building, raced);
  }
  return cached.string();
}

}  // namespace

std::string CopyFixture(const std::string& parent) {
  std::string copy = parent + "/repo";
  CommandResult copied = RunCommand({"cp", "-a", CachedFixture(), copy}, parent);
  if (copied.exit_code != 0) {
    throw std::runtime_error("copying the fixture failed");
  }
  return copy;
}

std::vector<std::string> SkippedFileExclusions() {
  return {":!data/large.txt", ":!legacy/latin1.txt"};
}

IndexReport IndexOrFail(const std::string& repo, const std::string& index, IndexOptions options) {
  IndexReport report = IndexHistory(repo, index, options);
  EXPECT_TRUE(report.ok) << report.error;
  return report;
}

SearchResult SearchAny(const std::string& index, const SearchQuery& query) {
  std::string error;
  auto search = SearchIndex::Open(index, error);
  if (search == nullptr) {
    ADD_FAILURE() << error;
    return {};
  }
  return search->Search(query);
}

SearchResult SearchOrFail(const std::string& index, const SearchQuery& query) {
  SearchResult result = SearchAny(index, query);
  EXPECT_TRUE(result.ok) << query.query << ": " << result.error;
  return result;
}

std::string Describe(const SearchResult& result) {
  std::ostringstream out;
  out << "ok=" << result.ok << " error=" << result.error << " total=" << result.total
      << (result.total_exact ? "" : "+") << "\n";
  for (const SearchHit& hit : result.hits) {
    out << hit.path << ":" << hit.line << ":" << hit.column << " " << hit.kind << " [" << hit.symbol
        << "|" << hit.symbol_kind << "|" << hit.container << "|" << hit.language << "] "
        << hit.commit << ".." << hit.removed_in << " " << hit.snippet << "\n";
  }
  return out.str();
}

std::set<std::string> PathsOf(const SearchResult& result) {
  std::set<std::string> paths;
  for (const SearchHit& hit : result.hits) {
    paths.insert(hit.path);
  }
  return paths;
}

std::set<std::string> PathLinesOf(const SearchResult& result) {
  std::set<std::string> lines;
  for (const SearchHit& hit : result.hits) {
    lines.insert(hit.path + ":" + std::to_string(hit.line));
  }
  return lines;
}

// A fixed set of searches of every kind whose Describe() output stands for "the results".
std::string AllResults(const std::string& index) {
  std::string out;
  for (const char* text :
       {"fixture", "Widget", "ephemeral_marker_42", "StartServer", "e", "INCREMENTAL_TOKEN"}) {
    for (bool history : {false, true}) {
      SearchQuery query;
      query.query = text;
      query.history = history;
      query.limit = kMaxSearchLimit;
      out += Describe(SearchOrFail(index, query));
    }
  }
  for (auto [text, kind] :
       {std::pair{"resize", SearchKind::kSymbol}, std::pair{"fixture", SearchKind::kComment},
        std::pair{"Add", SearchKind::kCommit}}) {
    SearchQuery query;
    query.query = text;
    query.kind = kind;
    query.history = true;
    query.limit = kMaxSearchLimit;
    out += Describe(SearchOrFail(index, query));
  }
  return out;
}

}  // namespace oxd::codedb::test
