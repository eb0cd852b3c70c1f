#include "OtlpJson.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <cmath>
#include <sstream>

namespace oxd::telemetry {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr KeyValue(const std::string& key, Object::Ptr value) {
  Object::Ptr pair = new Object(true);
  pair->set("key", key);
  pair->set("value", value);
  return pair;
}

Object::Ptr StringValue(const std::string& text) {
  Object::Ptr value = new Object(true);
  value->set("stringValue", text);
  return value;
}

Array::Ptr ResourceAttributes(const ResourceIdentity& resource) {
  Array::Ptr attributes = new Array;
  const std::pair<const char*, const std::string*> own[] = {
      {"service.name", &resource.service_name},
      {"service.version", &resource.service_version},
      {"service.instance.id", &resource.instance_id},
      {"host.name", &resource.host_name},
      {"os.type", &resource.os_type}};
  for (const auto& [key, value] : own) attributes->add(KeyValue(key, StringValue(*value)));
  for (const auto& [key, value] : resource.extra) {
    bool taken = false;
    for (const auto& [own_key, unused] : own) taken = taken || key == own_key;
    if (!taken) attributes->add(KeyValue(key, StringValue(value)));
  }
  return attributes;
}

Object::Ptr Resource(const ResourceIdentity& resource) {
  Object::Ptr json = new Object(true);
  json->set("attributes", ResourceAttributes(resource));
  return json;
}

Object::Ptr Scope() {
  Object::Ptr scope = new Object(true);
  scope->set("name", kScopeName);
  scope->set("version", std::string(OXD_VERSION));
  return scope;
}

// Severity: INFO (9) for everything but a crash, ERROR (17).
int SeverityOf(const std::string& event) { return event == "app:crash" ? 17 : 9; }

std::string Nanos(std::int64_t ms) { return std::to_string(ms) + "000000"; }

// The unit of a metric from its name's base-unit suffix (UCUM, as OTLP expects).
std::string UnitOf(const std::string& name) {
  if (name.ends_with("_seconds")) return "s";
  if (name.ends_with("_bytes")) return "By";
  return "";
}

Array::Ptr LabelAttributes(const Object::Ptr& labels) {
  Array::Ptr attributes = new Array;
  if (!labels) return attributes;
  std::vector<std::string> names;
  labels->getNames(names);
  for (const std::string& name : names) {
    attributes->add(KeyValue(name, StringValue(labels->getValue<std::string>(name))));
  }
  return attributes;
}

double NumberOf(const Object::Ptr& object, const std::string& key) {
  if (!object->has(key)) return 0;
  return object->get(key).convert<double>();
}

}  // namespace

std::string ToJsonText(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(value, out, 0, -1, Poco::JSON_PRESERVE_KEY_ORDER);
  return out.str();
}

Object::Ptr AnyValue(const Poco::Dynamic::Var& value) {
  Object::Ptr any = new Object(true);
  if (value.isEmpty()) return any;  // an empty AnyValue: null
  if (value.type() == typeid(bool)) {
    any->set("boolValue", value.extract<bool>());
  } else if (value.isString()) {
    any->set("stringValue", value.convert<std::string>());
  } else if (value.isInteger()) {
    any->set("intValue", value.convert<std::string>());
  } else if (value.isNumeric()) {
    double number = value.convert<double>();
    if (std::isfinite(number)) {
      any->set("doubleValue", number);
    } else {
      any->set("stringValue", value.convert<std::string>());
    }
  } else if (value.type() == typeid(Array::Ptr)) {
    Array::Ptr items = value.extract<Array::Ptr>();
    Array::Ptr values = new Array;
    for (std::size_t i = 0; items && i < items->size(); ++i) values->add(AnyValue(items->get(i)));
    Object::Ptr array = new Object(true);
    array->set("values", values);
    any->set("arrayValue", array);
  } else if (value.type() == typeid(Object::Ptr)) {
    Object::Ptr object = value.extract<Object::Ptr>();
    Array::Ptr values = new Array;
    std::vector<std::string> names;
    if (object) object->getNames(names);
    for (const std::string& name : names) values->add(KeyValue(name, AnyValue(object->get(name))));
    Object::Ptr list = new Object(true);
    list->set("values", values);
    any->set("kvlistValue", list);
  } else {
    any->set("stringValue", value.convert<std::string>());
  }
  return any;
}

