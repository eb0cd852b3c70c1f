#include "writes/Murmur.h"

#include <oxd/payload.h>

#include <Poco/Base64Decoder.h>

#include <sstream>

#include "writes/WritePaths.h"

namespace oxd::sync {

namespace {

constexpr const char* kMurmurPrefix = "data/murmurs/";

std::string Summary(const std::string& content, const std::string& rel_path) {
  std::string line = content.substr(0, content.find('\n'));
  if (line.size() > 72) line = line.substr(0, 69) + "...";
  return "murmur: " + (line.empty() ? rel_path : line);
}

void Refuse(sdk::Reporting report, const std::string& why) {
  report.log.warning("murmur refused, nothing written: %s", why);
  report.errors.add("murmur_refused", "murmur refused: " + why, sdk::Severity::Warning);
}

}  // namespace

void RefuseMurmur(sdk::Reporting report, const sdk::BadPayload& invalid) {
  Refuse(report, std::string("invalid murmur payload: ") + invalid.what());
}

bool AcceptMurmur(sdk::Reporting report, const RepoSet& repos, const sdk::MurmurRequest& request) {
  try {
    WriteTarget target = ResolveWriteTarget(repos, request.target_dir, request.rel_path);
    // As the original's daemon: a murmur lands in data/murmurs/ of its checkout, nowhere else.
    if (target.repo_relative.rfind(kMurmurPrefix, 0) != 0) {
      Refuse(report, "a murmur must be written under " + std::string(kMurmurPrefix) + ", not " +
                         target.repo_relative);
      return false;
    }
    return true;
  } catch (const RefusedWrite& error) {
    Refuse(report, error.what());
    return false;
  }
}

std::optional<WriteOutcome> WriteMurmur(sdk::Reporting report, const RepoSet& repos,
                                        RepoWriter& writer, const sdk::MurmurRequest& request) {
  WriteTarget target;
  try {
    target = ResolveWriteTarget(repos, request.target_dir, request.rel_path);
  } catch (const RefusedWrite& error) {
    Refuse(report, error.what());
    return std::nullopt;
  }
  return writer.Write(
      target.repo, "murmur " + target.repo_relative + " in " + target.repo.name,
      [&] {
        WriteFileAtomically(target.file, request.bytes);
        return std::vector<std::string>{target.repo_relative};
      },
      Summary(request.content, target.repo_relative));
}

}  // namespace oxd::sync
