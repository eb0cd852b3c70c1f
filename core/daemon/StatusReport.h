#pragma once
// The `status` reply: StatusData of spec §6.1 as far as the core knows it, plus one section
// per plugin that registered one (data.<section>). Built on a worker thread per request.

#include <Poco/JSON/Object.h>

namespace oxd::core {

class Daemon;

Poco::JSON::Object::Ptr statusReport(Daemon& daemon);

}  // namespace oxd::core
