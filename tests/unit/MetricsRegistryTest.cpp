// The metrics registry: naming rules, one series per name and labels for the registry's life,
// owners kept apart, and what the text and JSON exports say.

#include <gtest/gtest.h>

#include <oxd/metrics.h>

#include <Poco/JSON/Object.h>

#include <cmath>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runtime/MetricsRegistry.h"

namespace oxd::core {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string refusal(const std::function<void()>& register_it) {
  try {
    register_it();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "(accepted)";
}

TEST(MetricsRegistryTest, ACounterCountsAndShowsInTheTextFormat) {
  MetricsRegistry registry;
  auto core = registry.scope("");
  sdk::Counter& ok = core->counter("oxd_things_total", "Things done.", {{"outcome", "ok"}});
  ok.increment();
  ok.increment(2);
  ok.increment(-5);  // ignored: a counter never goes down
  EXPECT_EQ(ok.value(), 3);
  std::string text = registry.text();
  EXPECT_TRUE(contains(text, "# HELP oxd_things_total Things done.\n")) << text;
  EXPECT_TRUE(contains(text, "# TYPE oxd_things_total counter\n")) << text;
  EXPECT_TRUE(contains(text, "oxd_things_total{outcome=\"ok\"} 3\n")) << text;
}

TEST(MetricsRegistryTest, TheSameNameAndLabelsGiveTheSameSeriesAcrossScopes) {
  MetricsRegistry registry;
  sdk::Counter* first = nullptr;
  {
    auto plugin = registry.scope("sync");  // a plugin's first start
    first = &plugin->counter("oxd_sync_pulls_total", "Pulls.", {{"repo", "ledger"}});
    first->increment(4);
  }
  auto again = registry.scope("sync");  // started again after a disable
  sdk::Counter& second = again->counter("oxd_sync_pulls_total", "Pulls.", {{"repo", "ledger"}});
  EXPECT_EQ(&second, first);
  EXPECT_EQ(second.value(), 4);
  sdk::Counter& other = again->counter("oxd_sync_pulls_total", "Pulls.", {{"repo", "team"}});
  EXPECT_NE(&other, first);
  EXPECT_EQ(other.value(), 0);
}

TEST(MetricsRegistryTest, GaugesGoBothWays) {
  MetricsRegistry registry;
  sdk::Gauge& depth = registry.scope("")->gauge("oxd_depth", "Depth.");
  depth.set(5);
  depth.increment();
  depth.decrement(3);
  EXPECT_EQ(depth.value(), 3);
  EXPECT_TRUE(contains(registry.text(), "# TYPE oxd_depth gauge\noxd_depth 3\n"))
      << registry.text();
}

TEST(MetricsRegistryTest, AHistogramHasCumulativeBucketsCountAndSum) {
  MetricsRegistry registry;
  sdk::Histogram& latency =
      registry.scope("")->histogram("oxd_wait_seconds", "Waits.", {0.1, 1}, {{"kind", "a"}});
  latency.observe(0.05);
  latency.observe(0.5);
  latency.observe(3);
  std::string text = registry.text();
  EXPECT_TRUE(contains(text, "oxd_wait_seconds_count{kind=\"a\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "oxd_wait_seconds_sum{kind=\"a\"} 3.5")) << text;
  EXPECT_TRUE(contains(text, "oxd_wait_seconds_bucket{kind=\"a\",le=\"0.1\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "oxd_wait_seconds_bucket{kind=\"a\",le=\"1\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, "oxd_wait_seconds_bucket{kind=\"a\",le=\"+Inf\"} 3\n")) << text;

  Poco::JSON::Array::Ptr families = registry.families();
  ASSERT_EQ(families->size(), 1u);
  Poco::JSON::Object::Ptr family = families->getObject(0);
  EXPECT_EQ(family->getValue<std::string>("name"), "oxd_wait_seconds");
  EXPECT_EQ(family->getValue<std::string>("type"), "histogram");
  Poco::JSON::Object::Ptr series = family->getArray("series")->getObject(0);
  EXPECT_EQ(series->getObject("labels")->getValue<std::string>("kind"), "a");
  EXPECT_EQ(series->getValue<int>("count"), 3);
  EXPECT_NEAR(series->getValue<double>("sum"), 3.55, 1e-9);
  Poco::JSON::Array::Ptr buckets = series->getArray("buckets");
  ASSERT_EQ(buckets->size(), 3u);
  EXPECT_EQ(buckets->getObject(0)->getValue<std::string>("le"), "0.1");
  EXPECT_EQ(buckets->getObject(0)->getValue<int>("count"), 1);
  EXPECT_EQ(buckets->getObject(2)->getValue<std::string>("le"), "+Inf");
  EXPECT_EQ(buckets->getObject(2)->getValue<int>("count"), 3);
}

TEST(MetricsRegistryTest, JsonFamiliesCarryNameHelpTypeAndValues) {
  MetricsRegistry registry;
  auto core = registry.scope("");
  core->counter("oxd_a_total", "A.", {{"x", "1"}}).increment(7);
  core->gauge("oxd_b", "B.").set(-2);
  Poco::JSON::Array::Ptr families = registry.families();
  ASSERT_EQ(families->size(), 2u);
  std::map<std::string, Poco::JSON::Object::Ptr> by_name;
  for (std::size_t i = 0; i < families->size(); ++i) {
    by_name[families->getObject(i)->getValue<std::string>("name")] = families->getObject(i);
  }
  ASSERT_TRUE(by_name.count("oxd_a_total"));
  EXPECT_EQ(by_name["oxd_a_total"]->getValue<std::string>("help"), "A.");
  EXPECT_EQ(by_name["oxd_a_total"]->getValue<std::string>("type"), "counter");
  auto a = by_name["oxd_a_total"]->getArray("series")->getObject(0);
  EXPECT_EQ(a->getValue<double>("value"), 7);
  EXPECT_EQ(a->getObject("labels")->getValue<std::string>("x"), "1");
  ASSERT_TRUE(by_name.count("oxd_b"));
  EXPECT_EQ(by_name["oxd_b"]->getValue<std::string>("type"), "gauge");
  EXPECT_EQ(by_name["oxd_b"]->getArray("series")->getObject(0)->getValue<double>("value"), -2);
}

TEST(MetricsRegistryTest, APluginsNamesStartWithItsPrefix) {
  MetricsRegistry registry;
  EXPECT_EQ(MetricsRegistry::prefixFor("sync"), "oxd_sync_");
  EXPECT_EQ(MetricsRegistry::prefixFor("My-Plugin"), "oxd_my_plugin_");
  auto plugin = registry.scope("My-Plugin");
  EXPECT_NO_THROW(plugin->counter("oxd_my_plugin_runs_total", "Runs."));
  EXPECT_EQ(refusal([&] { plugin->counter("oxd_runs_total", "Runs."); }),
            "metric 'oxd_runs_total': the name must start with 'oxd_my_plugin_' (see "
            "oxd/metrics.h)");
  EXPECT_EQ(refusal([&] { plugin->counter("oxd_my_plugin_", "Runs."); }),
            "metric 'oxd_my_plugin_': the name must start with 'oxd_my_plugin_' (see "
            "oxd/metrics.h)");
  EXPECT_EQ(refusal([&] { registry.scope("")->gauge("queue", "Q."); }),
            "metric 'queue': the name must start with 'oxd_' (see oxd/metrics.h)");
}

TEST(MetricsRegistryTest, BadNamesAndLabelsAreRefusedWithTheRule) {
  MetricsRegistry registry;
  auto core = registry.scope("");
  EXPECT_TRUE(contains(refusal([&] { core->counter("oxd_Things_total", "T."); }), "[a-z0-9_]"));
  EXPECT_TRUE(contains(refusal([&] { core->counter("oxd_things", "T."); }),
                       "a counter's name ends in _total"));
  EXPECT_TRUE(contains(refusal([&] { core->gauge("oxd_things_total", "T."); }),
                       "only a counter's name ends in _total"));
  EXPECT_TRUE(contains(refusal([&] { core->gauge("oxd_wait_count", "T."); }),
                       "the suffix '_count' is reserved"));
  EXPECT_TRUE(contains(refusal([&] { core->gauge("oxd_wait_ms", "T."); }), "part 'ms'"));
  EXPECT_TRUE(contains(refusal([&] { core->gauge("oxd_wait_milliseconds", "T."); }),
                       "part 'milliseconds'"));
  EXPECT_TRUE(contains(refusal([&] { core->gauge("oxd_queue_gauge", "T."); }), "part 'gauge'"));
  EXPECT_TRUE(contains(refusal([&] { core->gauge("oxd__queue", "T."); }), "empty part between"));
  EXPECT_TRUE(contains(refusal([&] { core->gauge("oxd_queue", ""); }), "help text is empty"));
  EXPECT_TRUE(contains(refusal([&] {
                         core->gauge("oxd_queue", "Q.", {{"Kind", "a"}});
                       }),
                       "label 'Kind' is not [a-z][a-z0-9_]*"));
  EXPECT_TRUE(contains(refusal([&] {
                         core->histogram("oxd_h_seconds", "H.", {1}, {{"le", "x"}});
                       }),
                       "label 'le' is reserved"));
  EXPECT_TRUE(contains(refusal([&] { core->histogram("oxd_h_seconds", "H.", {}); }),
                       "a histogram needs buckets"));
  EXPECT_TRUE(contains(refusal([&] {
                         core->histogram("oxd_h_seconds", "H.", {1, 1});
                       }),
                       "strictly increasing"));
  EXPECT_TRUE(contains(refusal([&] {
                         core->histogram("oxd_h_seconds", "H.", {1, INFINITY});
                       }),
                       "finite"));
  // Nothing refused was registered.
  EXPECT_EQ(registry.families()->size(), 0u);
}

TEST(MetricsRegistryTest, ANameIsOneFamilyWithOneShape) {
  MetricsRegistry registry;
  auto core = registry.scope("");
  core->counter("oxd_jobs_total", "Jobs.", {{"kind", "a"}});
  core->histogram("oxd_job_seconds", "Job time.", {1, 2});
  EXPECT_TRUE(contains(refusal([&] { core->counter("oxd_jobs_total", "Other help."); }),
                       "another help text"));
  EXPECT_TRUE(contains(refusal([&] {
                         core->counter("oxd_jobs_total", "Jobs.", {{"x", "a"}});
                       }),
                       "other label names"));
  EXPECT_TRUE(
      contains(refusal([&] { core->counter("oxd_jobs_total", "Jobs."); }), "other label names"));
  EXPECT_TRUE(contains(refusal([&] {
                         core->histogram("oxd_job_seconds", "Job time.", {1, 3});
                       }),
                       "other buckets"));
  EXPECT_TRUE(
      contains(refusal([&] { core->gauge("oxd_job_seconds", "Job time."); }), "another kind"));
}

TEST(MetricsRegistryTest, AnOwnersFamiliesAreItsOwn) {
  MetricsRegistry registry;
  registry.scope("")->counter("oxd_requests_total", "Requests.");
  // A plugin called "requests" has the prefix oxd_requests_, but the family is the core's.
  EXPECT_EQ(
      refusal([&] { registry.scope("requests")->counter("oxd_requests_total", "Requests."); }),
      "metric 'oxd_requests_total': already registered by the core (see oxd/metrics.h)");
  registry.scope("a")->counter("oxd_a_runs_total", "Runs.");
  EXPECT_EQ(refusal([&] { registry.scope("")->counter("oxd_a_runs_total", "Runs."); }),
            "metric 'oxd_a_runs_total': already registered by plugin 'a' (see oxd/metrics.h)");
}

TEST(MetricsRegistryTest, ConcurrentUpdatesAreAllCounted) {
  MetricsRegistry registry;
  auto core = registry.scope("");
  sdk::Counter& counter = core->counter("oxd_hits_total", "Hits.");
  sdk::Histogram& histogram = core->histogram("oxd_hit_seconds", "Hit time.", {0.5});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter.increment();
        histogram.observe(0.25);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), 40000);
  EXPECT_TRUE(contains(registry.text(), "oxd_hit_seconds_count 40000\n")) << registry.text();
}

}  // namespace
}  // namespace oxd::core
