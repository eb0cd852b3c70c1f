#pragma once
// Requests, replies and progress: what a handler receives and returns.
//
// A Request and a Reply are values; they may be copied and moved between threads freely.
// A Progress object is owned by the host and is valid only during the handler call that
// received it; it may be used from that handler's thread only.

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace oxd::sdk {

struct Request {
  std::string type;
  std::string workspace_id;  // as sent by the client; may differ from ours (logged, still served)
  std::string caller_id;
  // Never null: an absent payload is an empty object. A payload that is not a JSON object is
  // refused by the host with "invalid payload: …" before any handler sees it.
  Poco::JSON::Object::Ptr payload = new Poco::JSON::Object;
  // Set by the host on Host::call: the calling plugin's name. Empty for a request that came
  // over the socket, whatever its caller_id says (a client cannot forge it).
  std::string calling_plugin;
};

struct Reply {
  bool success = true;
  std::string error;
  Poco::Dynamic::Var data;  // empty: no "data" key on the wire
  // Optional. The host calls it exactly once after the handler returned, on a worker thread and
  // inside the plugin's call gate: with true once the reply's last byte is in the client's
  // socket (Host::call: once the reply is handed back), with false when it never will be (the
  // client left, the write deadline passed, a progress line was torn). Not called when the
  // plugin is stopping by then. A handler uses it to commit what the reply hands out only
  // once the client can read it (docs/sdk.md#after-the-reply-is-written).
  std::function<void(bool written)> on_sent;

  static Reply ok(Poco::Dynamic::Var data = {}) {
    Reply reply;
    reply.data = std::move(data);
    return reply;
  }
  static Reply fail(std::string error) {
    Reply reply;
    reply.success = false;
    reply.error = std::move(error);
    return reply;
  }
};

// Streamed to the client as ProgressResponse lines before the final reply. Writing is best
// effort: a slow client (100 ms write deadline) or a gone one loses lines, never blocks.
class Progress {
 public:
  virtual ~Progress() = default;
  virtual void stage(std::string_view stage, std::string_view message) = 0;
  virtual void percent(std::string_view stage, int percent, std::string_view message) = 0;
  // True once the client has gone away or the daemon is shutting down: stop early.
  virtual bool cancelled() const = 0;
};

}  // namespace oxd::sdk
