#include "host/Router.h"

#include <oxd/payload.h>

#include <gtest/gtest.h>

namespace oxd::core {
namespace {

Route requestRoute(sdk::Handler handler, std::shared_ptr<CallGate> gate = nullptr) {
  Route route;
  route.handler = std::move(handler);
  route.owner = gate ? "demo" : "";
  route.gate = std::move(gate);
  return route;
}

TEST(RouterTest, RefusesATypeRegisteredTwice) {
  Router router;
  EXPECT_TRUE(
      router.add("ping", requestRoute([](auto&, auto&) { return sdk::Reply::ok("pong"); })));
  EXPECT_FALSE(router.add("ping", requestRoute([](auto&, auto&) { return sdk::Reply::ok(); })));
  ASSERT_NE(router.find("ping"), nullptr);
  EXPECT_EQ(router.find("nope"), nullptr);
}

TEST(RouterTest, RemovesEveryRouteOfAnOwner) {
  Router router;
  auto gate = std::make_shared<CallGate>();
  router.add("a", requestRoute([](auto&, auto&) { return sdk::Reply::ok(); }, gate));
  router.add("b", requestRoute([](auto&, auto&) { return sdk::Reply::ok(); }, gate));
  router.add("ping", requestRoute([](auto&, auto&) { return sdk::Reply::ok(); }));
  EXPECT_EQ(router.removeOwner("demo").size(), 2u);
  EXPECT_EQ(router.types(), std::vector<std::string>{"ping"});
}

TEST(RouterTest, ThrowingHandlerBecomesAnErrorReplyAndIsCounted) {
  auto gate = std::make_shared<CallGate>();
  auto route =
      requestRoute([](auto&, auto&) -> sdk::Reply { throw std::runtime_error("boom"); }, gate);
  NullProgress progress;
  sdk::Reply reply = invokeRequest(route, sdk::Request{}, progress);
  EXPECT_FALSE(reply.success);
  EXPECT_EQ(reply.error, "boom");
  EXPECT_EQ(gate->counters().errors, 1u);
  EXPECT_EQ(gate->counters().last_error, "boom");
}

TEST(RouterTest, BadPayloadBecomesInvalidPayloadError) {
  auto route = requestRoute([](const sdk::Request& request, auto&) {
    sdk::Payload(request.payload).requiredString("agent_id");
    return sdk::Reply::ok();
  });
  sdk::Request request;
  request.payload->set("agent_id", 42);
  NullProgress progress;
  EXPECT_EQ(invokeRequest(route, request, progress).error,
            "invalid payload: agent_id: expected string, got number");
}

TEST(RouterTest, ClosedGateRefusesCalls) {
  auto gate = std::make_shared<CallGate>();
  gate->close();
  auto route = requestRoute([](auto&, auto&) { return sdk::Reply::ok(); }, gate);
  NullProgress progress;
  EXPECT_EQ(invokeRequest(route, sdk::Request{}, progress).error, "plugin demo is not running");
}

}  // namespace
}  // namespace oxd::core
