// Which token a sync presents (issue 4 "Credentials"): the latest heartbeat's, else the config
// key `token`, else $OXD_GIT_TOKEN, else none. Read fresh for every network operation, so a
// token rotated in a heartbeat or in config is used by the next sync without a restart.
// The token is never logged.
#pragma once

#include <oxd/host.h>

#include <optional>

#include "git/NetworkOptions.h"

namespace oxd::sync {

class TokenSource {
 public:
  explicit TokenSource(sdk::Host& host) : host_(host) {}
  std::optional<git::TokenCredentials> Current() const;

 private:
  sdk::Host& host_;
};

}  // namespace oxd::sync