std::string LogsRequestBody(const ResourceIdentity& resource,
                            const std::vector<TelemetryEvent>& events, std::int64_t observed_ns) {
  Array::Ptr records = new Array;
  for (const TelemetryEvent& event : events) {
    Object::Ptr record = new Object(true);
    record->set("timeUnixNano", Nanos(event.ts_ms));
    record->set("observedTimeUnixNano", std::to_string(observed_ns));
    int severity = SeverityOf(event.name);
    record->set("severityNumber", severity);
    record->set("severityText", std::string(severity == 17 ? "ERROR" : "INFO"));
    record->set("body", StringValue(event.name));
    record->set("eventName", event.name);
    Array::Ptr attributes = new Array;
    attributes->add(KeyValue("event.name", StringValue(event.name)));
    attributes->add(KeyValue("log.record.uid", StringValue(event.uuid)));
    std::vector<std::string> names;
    Poco::JSON::Object::Ptr props = event.props();
    props->getNames(names);
    for (const std::string& name : names) {
      if (name == "event.name" || name == "log.record.uid") continue;
      attributes->add(KeyValue(name, AnyValue(props->get(name))));
    }
    record->set("attributes", attributes);
    records->add(record);
  }
  Object::Ptr scope_logs = new Object(true);
  scope_logs->set("scope", Scope());
  scope_logs->set("logRecords", records);
  Array::Ptr scopes = new Array;
  scopes->add(scope_logs);
  Object::Ptr resource_logs = new Object(true);
  resource_logs->set("resource", Resource(resource));
  resource_logs->set("scopeLogs", scopes);
  Array::Ptr all = new Array;
  all->add(resource_logs);
  Object::Ptr request = new Object(true);
  request->set("resourceLogs", all);
  return ToJsonText(request);
}

std::string MetricsRequestBody(const ResourceIdentity& resource, const Array::Ptr& families,
                               std::int64_t start_ns, std::int64_t now_ns) {
  Array::Ptr metrics = new Array;
  for (std::size_t f = 0; families && f < families->size(); ++f) {
    Object::Ptr family = families->getObject(f);
    if (!family) continue;
    std::string name = family->optValue<std::string>("name", "");
    std::string type = family->optValue<std::string>("type", "");
    Array::Ptr series = family->getArray("series");
    if (name.empty() || !series) continue;
    Array::Ptr points = new Array;
    for (std::size_t s = 0; s < series->size(); ++s) {
      Object::Ptr one = series->getObject(s);
      if (!one) continue;
      Object::Ptr point = new Object(true);
      point->set("attributes", LabelAttributes(one->getObject("labels")));
      if (type != "gauge") point->set("startTimeUnixNano", std::to_string(start_ns));
      point->set("timeUnixNano", std::to_string(now_ns));
      if (type == "histogram") {
        point->set("count", std::to_string(one->optValue<Poco::UInt64>("count", 0)));
        point->set("sum", NumberOf(one, "sum"));
        // OTLP wants each bucket's own count and the finite bounds; the families carry
        // Prometheus' cumulative counts ending with +Inf.
        Array::Ptr buckets = one->getArray("buckets");
        Array::Ptr counts = new Array;
        Array::Ptr bounds = new Array;
        Poco::UInt64 below = 0;
        for (std::size_t b = 0; buckets && b < buckets->size(); ++b) {
          Object::Ptr bucket = buckets->getObject(b);
          auto cumulative = bucket->optValue<Poco::UInt64>("count", 0);
          std::string le = bucket->optValue<std::string>("le", "+Inf");
          counts->add(std::to_string(cumulative >= below ? cumulative - below : 0));
          below = cumulative;
          if (le != "+Inf") bounds->add(std::stod(le));
        }
        point->set("bucketCounts", counts);
        point->set("explicitBounds", bounds);
      } else {
        point->set("asDouble", NumberOf(one, "value"));
      }
      points->add(point);
    }
    Object::Ptr metric = new Object(true);
    metric->set("name", name);
    metric->set("description", family->optValue<std::string>("help", ""));
    metric->set("unit", UnitOf(name));
    Object::Ptr data = new Object(true);
    data->set("dataPoints", points);
    if (type == "counter") {
      data->set("aggregationTemporality", 2);  // CUMULATIVE
      data->set("isMonotonic", true);
      metric->set("sum", data);
    } else if (type == "histogram") {
      data->set("aggregationTemporality", 2);
      metric->set("histogram", data);
    } else {
      metric->set("gauge", data);
    }
    metrics->add(metric);
  }
  Object::Ptr scope_metrics = new Object(true);
  scope_metrics->set("scope", Scope());
  scope_metrics->set("metrics", metrics);
  Array::Ptr scopes = new Array;
  scopes->add(scope_metrics);
  Object::Ptr resource_metrics = new Object(true);
  resource_metrics->set("resource", Resource(resource));
  resource_metrics->set("scopeMetrics", scopes);
  Array::Ptr all = new Array;
  all->add(resource_metrics);
  Object::Ptr request = new Object(true);
  request->set("resourceMetrics", all);
  return ToJsonText(request);
}

std::optional<PartialSuccess> ParsePartialSuccess(const std::string& body,
                                                  const std::string& rejected_field) {
  if (body.empty()) return std::nullopt;
  try {
    Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(body);
    Object::Ptr response = parsed.extract<Object::Ptr>();
    Object::Ptr partial = response ? response->getObject("partialSuccess") : nullptr;
    if (!partial) return std::nullopt;
    PartialSuccess result;
    if (partial->has(rejected_field)) {
      result.rejected = partial->get(rejected_field).convert<std::int64_t>();
    }
    result.message = partial->optValue<std::string>("errorMessage", "");
    if (result.rejected == 0 && result.message.empty()) return std::nullopt;
    return result;
  } catch (const std::exception&) {  // Poco::Exception too: not JSON, or not of this shape
    return std::nullopt;
  }
}

}  // namespace oxd::telemetry
