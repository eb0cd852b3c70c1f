// Request metrics as the router records them: by type and outcome, with the handler's time, on
// series cached per type; the IPC server's unknown and invalid messages on type "other".

#include "host/RequestMetrics.h"

#include "host/Router.h"
#include "runtime/MetricsRegistry.h"

#include <oxd/payload.h>

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace oxd::core {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Route requestRoute(sdk::Handler handler) {
  Route route;
  route.handler = std::move(handler);
  return route;
}

sdk::Reply call(Router& router, const std::string& type) {
  sdk::Request request;
  request.type = type;
  request.payload = new Poco::JSON::Object;
  NullProgress progress;
  return invokeRequest(*router.find(type), request, progress);
}

class RequestMetricsTest : public ::testing::Test {
 protected:
  RequestMetricsTest() {
    router_.setMetrics(std::make_shared<RequestMetrics>(registry_));
    router_.add("good", requestRoute([](auto&, auto&) { return sdk::Reply::ok(); }));
    router_.add("refuses", requestRoute([](auto&, auto&) { return sdk::Reply::fail("no"); }));
    router_.add("throws",
                requestRoute([](auto&, auto&) -> sdk::Reply { throw std::runtime_error("boom"); }));
    router_.add("strict", requestRoute([](const sdk::Request& request, auto&) {
                  sdk::Payload(request.payload).requiredString("name");
                  return sdk::Reply::ok();
                }));
  }

  MetricsRegistry registry_;
  Router router_;
};

TEST_F(RequestMetricsTest, CountsEachCallByTypeAndOutcome) {
  call(router_, "good");
  call(router_, "good");
  call(router_, "refuses");
  call(router_, "throws");
  call(router_, "strict");
  std::string text = registry_.text();
  EXPECT_TRUE(contains(text, "oxd_requests_total{outcome=\"ok\",type=\"good\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, "oxd_requests_total{outcome=\"error\",type=\"good\"} 0\n")) << text;
  EXPECT_TRUE(contains(text, "oxd_requests_total{outcome=\"error\",type=\"refuses\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "oxd_requests_total{outcome=\"error\",type=\"throws\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "oxd_requests_total{outcome=\"invalid\",type=\"strict\"} 1\n"))
      << text;
  EXPECT_TRUE(contains(text, "oxd_request_duration_seconds_count{type=\"good\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, "oxd_request_duration_seconds_count{type=\"strict\"} 1\n")) << text;
}

TEST_F(RequestMetricsTest, UnknownAndInvalidMessagesCountUnderOther) {
  router_.metrics()->unknownType();
  router_.metrics()->invalidLine();
  router_.metrics()->invalidLine();
  std::string text = registry_.text();
  EXPECT_TRUE(contains(text, "oxd_requests_total{outcome=\"unknown\",type=\"other\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "oxd_requests_total{outcome=\"invalid\",type=\"other\"} 2\n")) << text;
}

TEST_F(RequestMetricsTest, ARouteAddedAgainKeepsItsSeries) {
  auto gate = std::make_shared<CallGate>();
  Route route = requestRoute([](auto&, auto&) { return sdk::Reply::ok(); });
  route.owner = "demo";
  route.gate = gate;
  router_.add("demo.x", route);
  call(router_, "demo.x");
  const RequestSeries* before = router_.find("demo.x")->series;
  router_.removeOwner("demo");  // the plugin is disabled, then enabled again
  router_.add("demo.x", route);
  call(router_, "demo.x");
  EXPECT_EQ(router_.find("demo.x")->series, before);
  EXPECT_TRUE(contains(registry_.text(), "oxd_requests_total{outcome=\"ok\",type=\"demo.x\"} 2\n"))
      << registry_.text();
}

TEST(RequestMetricsWithoutRegistryTest, ARouterWithoutMetricsCountsNothing) {
  Router router;
  router.add("good", requestRoute([](auto&, auto&) { return sdk::Reply::ok(); }));
  EXPECT_EQ(router.find("good")->series, nullptr);
  EXPECT_TRUE(call(router, "good").success);
}

}  // namespace
}  // namespace oxd::core
