#include "state/Credentials.h"

#include <Poco/Logger.h>

namespace oxd::core {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("oxd.credentials"); }

bool expired(const sdk::Credentials& credentials, sdk::Time now) {
  return credentials.expires_at != sdk::Time{} && credentials.expires_at <= now;
}

}  // namespace

CredentialStore::CredentialStore(TimeSource clock) : clock_(std::move(clock)) {}

bool CredentialStore::update(const sdk::Credentials& credentials) {
  return accept(credentials, true);
}

bool CredentialStore::preload(const sdk::Credentials& credentials) {
  return accept(credentials, false);
}

bool CredentialStore::accept(const sdk::Credentials& credentials, bool from_heartbeat) {
  sdk::Time now = currentTime(clock_);
  if (expired(credentials, now)) {
    logger().debug("rejecting expired credentials (expired %s)",
                   sdk::formatTime(credentials.expires_at));
    return false;
  }
  std::string old_email;
  std::string old_auth_token;
  {
    MutexLock lock(mutex_);
    if (current_) {
      old_email = current_->user_email;
      old_auth_token = current_->auth_token;
    }
    current_ = credentials;
    received_at_ = now;
  }
  // Logged outside the lock; only emails and the server URL, never a token.
  const std::string& email = credentials.user_email;
  bool user_changed = !email.empty() && email != old_email;
  bool token_changed = !credentials.auth_token.empty() && credentials.auth_token != old_auth_token;
  if (!from_heartbeat) {
    logger().information("initial credentials loaded (server %s, user %s)", credentials.server_url,
                         email.empty() ? std::string("unknown") : email);
  } else if (user_changed && old_email.empty()) {
    logger().information("authenticated as %s", email);
  } else if (user_changed) {
    logger().information("user changed from %s to %s", old_email, email);
  } else if (token_changed) {
    logger().information("token refreshed for %s",
                         email.empty() ? std::string("unknown user") : email);
  }
  return true;
}

std::optional<sdk::Credentials> CredentialStore::current() const {
  MutexLock lock(mutex_);
  return current_;
}

std::optional<sdk::Time> CredentialStore::receivedAt() const {
  MutexLock lock(mutex_);
  if (!current_) return std::nullopt;
  return received_at_;
}

bool CredentialStore::hasValid() const {
  sdk::Time now = currentTime(clock_);
  MutexLock lock(mutex_);
  return current_ && !expired(*current_, now);
}

std::string CredentialStore::authToken() const {
  MutexLock lock(mutex_);
  return current_ ? current_->auth_token : "";
}

Poco::JSON::Object::Ptr CredentialStore::authenticatedUserJson() const {
  MutexLock lock(mutex_);
  if (!current_ || current_->user_email.empty()) return nullptr;
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("email", current_->user_email);
  if (!current_->user_id.empty()) out->set("id", current_->user_id);
  return out;
}

}  // namespace oxd::core
