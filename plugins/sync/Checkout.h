// The `checkout` message (spec §3.6): validate the path and the URL before touching anything,
// then clone with streamed stage lines and real percentages (receiving / resolving / checkout)
// from libgit2's transfer counters. Runs on the handler's worker thread.
//
// Departures from the 0.3 daemon, on purpose: the URL is checked before anything is created or
// moved; an existing non-empty directory without .git is moved aside only inside the data dir
// (oxd's own tree) and refused elsewhere; URLs may be https, http, git or file (no host
// allow-list: the client is the same user, checked by SO_PEERCRED).
#pragma once

#include <oxd/host.h>
#include <oxd/message.h>

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <string>

#include "BackgroundClones.h"
#include "CloneSlots.h"
#include "Events.h"
#include "RepoPath.h"
#include "RepoSet.h"

namespace oxd::sync {

struct CheckoutRequest {
  std::string repo_path;
  std::string clone_url;
  // "ledger" or "team-context" ("team_context" accepted), or kMirrorType: a read-only copy
  // for another plugin, announced by no repo.cloned or sync.complete event.
  std::string repo_type;

  // Throws std::invalid_argument("invalid checkout payload: …").
  static CheckoutRequest Parse(const Poco::JSON::Object::Ptr& payload);
};

// "" when acceptable, else why not (the reply says "invalid clone URL: <why>").
std::string CloneUrlProblem(const std::string& url);

class Checkout {
 public:
  Checkout(sdk::Host& host, RepoSet& repos, CloneSlots& slots, EventPublisher& events,
           BackgroundClones::NetworkFactory network, RepoPathPolicy policy);

  // The reply data {path, already_exists, cloned}; throws std::runtime_error with the wire error.
  Poco::JSON::Object::Ptr Run(const CheckoutRequest& request, sdk::Progress& progress);

 private:
  sdk::Host& host_;
  RepoSet& repos_;
  CloneSlots& slots_;
  EventPublisher& events_;
  BackgroundClones::NetworkFactory network_;
  RepoPathPolicy policy_;
};

}  // namespace oxd::sync
