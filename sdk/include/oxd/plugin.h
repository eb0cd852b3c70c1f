#pragma once
// Plugin: what a shared object under <plugin dir>/<name>.so provides.
//
// A plugin library exports two C symbols, declared by OXD_PLUGIN below:
//   oxd_plugin_descriptor   const oxd::sdk::Descriptor   (read before anything is created)
//   oxd_create_plugin       oxd::sdk::Plugin* ()         (called once per start; host owns it)
// The host loads libraries with RTLD_NOW | RTLD_LOCAL and never unloads them; build plugins with
// hidden visibility so nothing but these two symbols is exported.
//
// Lifetime: create → start(host) → … → stop() → destroy. start() and stop() run on the host's
// control thread, never concurrently with each other. A plugin disabled at runtime and enabled
// again is created anew.

#include <oxd/descriptor.h>
#include <oxd/host.h>

#include <string_view>

namespace oxd::sdk {

class Plugin {
 public:
  Plugin() = default;
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;
  virtual ~Plugin() = default;

  // Register handlers, tasks and subscriptions through `host`, which outlives the plugin's
  // running state. Throw to refuse to start, with a clear reason in what().
  virtual void start(Host& host) = 0;
  // Cancel and join the plugin's own threads, flush state. Bounded: the daemon gives every
  // plugin together 5 s to stop. The host has already drained the plugin's registrations.
  virtual void stop() = 0;
};

}  // namespace oxd::sdk

#define OXD_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

// Declares a plugin's exports: OXD_PLUGIN(kMyDescriptor, MyPlugin)
#define OXD_PLUGIN(descriptor_value, PluginClass)                                          \
  OXD_PLUGIN_EXPORT const ::oxd::sdk::Descriptor oxd_plugin_descriptor = descriptor_value; \
  OXD_PLUGIN_EXPORT ::oxd::sdk::Plugin* oxd_create_plugin() { return new PluginClass(); }
