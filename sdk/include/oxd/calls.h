#pragma once
// The requests one plugin sends another in process (Host::call): one struct a message, used by
// the caller to build the request (toRequest) and by the handler to read it (Parse, through
// sdk::handleTyped), so both sides agree on every field by construction.
//
//   checkout  sync's handler; codedb calls it to clone a remote it indexes (repo_type "mirror")
//   murmur    sync's one-way handler; whisper calls it to write its file-change murmurs
//   ledger_write  sync's handler; github calls it to commit its mirror of PRs and issues
//
// Parse throws BadPayload naming the field (the host answers "invalid payload: <field>: …").
// Header-only.

#include <oxd/message.h>
#include <oxd/payload.h>

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>
#include <string>
#include <vector>

namespace oxd::sdk {

// `checkout`: clone `clone_url` into `repo_path` (or find it there), streaming progress.
// Reply data {path, already_exists, cloned}.
struct CheckoutRequest {
  static constexpr const char* kType = "checkout";

  std::string repo_path;
  std::string clone_url;  // may be "" when the checkout already exists
  // "ledger" or "team-context" ("team_context" is read as "team-context"), or "mirror": a
  // read-only copy for another plugin, announced by no repo.cloned or sync.complete event.
  std::string repo_type = "ledger";

  static CheckoutRequest Parse(const Payload& payload) {
    CheckoutRequest request;
    request.repo_path = payload.requiredString("repo_path");
    request.clone_url = payload.optionalString("clone_url").value_or("");
    request.repo_type = payload.optionalString("repo_type").value_or("ledger");
    if (request.repo_type == "team_context") request.repo_type = "team-context";
    if (request.repo_type != "ledger" && request.repo_type != "team-context" &&
        request.repo_type != "mirror") {
      throw BadPayload("repo_type: expected ledger, team-context or mirror, got '" +
                       request.repo_type + "'");
    }
    return request;
  }

  Request toRequest() const {
    Request request;
    request.type = kType;
    request.payload->set("repo_path", repo_path);
    request.payload->set("clone_url", clone_url);
    request.payload->set("repo_type", repo_type);
    return request;
  }
};

// `murmur` (one-way): write `bytes` at target_dir/rel_path in a managed checkout, commit
// ("murmur: <first line of content>") and push. On the wire the bytes are base64 (murmur_json,
// Go's []byte).
struct MurmurRequest {
  static constexpr const char* kType = "murmur";

  std::string target_dir;
  std::string rel_path;
  std::string content;  // the murmur's text, for the commit message; may be ""
  std::string bytes;    // the murmur file; never empty

  static MurmurRequest Parse(const Payload& payload) {
    MurmurRequest request;
    request.target_dir = payload.requiredString("target_dir");
    request.rel_path = payload.requiredString("rel_path");
    request.content = payload.optionalString("content").value_or("");
    std::string encoded = payload.requiredString("murmur_json");
    try {
      std::istringstream in(encoded);
      Poco::Base64Decoder decoder(in);
      std::ostringstream out;
      out << decoder.rdbuf();
      request.bytes = out.str();
    } catch (const Poco::Exception&) {
      throw BadPayload("murmur_json: expected base64");
    }
    if (request.bytes.empty()) throw BadPayload("murmur_json: empty");
    return request;
  }

  Request toRequest() const {
    std::ostringstream encoded;
    Poco::Base64Encoder encoder(encoded);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    Request request;
    request.type = kType;
    request.payload->set("target_dir", target_dir);
    request.payload->set("rel_path", rel_path);
    request.payload->set("content", content);
    request.payload->set("murmur_json", encoded.str());
    return request;
  }
};

// `ledger_write`: write `files` (paths relative to the ledger checkout) into the ledger, commit
// exactly those with `message` and push with fetch-rebase-retry; on a rebase conflict under
// `theirs_prefix` the remote's side wins (a .oxd/sync.manifest rule for the same prefix wins
// over it). Files whose bytes match HEAD make no commit. Then `ledger.changed` is published with
// the paths. Reply data {committed, pushed, commit, error}: `error` is "" when pushed; a commit
// that could not be pushed stays local and the next sync pushes it.
struct LedgerWriteRequest {
  static constexpr const char* kType = "ledger_write";

  struct File {
    std::string path;
    std::string content;
  };
  std::vector<File> files;
  std::string message;
  std::string theirs_prefix;  // "" for none, else a directory ending in '/'

  static LedgerWriteRequest Parse(const Payload& payload) {
    LedgerWriteRequest request;
    request.message = payload.requiredString("message");
    if (request.message.empty()) throw BadPayload("message: empty");
    request.theirs_prefix = payload.optionalString("theirs_prefix").value_or("");
    if (!request.theirs_prefix.empty() && request.theirs_prefix.back() != '/') {
      throw BadPayload("theirs_prefix: expected a directory ending in '/'");
    }
    Poco::JSON::Array::Ptr files = payload.object()->getArray("files");
    if (!files) throw BadPayload("files: expected an array");
    for (std::size_t i = 0; i < files->size(); ++i) {
      Poco::JSON::Object::Ptr file = files->getObject(static_cast<unsigned>(i));
      std::string at = "files[" + std::to_string(i) + "]";
      if (!file) throw BadPayload(at + ": expected an object");
      Payload fields(file);
      try {
        request.files.push_back({fields.requiredString("path"), fields.requiredString("content")});
      } catch (const BadPayload& bad) {
        throw BadPayload(at + "." + bad.what());
      }
    }
    return request;
  }

  Request toRequest() const {
    Request request;
    request.type = kType;
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const File& file : files) {
      Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
      entry->set("path", file.path);
      entry->set("content", file.content);
      list->add(entry);
    }
    request.payload->set("files", list);
    request.payload->set("message", message);
    request.payload->set("theirs_prefix", theirs_prefix);
    return request;
  }
};

}  // namespace oxd::sdk
