#include "writes/Murmur.h"

#include <oxd/payload.h>

#include <Poco/Base64Decoder.h>

#include <sstream>

#include "writes/WritePaths.h"

namespace oxd::sync {

namespace {

std::string DecodeBase64(const std::string& text) {
  std::istringstream in(text);
  Poco::Base64Decoder decoder(in);
  std::ostringstream out;
  out << decoder.rdbuf();
  return out.str();
}

std::string Summary(const std::string& content, const std::string& rel_path) {
  std::string line = content.substr(0, content.find('\n'));
  if (line.size() > 72) line = line.substr(0, 69) + "...";
  return "murmur: " + (line.empty() ? rel_path : line);
}

}  // namespace

MurmurRequest MurmurRequest::Parse(const Poco::JSON::Object::Ptr& payload) {
  try {
    sdk::Payload fields(payload);
    MurmurRequest request;
    request.target_dir = fields.requiredString("target_dir");
    request.rel_path = fields.requiredString("rel_path");
    request.content = fields.optionalString("content").value_or("");
    std::string encoded = fields.requiredString("murmur_json");
    try {
      request.bytes = DecodeBase64(encoded);
    } catch (const Poco::Exception&) {
      throw sdk::BadPayload("murmur_json: expected base64");
    }
    if (request.bytes.empty()) throw sdk::BadPayload("murmur_json: empty");
    return request;
  } catch (const sdk::BadPayload& error) {
    throw RefusedWrite(std::string("invalid murmur payload: ") + error.what());
  }
}

void HandleMurmur(sdk::Host& host, const RepoSet& repos, RepoWriter& writer,
                  const Poco::JSON::Object::Ptr& payload) {
  WriteTarget target;
  MurmurRequest request;
  try {
    request = MurmurRequest::Parse(payload);
    target = ResolveWriteTarget(repos, request.target_dir, request.rel_path);
  } catch (const RefusedWrite& error) {
    host.logger().warning("murmur refused, nothing written: %s", std::string(error.what()));
    host.errors().add("murmur_refused", std::string("murmur refused: ") + error.what(),
                      sdk::Severity::Warning);
    return;
  }
  writer.Write(
      target.repo, "murmur " + target.repo_relative + " in " + target.repo.name,
      [&] {
        WriteFileAtomically(target.file, request.bytes);
        return std::vector<std::string>{target.repo_relative};
      },
      Summary(request.content, target.repo_relative));
}

}  // namespace oxd::sync
