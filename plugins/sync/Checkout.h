// The `checkout` message (docs/protocol.md#checkout): validate the path and the URL before touching
// anything, then clone with streamed stage lines and real percentages (receiving / resolving /
// checkout) from libgit2's transfer counters. Runs on the handler's worker thread.
//
// Departures from the 0.3 daemon, on purpose: the URL is checked before anything is created or
// moved; an existing non-empty directory without .git is moved aside only inside the data dir
// (oxd's own tree) and refused elsewhere; URLs may be https, http, git or file (no host
// allow-list: the client is the same user, checked by SO_PEERCRED).
#pragma once

#include <oxd/calls.h>
#include <oxd/host.h>
#include <oxd/message.h>

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "BackgroundClones.h"
#include "CloneSlots.h"
#include "Events.h"
#include "RepoPath.h"
#include "RepoSet.h"

namespace oxd::sync {

// The request's fields are sdk::CheckoutRequest, shared with the plugins that call it. Parsed
// here, a payload it refuses is answered "invalid checkout payload: <field>: …" (not the host's
// "invalid payload: …"), as clients of `checkout` have always been told.
struct CheckoutRequest : sdk::CheckoutRequest {
  static CheckoutRequest Parse(const sdk::Payload& payload) {
    try {
      return {sdk::CheckoutRequest::Parse(payload)};
    } catch (const sdk::BadPayload& error) {
      throw std::invalid_argument(std::string("invalid checkout payload: ") + error.what());
    }
  }
};

// "" when acceptable, else why not (the reply says "invalid clone URL: <why>").
std::string CloneUrlProblem(const std::string& url);

class Checkout {
 public:
  Checkout(sdk::Reporting report, const sdk::Workspace& workspace, RepoSet& repos,
           CloneSlots& slots, EventPublisher& events, BackgroundClones::NetworkFactory network,
           RepoPathPolicy policy);

  // The reply data {path, already_exists, cloned}; throws std::runtime_error with the wire error.
  // A client's path never reaches the daemon's own dirs (sdk/include/oxd/client_path.h); a
  // plugin's may (codedb keeps its mirrors in its data dir).
  Poco::JSON::Object::Ptr Run(const CheckoutRequest& request, bool from_plugin,
                              sdk::Progress& progress);

 private:
  sdk::Reporting report_;
  const sdk::Workspace& workspace_;
  RepoSet& repos_;
  CloneSlots& slots_;
  EventPublisher& events_;
  BackgroundClones::NetworkFactory network_;
  RepoPathPolicy policy_;
};

}  // namespace oxd::sync
