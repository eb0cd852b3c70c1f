#include "TokenSource.h"

#include <cstdlib>
#include <string>

namespace oxd::sync {

std::optional<git::TokenCredentials> TokenSource::Current() const {
  std::string token;
  if (auto credentials = host_.credentials(); credentials && !credentials->token.empty()) {
    token = credentials->token;
  } else if (std::string configured = host_.config().getString("token", ""); !configured.empty()) {
    token = configured;
  } else if (const char* from_env = std::getenv("OXD_GIT_TOKEN"); from_env && *from_env) {
    token = from_env;
  }
  if (token.empty()) return std::nullopt;
  git::TokenCredentials credentials;
  credentials.token = token;
  return credentials;
}

}  // namespace oxd::sync
