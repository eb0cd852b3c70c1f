// A shared object that is not an oxd plugin: no oxd_plugin_descriptor.

#include <oxd/plugin.h>

OXD_PLUGIN_EXPORT int oxd_something_else() { return 42; }
