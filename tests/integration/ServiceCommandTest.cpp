// `oxctl service install|uninstall [--now]` through the real binary. There is no user systemd
// manager here, so OXD_SYSTEMCTL points at a script that records its arguments (one call a
// line) and exits with $FAKE_SYSTEMCTL_EXIT; the tests assert those calls and the files written.
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "DaemonFixture.h"
#include "common/Paths.h"

namespace oxd::testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string readFile(const fs::path& file) {
  std::ifstream input(file, std::ios::binary);
  std::stringstream buffer;
  buffer << input.rdbuf();
  return buffer.str();
}

class ServiceCommandTest : public DaemonFixture {
 protected:
  void SetUp() override {
    DaemonFixture::SetUp();
    fake_ = tempDir() / "fake-systemctl";
    calls_ = tempDir() / "systemctl-calls";
    std::ofstream(fake_) << "#!/bin/sh\n"
                            "printf '%s\\n' \"$*\" >> '"
                         << calls_.string()
                         << "'\n"
                            "exit \"${FAKE_SYSTEMCTL_EXIT:-0}\"\n";
    fs::permissions(fake_, fs::perms::owner_all);
  }

  ProcessResult service(std::vector<std::string> args, int fake_exit = 0) {
    args.insert(args.begin(), "service");
    return oxctl(args, {.env = {{"OXD_SYSTEMCTL", fake_.string()},
                                {"FAKE_SYSTEMCTL_EXIT", std::to_string(fake_exit)}}});
  }

  std::string calls() const { return readFile(calls_); }

  // The project directory's systemd instance. mkdtemp's suffix is [A-Za-z0-9], so only '/'
  // and '-' need escaping here (ServiceUnitTest checks the full rules).
  std::string instance() const {
    std::string escaped;
    for (char c : projectDir().string().substr(1)) {
      escaped += c == '/' ? std::string("-") : c == '-' ? std::string("\\x2d") : std::string(1, c);
    }
    return "oxd@" + escaped + ".service";
  }

  fs::path unitDir() const { return home() / "config" / "systemd" / "user"; }
  fs::path unitFile() const { return unitDir() / "oxd@.service"; }

  // What `systemctl --user enable` leaves behind.
  void linkEnabled(const std::string& unit) {
    fs::create_directories(unitDir() / "default.target.wants");
    fs::create_symlink(unitFile(), unitDir() / "default.target.wants" / unit);
  }

  fs::path fake_;
  fs::path calls_;
};

