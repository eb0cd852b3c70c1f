// The github plugin: a project's GitHub pull requests and issues, with their comments and the
// commits of merged PRs, mirrored as files into the ledger (written by the sync plugin), so
// every agent and teammate reads and searches them offline. This file holds the descriptor and
// the wiring; README.md lists the parts.

#include <oxd/plugin.h>

#include <memory>

#include "GithubSettings.h"
#include "Messages.h"
#include "Mirror.h"

namespace {

namespace github = oxd::github;
constexpr const auto& kKeys = github::kGithubKeys;

const oxd::sdk::Descriptor kDescriptor{oxd::sdk::kAbiVersion,
                                       oxd::sdk::kBuildFingerprint,
                                       "github",
                                       "0.1.0",
                                       "GitHub pull requests and issues mirrored into the ledger",
                                       kKeys,
                                       sizeof kKeys / sizeof kKeys[0]};

class GithubPlugin final : public oxd::sdk::Plugin {
 public:
  void start(oxd::sdk::Host& host) override {
    github::GithubConfig config =
        github::ResolveGithubConfig(host.config(), github::ProcessEnvironment());
    host.logger().information("github: API %s, every %lds", config.api_url,
                              static_cast<long>(config.interval.count() / 1000));
    mirror_ = std::make_unique<github::Mirror>(host, config, github::ProcessEnvironment());
    github::RegisterMessages(host, *mirror_);
  }

  void stop() override {
    if (!mirror_) return;
    mirror_->Stop();
    mirror_.reset();
  }

 private:
  std::unique_ptr<github::Mirror> mirror_;
};

}  // namespace

OXD_PLUGIN(kDescriptor, GithubPlugin)
