#pragma once
// The `status` reply: StatusData of docs/protocol.md#status as far as the core knows it, plus one
// section per plugin that registered one (data.<section>). Built on a worker thread per request.

#include <Poco/JSON/Object.h>

namespace oxd::core {

class Daemon;

// `activity_timestamps` false leaves out each activity key's ring of up to 100 stamps (count and
// last stay): up to ~25 000 of them, which `oxctl status` never shows and an agent hook should
// not have to parse. The original always sent them, so they stay the default.
Poco::JSON::Object::Ptr statusReport(Daemon& daemon, bool activity_timestamps = true);

}  // namespace oxd::core
