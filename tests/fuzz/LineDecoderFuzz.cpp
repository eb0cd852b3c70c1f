// libFuzzer target: arbitrary bytes through what the IPC server does with a first line, minus the
// socket — framing, decodeRequest, router lookup, invokeRequest, encodeReply — checking that
// nothing crashes and that every reply is one well-formed NDJSON line.
//
// Build and run: tests/fuzz/run.sh

#include "host/Router.h"
#include "ipc/Protocol.h"

#include <Poco/JSON/Parser.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using namespace oxd;

core::Router& router() {
  static core::Router* instance = [] {
    auto* router = new core::Router;
    core::Route ping;
    ping.run_inline = true;
    ping.handler = [](const sdk::Request&, sdk::Progress&) { return sdk::Reply::ok("pong"); };
    router->add("ping", ping);
    // Echoes client-controlled text through our own string encoder.
    core::Route echo;
    echo.handler = [](const sdk::Request& request, sdk::Progress& progress) {
      progress.stage(request.workspace_id, request.caller_id);
      std::string text = request.workspace_id + request.caller_id;
      for (const auto& key : request.payload->getNames()) text += key;
      return sdk::Reply::ok(text);
    };
    router->add("echo", echo);
    // Throws on a bad field, as real handlers do; otherwise sends the payload back through
    // Poco's Stringifier, which must print whatever Poco's parser accepted as valid JSON.
    core::Route typed;
    typed.handler = [](const sdk::Request& request, sdk::Progress&) {
      auto value = request.payload->get("agent_id");
      if (!value.isEmpty() && !value.isString())
        throw std::invalid_argument("agent_id: not a string");
      return sdk::Reply::ok(request.payload);
    };
    router->add("typed", typed);
    return router;
  }();
  return *instance;
}

[[noreturn]] void fail(const char* what, std::string_view reply) {
  std::fprintf(stderr, "invariant broken: %s\nreply: %.*s\n", what, static_cast<int>(reply.size()),
               reply.data());
  std::abort();
}

// A reply is exactly one line holding one JSON object with a boolean "success".
void checkReplyLine(const std::string& reply) {
  if (reply.empty() || reply.back() != '\n' || reply.find('\n') != reply.size() - 1) {
    fail("not exactly one line", reply);
  }
  Poco::JSON::Object::Ptr object;
  try {
    Poco::JSON::Parser parser;
    object = parser.parse(reply.substr(0, reply.size() - 1)).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception& exception) {
    fail(exception.what(), reply);
  }
  if (!object || !object->get("success").isBoolean()) fail("no boolean success", reply);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  if (auto newline = line.find('\n'); newline != std::string_view::npos)
    line = line.substr(0, newline);

  core::DecodedRequest decoded = core::decodeRequest(line);
  if (!decoded.ok) {
    if (decoded.error != core::kInvalidMessageFormat &&
        decoded.error != core::kUnknownMessageType && decoded.error != core::kPayloadNotObject) {
      fail("unexpected decode error", decoded.error);
    }
    checkReplyLine(core::encodeReply(sdk::Reply::fail(decoded.error)));
    return 0;
  }
  if (decoded.request.type.empty() || !decoded.request.payload)
    fail("accepted a bad request", line);

  core::RoutePtr route = router().find(decoded.request.type);
  if (!route) {
    checkReplyLine(core::encodeReply(sdk::Reply::fail(std::string(core::kUnknownMessageType))));
    return 0;
  }
  core::NullProgress progress;
  sdk::Reply reply = core::invokeRequest(*route, decoded.request, progress);
  std::string encoded = core::encodeReply(reply);
  checkReplyLine(encoded);
  checkReplyLine(core::encodeProgress(decoded.request.workspace_id, 1, decoded.request.caller_id));
  return 0;
}