TEST_F(ServiceCommandTest, InstallWritesTheUnitAndEnablesThisProjectsInstance) {
  ProcessResult run = service({"install"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(calls(), "--user daemon-reload\n--user enable " + instance() + "\n");
  // Byte for byte the unit CMake configures for this build's oxd (oxctl runs the oxd beside it).
  EXPECT_EQ(readFile(unitFile()),
            readFile(fs::path(OXD_BIN_DIR).parent_path() / "packaging/build-tree/oxd@.service"));
  EXPECT_NE(readFile(unitFile()).find("\nExecStart=" OXD_BIN_DIR "/oxd --project %f\n"),
            std::string::npos);
  EXPECT_NE(run.out.find("wrote " + unitFile().string() + "\n"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("enabled " + instance()), std::string::npos) << run.out;
  // The sandboxed unit can write these but not create them: install made them.
  for (const fs::path& dir : {paths::dataDir(), paths::stateDir(), paths::cacheDir()}) {
    EXPECT_TRUE(fs::is_directory(dir)) << dir;
  }
  EXPECT_FALSE(fs::exists(unitDir() / (instance() + ".d")));
}

TEST_F(ServiceCommandTest, InstallNowTakesOverFromADaemonStartedByHand) {
  ASSERT_NO_FATAL_FAILURE(startDaemon());
  ProcessResult run = service({"install", "--now"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // Otherwise systemd's oxd would find the workspace taken, exit and be retried in vain.
  std::optional<int> status = waitForDaemonExit(5s);
  ASSERT_TRUE(status) << "the hand-started daemon is still running";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  EXPECT_EQ(calls(), "--user daemon-reload\n--user enable --now " + instance() + "\n");
  EXPECT_NE(run.out.find("stopped the oxd started by hand"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("enabled and started " + instance()), std::string::npos) << run.out;
}

TEST_F(ServiceCommandTest, InstallGrantsACheckoutThatLivesOutsideTheProject) {
  writeProjectFile({{"ledger", {{"url", "git://127.0.0.1/ledger.git"}, {"path", "../ledger"}}}});
  ProcessResult run = service({"install", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  fs::path drop_in = unitDir() / (instance() + ".d") / "oxd-paths.conf";
  EXPECT_NE(readFile(drop_in).find("\n[Service]\nReadWritePaths=-" +
                                   (tempDir() / "ledger").string() + "\n"),
            std::string::npos)
      << readFile(drop_in);
  EXPECT_TRUE(fs::is_directory(tempDir() / "ledger"));  // a bind mount needs it to exist
  nlohmann::json reply = nlohmann::json::parse(run.out);
  EXPECT_EQ(reply["unit"], instance());
  EXPECT_EQ(reply["unit_file"], unitFile().string());
  EXPECT_EQ(reply["drop_in"], drop_in.string());
  EXPECT_EQ(reply["started"], false);

  // The checkout moves back under the data dir: the grant goes on the next install.
  writeProjectFile({{"ledger", {{"url", "git://127.0.0.1/ledger.git"}}}});
  ASSERT_EQ(service({"install"}).exit_code, 0);
  EXPECT_FALSE(fs::exists(unitDir() / (instance() + ".d")));
}

TEST_F(ServiceCommandTest, UninstallNowDisablesStopsAndRemovesTheUnitNoOneElseUses) {
  ASSERT_EQ(service({"install", "--now"}).exit_code, 0);
  linkEnabled(instance());
  fs::remove(calls_);
  ProcessResult run = service({"uninstall", "--now"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(calls(), "--user disable --now " + instance() + "\n--user daemon-reload\n");
  EXPECT_FALSE(fs::exists(unitFile()));
  EXPECT_NE(run.out.find("disabled and stopped " + instance()), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("removed " + unitFile().string()), std::string::npos) << run.out;
}

TEST_F(ServiceCommandTest, UninstallKeepsTheUnitWhileAnotherProjectsInstanceIsEnabled) {
  ASSERT_EQ(service({"install"}).exit_code, 0);
  linkEnabled(instance());
  linkEnabled("oxd@home-ana-other.service");
  fs::remove(calls_);
  ProcessResult run = service({"uninstall"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(calls(), "--user disable " + instance() + "\n--user daemon-reload\n");
  EXPECT_TRUE(fs::exists(unitFile()));
  EXPECT_NE(run.out.find("kept " + unitFile().string() + ": oxd@home-ana-other.service"),
            std::string::npos)
      << run.out;
}

TEST_F(ServiceCommandTest, UninstallOfWhatIsNotInstalledSaysSoAndCallsNothing) {
  ProcessResult run = service({"uninstall", "--now"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, instance() + " is not installed (no " + unitFile().string() + ")\n");
  EXPECT_FALSE(fs::exists(calls_));
}

TEST_F(ServiceCommandTest, AFailingSystemctlIsReportedWithItsCommandLine) {
  ProcessResult run = service({"install"}, 1);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("`" + fake_.string() + " --user daemon-reload` failed with exit status 1"),
            std::string::npos)
      << run.err;
}

TEST_F(ServiceCommandTest, AMissingSystemctlIsNamed) {
  ProcessResult run =
      oxctl({"service", "install"},
            {.env = {{"OXD_SYSTEMCTL", (tempDir() / "no-such-systemctl").string()}}});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("cannot run " + (tempDir() / "no-such-systemctl").string()),
            std::string::npos)
      << run.err;
}

TEST_F(ServiceCommandTest, AnUnknownActionIsAUsageError) {
  ProcessResult run = service({"restart"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("expected install or uninstall, got 'restart'"), std::string::npos)
      << run.err;
  EXPECT_EQ(service({}).exit_code, 2);
  EXPECT_FALSE(fs::exists(calls_));
}

}  // namespace
}  // namespace oxd::testing
