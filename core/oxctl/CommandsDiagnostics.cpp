// Commands that tell what is wrong: doctor, errors [--mark [ID…]], logs [-f] [-n N], metrics.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include "common/NearestName.h"
#include "common/Paths.h"
#include "oxctl/Cli.h"
#include "oxctl/LogTail.h"
#include "oxctl/Output.h"
#include "oxctl/Views.h"

namespace oxd::cli {
namespace {

constexpr std::int64_t kDefaultLogLines = 10;
constexpr std::int64_t kMaxLogLines = 1'000'000;

std::string plural(std::size_t count, const char* noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

}  // namespace

int runDoctor(Invocation& invocation) {
  nlohmann::json reply =
      invocation.client().request(invocation.message("doctor"), kRequestIdleTimeout);
  const nlohmann::json& data = requireSuccess(reply);
  DoctorView view = doctorView(data);
  if (invocation.json) {
    printOut(data.dump());
  } else {
    printOut("✓ oxd answers on " + invocation.socketPath().string());
    printOut(view.text);
  }
  return view.failed ? kExitError : kExitOk;
}

// The Prometheus text format as the daemon serialized it (it already ends in a newline), or
// with --json the same metrics as JSON families.
int runMetrics(Invocation& invocation) {
  nlohmann::json reply =
      invocation.client().request(invocation.message("metrics"), kRequestIdleTimeout);
  const nlohmann::json& data = requireSuccess(reply);
  if (invocation.json) {
    printOut(data.value("families", nlohmann::json::array()).dump());
    return kExitOk;
  }
  std::string text = data.value("text", "");
  if (text.ends_with('\n')) text.pop_back();
  printOut(text);
  return kExitOk;
}

int runErrors(Invocation& invocation) {
  bool mark = invocation.has("--mark");
  if (!mark && !invocation.positional.empty()) {
    throw UsageError("errors: error ids are only accepted after --mark");
  }
  nlohmann::json errors = requireSuccess(
      invocation.client().request(invocation.message("get_errors"), kRequestIdleTimeout));
  if (!errors.is_array()) errors = nlohmann::json::array();
  if (!mark) {
    printOut(invocation.json ? errors.dump()
                             : errorsView(errors, std::chrono::system_clock::now()));
    return kExitOk;
  }

  // The daemon ignores ids it does not know; checking here turns a typo into an error.
  std::vector<std::string> unviewed;
  for (const auto& error : errors) {
    if (error.is_object() && error.contains("id") && error["id"].is_string())
      unviewed.push_back(error["id"].get<std::string>());
  }
  const std::vector<std::string>& ids = invocation.positional;
  for (const std::string& id : ids) {
    if (std::find(unviewed.begin(), unviewed.end(), id) != unviewed.end()) continue;
    std::string hint = nearestName(id, unviewed);
    throw CommandError("no unviewed error with id '" + id + "'" +
                       (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                       " (oxctl errors lists them)");
  }
  nlohmann::json payload = nlohmann::json::object();
  if (!ids.empty()) payload["ids"] = ids;
  requireSuccess(
      invocation.client().request(invocation.message("mark_errors", payload), kRequestIdleTimeout));
  std::vector<std::string> marked = ids.empty() ? unviewed : ids;
  if (invocation.json) {
    printOut(nlohmann::json{{"marked", marked}}.dump());
  } else {
    printOut("marked " +
             plural(std::set<std::string>(marked.begin(), marked.end()).size(), "error") +
             " as viewed");
  }
  return kExitOk;
}

int runLogs(Invocation& invocation) {
  auto lines = invocation.integer("--lines", 0, kMaxLogLines).value_or(kDefaultLogLines);
  std::filesystem::path log = paths::logPath(invocation.workspaceId());
  int fd = ::open(log.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      throw CommandError("no log file at " + log.string() +
                         " (oxd writes it once it has started for this project)");
    }
    throw CommandError("cannot open " + log.string() + ": " + std::strerror(errno));
  }
  off_t end = 0;
  std::string tail = lastLines(fd, static_cast<std::size_t>(lines), end);
  std::fwrite(tail.data(), 1, tail.size(), stdout);
  std::fflush(stdout);
  if (invocation.has("--follow")) followFile(log, fd, end);
  ::close(fd);
  return kExitOk;
}

}  // namespace oxd::cli
