#pragma once
// The newest credentials pushed by the CLI in heartbeats (or preloaded at startup), kept in
// memory only (docs/behavior.md#credentials). Losing them is harmless: git operations read the
// on-disk store.
//
// A set is accepted when `expires_at` is zero or in the future; an already-expired set is
// refused and the previous one kept. Identity changes are logged to "oxd.credentials"
// ("authenticated", "user changed", "token refreshed"); token values are never logged, at any
// level.
//
// Thread-safe: every member may be called from any thread.

#include "common/Mutex.h"
#include "state/TimeSource.h"

#include <oxd/sinks.h>

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

namespace oxd::core {

class CredentialStore {
 public:
  explicit CredentialStore(TimeSource clock = {});

  // From a heartbeat. Returns false (keeping the previous set) when already expired.
  bool update(const sdk::Credentials& credentials);
  // From the local credential store at startup: same expiry rule, quieter log.
  bool preload(const sdk::Credentials& credentials);

  std::optional<sdk::Credentials> current() const;  // a copy; may have expired since
  std::optional<sdk::Time> receivedAt() const;
  // Present and not expired (or without expiry).
  bool hasValid() const;
  std::string authToken() const;  // "" when none

  // status `authenticated_user`: {email, id?}, or null when no email is known.
  Poco::JSON::Object::Ptr authenticatedUserJson() const;

 private:
  bool accept(const sdk::Credentials& credentials, bool from_heartbeat);

  const TimeSource clock_;
  mutable Mutex mutex_;
  std::optional<sdk::Credentials> current_ GUARDED_BY(mutex_);
  sdk::Time received_at_ GUARDED_BY(mutex_) = {};
};

}  // namespace oxd::core
