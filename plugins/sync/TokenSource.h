// Which token a sync presents, chosen for the URL the remote asks
// credentials for:
//   1. the latest heartbeat's token, when its `server_url` has that URL's host (or names none);
//   2. `[sync] host_tokens` for that host;
//   3. `[sync] token`, else $OXD_GIT_TOKEN (any host: the user set them for this daemon).
// A heartbeat's token is the oxd server's: it is never sent to another host (a team context on
// github.com must not receive it). Taken fresh for every network operation, so a token rotated
// in a heartbeat is used by the next sync without a restart. Tokens are never logged.
#pragma once

#include <oxd/host.h>

#include <map>
#include <string>

#include "git/NetworkOptions.h"

namespace oxd::sync {

// "https://user@Host:8443/x.git" → "host"; "git@host:org/x.git" → "host"; "" when there is none.
std::string UrlHost(const std::string& url);

class TokenSource {
 public:
  using HostTokens = std::map<std::string, std::string>;  // host → token

  // config: the plugin's section, re-read for `token` at every use.
  TokenSource(const sdk::CredentialsSource& heartbeats,
              const Poco::Util::AbstractConfiguration& config, const HostTokens& host_tokens);

  // A snapshot of the sources now, choosing by URL when libgit2 asks.
  git::CredentialsFor Current() const;

 private:
  const sdk::CredentialsSource& heartbeats_;
  const Poco::Util::AbstractConfiguration& config_;
  HostTokens host_tokens_;  // hosts lower-cased
};

}  // namespace oxd::sync
