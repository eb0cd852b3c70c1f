#include "TokenSource.h"

#include <oxd/settings.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include "SyncSettings.h"

namespace oxd::sync {

namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string UrlHost(const std::string& url) {
  std::string rest = url;
  if (std::size_t scheme = rest.find("://"); scheme != std::string::npos) {
    rest = rest.substr(scheme + 3);
    rest = rest.substr(0, rest.find('/'));
  } else if (std::size_t colon = rest.find(':'); colon != std::string::npos) {
    rest = rest.substr(0, colon);  // scp-like user@host:path
  } else {
    return "";
  }
  if (std::size_t at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    rest = rest.substr(1, rest.find(']') - 1);  // [::1]:8443
  } else {
    rest = rest.substr(0, rest.find(':'));
  }
  return Lower(rest);
}

TokenSource::TokenSource(const sdk::CredentialsSource& heartbeats,
                         const Poco::Util::AbstractConfiguration& config,
                         const HostTokens& host_tokens)
    : heartbeats_(heartbeats), config_(config) {
  for (const auto& [name, token] : host_tokens) host_tokens_[Lower(name)] = token;
}

git::CredentialsFor TokenSource::Current() const {
  std::optional<sdk::Credentials> heartbeat = heartbeats_.credentials();
  std::string configured = sdk::Settings(config_, "sync", kSyncKeys).text("token");
  if (configured.empty()) {
    if (const char* from_env = std::getenv("OXD_GIT_TOKEN"); from_env) configured = from_env;
  }
  return [heartbeat, configured, host_tokens = host_tokens_](
             const std::string& url) -> std::optional<git::TokenCredentials> {
    std::string host = UrlHost(url);
    std::string token;
    if (heartbeat && !heartbeat->token.empty() &&
        (heartbeat->server_url.empty() || UrlHost(heartbeat->server_url) == host)) {
      token = heartbeat->token;
    } else if (auto entry = host_tokens.find(host); entry != host_tokens.end()) {
      token = entry->second;
    } else {
      token = configured;
    }
    if (token.empty()) return std::nullopt;
    git::TokenCredentials credentials;
    credentials.token = token;
    return credentials;
  };
}

}  // namespace oxd::sync
