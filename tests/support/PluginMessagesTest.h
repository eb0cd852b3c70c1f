#pragma once
// The fixture of a plugin's fake-host tests: the real plugin (the test executable links its
// OXD_PLUGIN file) started on a FakeHost in a scratch workspace, stopped after each test.

#include <gtest/gtest.h>

#include <oxd/plugin.h>

#include <Poco/JSON/Object.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "FakeHost.h"
#include "Scratch.h"

extern "C" oxd::sdk::Plugin* oxd_create_plugin();

namespace oxd::testing {

inline Poco::JSON::Object::Ptr ObjectOf(const Poco::Dynamic::Var& value) {
  return value.extract<Poco::JSON::Object::Ptr>();
}

class PluginMessagesTest : public ::testing::Test {
 protected:
  // `plugin` names the metric owner ("sync"): its series must be "oxd_sync_…".
  void StartPlugin(sdk::Workspace workspace, const std::string& plugin,
                   const std::vector<std::pair<std::string, std::string>>& config = {}) {
    host_ = std::make_unique<FakeHost>(std::move(workspace));
    host_->setMetricsOwner(plugin);
    host_->setConfig(config);
    plugin_.reset(oxd_create_plugin());
    host_->start(*plugin_);
  }

  void TearDown() override {
    if (plugin_) plugin_->stop();
  }

  // The error of a request expected to fail.
  std::string ErrorOf(const std::string& type, const std::string& payload) {
    auto answer = host_->send(type, payload);
    EXPECT_FALSE(answer.reply.success) << type << " " << payload;
    return answer.reply.error;
  }

  Scratch scratch_;
  std::unique_ptr<FakeHost> host_;
  std::unique_ptr<sdk::Plugin> plugin_;
};

}  // namespace oxd::testing
