// What `oxctl service install` writes: systemd's path escaping (checked against the real
// systemd-escape when it is installed), the rendered unit (byte for byte what CMake configures
// from the same template), the drop-in for checkouts outside the sandbox, the launchd plist.
#include "oxctl/ServiceUnit.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace oxd::cli::service {
namespace {

namespace fs = std::filesystem;

std::string readFile(const fs::path& file) {
  std::ifstream input(file, std::ios::binary);
  std::stringstream buffer;
  buffer << input.rdbuf();
  return buffer.str();
}

// `systemd-escape --path -- PATH`, or nullopt when the tool is not installed.
std::optional<std::string> realSystemdEscape(const std::string& path) {
  std::string quoted = "'";
  for (char c : path) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  std::string command = "systemd-escape --path -- " + quoted + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string out;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
  int status = ::pclose(pipe);
  if (status != 0) return std::nullopt;
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

const char* const kPaths[] = {
    "/",          "//",    "/home/ana/src/widget", "/home/ana/my-proj/", "/a//b/./c",
    "/.hidden/x", "/a/.b", "/x y/\xc3\xbc\\z",     "/a:b_c.d@e+f~g",     "/tab\there/quote\"'%$",
};

TEST(ServiceUnitTest, EscapesPathsLikeSystemdEscape) {
  EXPECT_EQ(escapePath("/"), "-");
  EXPECT_EQ(escapePath("/home/ana/src/widget"), "home-ana-src-widget");
  EXPECT_EQ(escapePath("/home/ana/my-proj/"), "home-ana-my\\x2dproj");
  EXPECT_EQ(escapePath("/a//b/./c"), "a-b-c");
  EXPECT_EQ(escapePath("/.hidden/x"), "\\x2ehidden-x");
  EXPECT_EQ(escapePath("/a/.b"), "a-.b");
  EXPECT_EQ(escapePath("/x y/\xc3\xbc\\z"), "x\\x20y-\\xc3\\xbc\\x5cz");
  EXPECT_EQ(escapePath("/a:b_c.d@e+f~g"), "a:b_c.d\\x40e\\x2bf\\x7eg");
}

TEST(ServiceUnitTest, EscapingAgreesWithTheRealSystemdEscape) {
  if (!realSystemdEscape("/")) GTEST_SKIP() << "systemd-escape is not installed";
  for (const char* path : kPaths) {
    EXPECT_EQ(escapePath(path), realSystemdEscape(path).value_or("(failed)")) << path;
  }
}

TEST(ServiceUnitTest, RefusesPathsSystemdCannotEscapeReversibly) {
  EXPECT_THROW(escapePath("relative/dir"), std::invalid_argument);
  EXPECT_THROW(escapePath(""), std::invalid_argument);
  EXPECT_THROW(escapePath("/a/../b"), std::invalid_argument);
}

TEST(ServiceUnitTest, InstanceNameIsTheEscapedProjectPath) {
  EXPECT_EQ(systemdInstance("/home/ana/src/widget"), "oxd@home-ana-src-widget.service");
  EXPECT_THROW(systemdInstance("/" + std::string(250, 'a')), std::invalid_argument);
}

// One source of truth: oxctl's compiled-in text, rendered for this build's oxd, is exactly the
// unit CMake configured from packaging/systemd/oxd@.service.in for the same binary.
TEST(ServiceUnitTest, RenderedUnitIsWhatCMakeConfiguresFromTheSameTemplate) {
  fs::path build = fs::path(OXD_BIN_DIR).parent_path();
  std::string configured = readFile(build / "packaging" / "build-tree" / "oxd@.service");
  ASSERT_FALSE(configured.empty());
  EXPECT_EQ(renderSystemdUnit(systemdUnitTemplate(), fs::path(OXD_BIN_DIR) / "oxd"), configured);
  EXPECT_EQ(systemdUnitTemplate(),
            readFile(fs::path(OXD_SOURCE_DIR) / "packaging" / "systemd" / "oxd@.service.in"));
}

TEST(ServiceUnitTest, UnitRunsTheGivenOxdInTheForegroundUnderTheWatchdog) {
  std::string unit = renderSystemdUnit(systemdUnitTemplate(), "/opt/oxd/bin/oxd");
  for (const char* line :
       {"\nType=notify\n", "\nNotifyAccess=main\n", "\nExecStart=/opt/oxd/bin/oxd --project %f\n",
        "\nRestart=on-failure\n", "\nProtectSystem=strict\n", "\nWantedBy=default.target\n"}) {
    EXPECT_NE(unit.find(line), std::string::npos) << line;
  }
  EXPECT_NE(unit.find("\nWatchdogSec="), std::string::npos);
  EXPECT_EQ(unit.find('@' + std::string("CMAKE")), std::string::npos);
}

TEST(ServiceUnitTest, QuotesAnExecStartPathSystemdWouldSplitOrExpand) {
  std::string unit = renderSystemdUnit(systemdUnitTemplate(), "/opt/my tools/100%/oxd");
  EXPECT_NE(unit.find("\nExecStart=\"/opt/my tools/100%%/oxd\" --project %f\n"), std::string::npos)
      << unit;
}

TEST(ServiceUnitTest, ChecksOutsideTheProjectAndDataDirNeedAGrant) {
  nlohmann::json project = {
      {"ledger", {{"url", "git://x/ledger.git"}, {"path", "../widget-ledger"}}},
      {"team_contexts",
       {{{"id", "t1"}, {"path", "/data/oxd/teams/t1"}},
        {{"id", "t2"}, {"path", "/srv/teams/t2"}},
        {{"id", "t3"}, {"path", "vendor/team"}},
        {{"id", "t4"}},
        {{"id", "t5"}, {"path", "/srv/teams/t2/"}}}}};
  EXPECT_EQ(checkoutsOutside(project, "/home/ana/widget", "/data/oxd"),
            (std::vector<fs::path>{"/home/ana/widget-ledger", "/srv/teams/t2"}));
  EXPECT_TRUE(checkoutsOutside(nullptr, "/home/ana/widget", "/data/oxd").empty());
  EXPECT_TRUE(checkoutsOutside({{"ledger", {{"url", "x"}}}}, "/p", "/d").empty());
}

TEST(ServiceUnitTest, DropInGrantsEachCheckoutEvenBeforeItExists) {
  EXPECT_EQ(renderPathsDropIn({}), "");
  std::string drop_in = renderPathsDropIn({"/home/ana/widget-ledger", "/srv/my teams/50%"});
  EXPECT_NE(drop_in.find("\n[Service]\nReadWritePaths=-/home/ana/widget-ledger\n"
                         "ReadWritePaths=\"-/srv/my teams/50%%\"\n"),
            std::string::npos)
      << drop_in;
}

TEST(ServiceUnitTest, LaunchdPlistRunsOxdForTheProjectWithItsLabelAndLogs) {
  std::string plist = renderLaunchdPlist(
      launchdPlistTemplate(),
      {launchdLabel("3f9c0a1e"), "/usr/local/bin/oxd", "/Users/ana/R&D <x>", "/Users/ana/logs"});
  EXPECT_NE(plist.find("<key>Label</key>\n  <string>dev.oxd.3f9c0a1e</string>"), std::string::npos);
  EXPECT_NE(plist.find("<string>/usr/local/bin/oxd</string>\n    <string>--project</string>\n"
                       "    <string>/Users/ana/R&amp;D &lt;x&gt;</string>"),
            std::string::npos)
      << plist;
  EXPECT_NE(plist.find("<string>/Users/ana/logs/dev.oxd.3f9c0a1e.err.log</string>"),
            std::string::npos);
  EXPECT_NE(plist.find("<key>KeepAlive</key>"), std::string::npos);
  EXPECT_NE(plist.find("<key>ThrottleInterval</key>"), std::string::npos);
  EXPECT_EQ(plist.find("{{"), std::string::npos);
  EXPECT_EQ(plist.find('@' + std::string("CMAKE")), std::string::npos);
}

}  // namespace
}  // namespace oxd::cli::service
