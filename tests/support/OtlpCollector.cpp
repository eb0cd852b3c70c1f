#include "OtlpCollector.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <sstream>

#include "OtlpJsonCheck.h"

namespace oxd::testing {

namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// ox's telemetry body: {"clientid": UUID, "events": [{uuid, ts, tslocal, event, props}]}.
void CheckOxTelemetry(const Poco::JSON::Object::Ptr& body, std::vector<std::string>& problems) {
  static const std::regex kUuid(
      "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  if (!body) return problems.push_back("not a JSON object");
  std::vector<std::string> names;
  body->getNames(names);
  for (const auto& name : names) {
    if (name != "clientid" && name != "events") problems.push_back("unknown field " + name);
  }
  if (!std::regex_match(body->optValue<std::string>("clientid", ""), kUuid)) {
    problems.push_back("clientid is not a UUIDv4");
  }
  auto events = body->getArray("events");
  if (!events || events->size() == 0) return problems.push_back("no events");
  for (std::size_t i = 0; i < events->size(); ++i) {
    auto event = events->getObject(i);
    std::string at = "events[" + std::to_string(i) + "]";
    if (!event) {
      problems.push_back(at + ": not an object");
      continue;
    }
    if (!std::regex_match(event->optValue<std::string>("uuid", ""), kUuid)) {
      problems.push_back(at + ".uuid: not a UUIDv4");
    }
    if (!event->has("ts") || !event->get("ts").isInteger())
      problems.push_back(at + ".ts: not an integer");
    if (event->optValue<std::string>("tslocal", "").size() < 20)
      problems.push_back(at + ".tslocal: not RFC 3339");
    if (event->optValue<std::string>("event", "").empty()) problems.push_back(at + ".event: empty");
    if (!event->getObject("props")) problems.push_back(at + ".props: not an object");
  }
}

// ox's friction body: {"v": version, "events": [≤ 100 FrictionPayload]}.
void CheckOxFriction(const Poco::JSON::Object::Ptr& body, std::vector<std::string>& problems) {
  if (!body) return problems.push_back("not a JSON object");
  if (body->optValue<std::string>("v", "").empty()) problems.push_back("v: missing");
  auto events = body->getArray("events");
  if (!events || events->size() == 0 || events->size() > 100) {
    return problems.push_back("events: expected 1 to 100");
  }
  for (std::size_t i = 0; i < events->size(); ++i) {
    auto event = events->getObject(i);
    std::string at = "events[" + std::to_string(i) + "]";
    if (!event) {
      problems.push_back(at + ": not an object");
      continue;
    }
    for (const char* field : {"ts", "kind", "actor", "path_bucket", "input", "error_msg"}) {
      if (!event->has(field) || !event->get(field).isString()) {
        problems.push_back(at + "." + field + ": missing or not a string");
      }
    }
    if (event->optValue<std::string>("input", "").size() > 500)
      problems.push_back(at + ".input: over 500 bytes");
    if (event->optValue<std::string>("error_msg", "").size() > 200) {
      problems.push_back(at + ".error_msg: over 200 bytes");
    }
  }
}

}  // namespace

class OtlpCollector::Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(OtlpCollector& owner) : owner_(owner) {}
  void handleRequest(Poco::Net::HTTPServerRequest& in,
                     Poco::Net::HTTPServerResponse& out) override {
    ReceivedRequest request;
    request.method = in.getMethod();
    request.path = in.getURI();
    for (const auto& [name, value] : in) request.headers[Lower(name)] = value;
    std::ostringstream body;
    Poco::StreamCopier::copyStream(in.stream(), body);
    request.body = body.str();
    std::vector<std::string> problems;
    try {
      request.json = Poco::JSON::Parser().parse(request.body).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
    }
    if (request.method != "POST") problems.push_back("method " + request.method + ", not POST");
    std::string type = request.headers["content-type"];
    if (type.rfind("application/json", 0) != 0) problems.push_back("Content-Type " + type);
    if (request.path == "/v1/logs") {
      for (auto& problem : OtlpLogsProblems(request.body)) problems.push_back(problem);
    } else if (request.path == "/v1/metrics") {
      for (auto& problem : OtlpMetricsProblems(request.body)) problems.push_back(problem);
    } else if (request.path == "/api/v1/cli/friction") {
      CheckOxFriction(request.json, problems);
    } else {
      CheckOxTelemetry(request.json, problems);
    }
    CollectorAnswer answer = owner_.take(request);
    if (answer.hang) {
      owner_.record(request, problems);
      owner_.waitWhileHanging();
      return;
    }
    request.status = answer.status;
    owner_.record(request, problems);
    out.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
    out.setContentType("application/json");
    for (const auto& [name, value] : answer.headers) out.set(name, value);
    out.setContentLength(static_cast<std::streamsize>(answer.body.size()));
    out.send() << answer.body;
  }

