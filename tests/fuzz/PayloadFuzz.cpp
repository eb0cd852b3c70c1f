// libFuzzer target: every message's payload through the parse the router's handler runs first —
// sdk::parseRequest<Req> for each typed request of the core and the plugins, the `checkout`
// wrapper the sync plugin calls itself, and the core's HeartbeatHandler for `heartbeat`.
//
// Input: the message type, a newline, then the payload's JSON text. The request is decoded by
// the daemon's own line decoder (core::decodeRequest) from {"type":…,"payload":<rest>}, so the
// payload object is exactly what a handler receives. A refused payload (sdk::BadPayload, and
// for `checkout` the std::invalid_argument its handler answers with) is an expected outcome;
// anything else escaping, a crash, a leak or a sanitizer report is a finding.
//
// Build and run: tests/fuzz/run.sh (tests/fuzz/README.md).

#include "codedb/IndexRequest.h"
#include "codedb/SearchRequest.h"
#include "ipc/Protocol.h"
#include "state/Credentials.h"
#include "state/HeartbeatHandler.h"
#include "state/InstanceStore.h"
#include "sync/Checkout.h"
#include "sync/writes/SessionFinalize.h"
#include "sync/writes/SessionWatches.h"
#include "telemetry/Friction.h"
#include "telemetry/Messages.h"
#include "whisper/Requests.h"

#include <oxd/calls.h>
#include <oxd/handlers.h>

#include <Poco/JSON/Stringifier.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

using namespace oxd;

// Parses and, where the result is plain data, reads it back (so a view into freed memory or an
// uninitialised field shows up under ASan/UBSan, not only in the parse).
template <typename Req>
void parse(const sdk::Request& request) {
  Req parsed = sdk::parseRequest<Req>(request);
  (void)parsed;
}

core::HeartbeatHandler& heartbeats() {
  static auto* instances = new core::InstanceStore;
  static auto* credentials = new core::CredentialStore;
  static auto* handler = new core::HeartbeatHandler(*instances, *credentials);
  return *handler;
}

const std::map<std::string, std::function<void(const sdk::Request&)>, std::less<>>& parsers() {
  static const auto* table =
      new std::map<std::string, std::function<void(const sdk::Request&)>, std::less<>>{
          // core
          {"heartbeat",
           [](const sdk::Request& request) {
             sdk::HeartbeatEvent event = heartbeats().handle(request.payload, request.caller_id);
             std::ostringstream text;
             Poco::JSON::Stringifier::stringify(event.toVar(), text);
           }},
          // whisper
          {"whispers", parse<whisper::WhispersRequest>},
          {"whisper_history", parse<whisper::HistoryRequest>},
          {"whisper_add", parse<whisper::AddRequest>},
          {"murmur_pause", parse<whisper::PauseRequest>},
          {"murmur_resume", parse<whisper::PauseRequest>},
          // codedb
          {"code_index", parse<codedb::CodeIndexRequest>},
          {"code_search", parse<codedb::SearchRequest>},
          // sync: checkout is parsed by its handler itself (plugins/sync/Messages.cpp)
          {"checkout",
           [](const sdk::Request& request) {
             try {
               sync::CheckoutRequest::Parse(sdk::Payload(request.payload));
             } catch (const std::invalid_argument& refused) {
               if (std::string_view(refused.what()).rfind("invalid checkout payload: ", 0) != 0)
                 throw;
             }
           }},
          {"murmur", parse<sdk::MurmurRequest>},
          {"session_finalize", parse<sync::SessionFinalizeRequest>},
          {"session_watch_start", parse<sync::SessionWatchStartRequest>},
          {"session_watch_stop", parse<sync::SessionWatchStopRequest>},
          // telemetry
          {"telemetry", parse<telemetry::TelemetryMessage>},
          {"friction",
           [](const sdk::Request& request) {
             telemetry::FrictionEvent event =
                 telemetry::FrictionEvent::Parse(sdk::Payload(request.payload));
             event.toJson();
           }},
          // the messages without a payload (sync, team_sync, status…)
          {"no_payload", parse<sdk::NoPayload>},
      };
  return *table;
}

// The type as a JSON string: the fuzzer picks it, the decoder sees it quoted.
std::string quoted(std::string_view text) {
  std::ostringstream out;
  Poco::JSON::Stringifier::formatString(std::string(text), out);
  return out.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  std::string_view type = input.substr(0, newline);
  std::string_view payload = input.substr(newline + 1);
  auto parser = parsers().find(type);
  if (parser == parsers().end()) return -1;  // not a message type: not worth keeping
  // The decoder reads one line; a payload holding a newline never reaches a handler.
  if (payload.find('\n') != std::string_view::npos) return -1;

  std::string line = "{\"type\":" + quoted(type) +
                     ",\"caller_id\":\"fuzz\",\"payload\":" + std::string(payload) + "}";
  core::DecodedRequest decoded = core::decodeRequest(line);
  if (!decoded.ok) return 0;
  try {
    parser->second(decoded.request);
  } catch (const sdk::BadPayload&) {
    // The expected refusal: the host answers "invalid payload: …".
  } catch (const std::exception& escaped) {
    std::fprintf(stderr, "%.*s: not a BadPayload: %s\n", static_cast<int>(type.size()), type.data(),
                 escaped.what());
    std::abort();
  }
  return 0;
}
