#pragma once
// Typed handlers: a message's payload is parsed into its request struct once, at the edge, and
// the handler only ever sees the struct.
//
//   sdk::handleTyped<WhispersRequest>(host, "whispers",
//       [&](const WhispersRequest& request, sdk::Progress&) { return sdk::Reply::ok(...); });
//
// A request struct provides one of
//   static Req Parse(const sdk::Payload&)   the payload's fields only (the usual case)
//   static Req Parse(const sdk::Request&)   when it needs the envelope too (caller_id,
//                                           workspace_id); read the fields with
//                                           sdk::Payload(request.payload)
// and Parse throws sdk::BadPayload naming the field. The host answers a request whose Parse
// threw with {"success":false,"error":"invalid payload: <what>"}, as for any handler that
// throws BadPayload. A message without a payload takes sdk::NoPayload.
//
// Header-only; registration rules are Host's (only inside Plugin::start()).

#include <oxd/host.h>
#include <oxd/payload.h>

#include <concepts>
#include <functional>
#include <optional>
#include <string>
#include <utility>

namespace oxd::sdk {

template <typename Req>
concept ParsesPayload = requires(const Payload& payload) {
  { Req::Parse(payload) } -> std::same_as<Req>;
};

template <typename Req>
concept ParsesRequest = requires(const Request& request) {
  { Req::Parse(request) } -> std::same_as<Req>;
};

template <typename Req>
concept TypedRequest = ParsesPayload<Req> || ParsesRequest<Req>;

// For messages that take no payload: whatever the client sent is ignored, as before.
struct NoPayload {
  static NoPayload Parse(const Payload&) { return {}; }
};

template <TypedRequest Req>
Req parseRequest(const Request& request) {
  if constexpr (ParsesRequest<Req>) {
    return Req::Parse(request);
  } else {
    return Req::Parse(Payload(request.payload));
  }
}

template <TypedRequest Req>
void handleTyped(Host& host, const std::string& type,
                 std::function<Reply(const Req&, Progress&)> handler) {
  host.handle(type, [handler = std::move(handler)](const Request& request, Progress& progress) {
    return handler(parseRequest<Req>(request), progress);
  });
}

// The handler of a typed one-way message. A payload Parse refuses goes to `on_invalid` when
// given (a one-way message has no reply: the plugin reports it where the user looks, e.g.
// Host::errors()); else it propagates and the host logs "one-way <type> failed: invalid
// payload: …".
template <TypedRequest Req>
OneWayHandler typedOneWay(std::function<void(const Req&)> handler,
                          std::function<void(const BadPayload&)> on_invalid) {
  return
      [handler = std::move(handler), on_invalid = std::move(on_invalid)](const Request& request) {
        if (!on_invalid) return handler(parseRequest<Req>(request));
        std::optional<Req> parsed;
        try {
          parsed.emplace(parseRequest<Req>(request));
        } catch (const BadPayload& invalid) {
          on_invalid(invalid);
          return;
        }
        handler(*parsed);
      };
}

template <TypedRequest Req>
void handleOneWayTyped(Host& host, const std::string& type, std::function<void(const Req&)> handler,
                       std::function<void(const BadPayload&)> on_invalid = nullptr) {
  host.handleOneWay(type, typedOneWay<Req>(std::move(handler), std::move(on_invalid)));
}

// The same for a handler that only records into memory (Host::handleQuickOneWay).
template <TypedRequest Req>
void handleQuickOneWayTyped(Host& host, const std::string& type,
                            std::function<void(const Req&)> handler,
                            std::function<void(const BadPayload&)> on_invalid = nullptr) {
  host.handleQuickOneWay(type, typedOneWay<Req>(std::move(handler), std::move(on_invalid)));
}

}  // namespace oxd::sdk