 private:
  OtlpCollector& owner_;
};

namespace {

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(OtlpCollector& owner) : owner_(owner) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new OtlpCollector::Handler(owner_);
  }

 private:
  OtlpCollector& owner_;
};

}  // namespace

OtlpCollector::OtlpCollector() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(8);
  params->setKeepAlive(false);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);
  server_->start();
}

OtlpCollector::~OtlpCollector() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  server_->stopAll(true);
}

void OtlpCollector::script(std::vector<CollectorAnswer> answers) {
  std::lock_guard lock(mutex_);
  script_ = std::move(answers);
}

void OtlpCollector::setFallback(CollectorAnswer answer) {
  std::lock_guard lock(mutex_);
  fallback_ = std::move(answer);
}

CollectorAnswer OtlpCollector::take(ReceivedRequest&) {
  std::lock_guard lock(mutex_);
  if (script_.empty()) return fallback_;
  CollectorAnswer answer = script_.front();
  script_.erase(script_.begin());
  return answer;
}

void OtlpCollector::record(ReceivedRequest request, std::vector<std::string> problems) {
  std::lock_guard lock(mutex_);
  std::string prefix = request.path + " #" + std::to_string(requests_.size()) + ": ";
  for (auto& problem : problems) problems_.push_back(prefix + problem);
  requests_.push_back(std::move(request));
  changed_.notify_all();
}

void OtlpCollector::waitWhileHanging() {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::seconds(60), [&] { return closing_; });
}

std::vector<ReceivedRequest> OtlpCollector::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<ReceivedRequest> OtlpCollector::requests(const std::string& path) const {
  std::vector<ReceivedRequest> out;
  for (auto& request : requests()) {
    if (request.path == path) out.push_back(request);
  }
  return out;
}

std::vector<std::string> OtlpCollector::problems() const {
  std::lock_guard lock(mutex_);
  return problems_;
}

bool OtlpCollector::waitForRequests(const std::string& path, std::size_t n,
                                    std::chrono::milliseconds limit) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, limit, [&] {
    return static_cast<std::size_t>(std::count_if(requests_.begin(), requests_.end(),
                                                  [&](const auto& r) { return r.path == path; })) >=
           n;
  });
}

std::vector<Poco::JSON::Object::Ptr> OtlpCollector::logRecords() const {
  std::vector<Poco::JSON::Object::Ptr> records;
  for (const auto& request : requests("/v1/logs")) {
    if (!request.json || request.status != 200) continue;
    auto resources = request.json->getArray("resourceLogs");
    for (std::size_t r = 0; resources && r < resources->size(); ++r) {
      auto scopes = resources->getObject(r)->getArray("scopeLogs");
      for (std::size_t s = 0; scopes && s < scopes->size(); ++s) {
        auto logs = scopes->getObject(s)->getArray("logRecords");
        for (std::size_t l = 0; logs && l < logs->size(); ++l)
          records.push_back(logs->getObject(l));
      }
    }
  }
  return records;
}

std::string AttributeOf(const Poco::JSON::Object::Ptr& owner, const std::string& key) {
  if (!owner) return "";
  auto attributes = owner->getArray("attributes");
  for (std::size_t i = 0; attributes && i < attributes->size(); ++i) {
    auto pair = attributes->getObject(i);
    if (pair->optValue<std::string>("key", "") != key) continue;
    auto value = pair->getObject("value");
    if (!value) return "";
    for (const char* kind : {"stringValue", "intValue"}) {
      if (value->has(kind)) return value->get(kind).convert<std::string>();
    }
    if (value->has("boolValue")) return value->getValue<bool>("boolValue") ? "true" : "false";
    if (value->has("doubleValue")) return value->get("doubleValue").convert<std::string>();
    return "";
  }
  return "";
}

}  // namespace oxd::testing
