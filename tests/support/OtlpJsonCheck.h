#pragma once
// A strict check of OTLP/HTTP JSON request bodies against opentelemetry-proto's messages
// (collector/logs/v1 ExportLogsServiceRequest, collector/metrics/v1
// ExportMetricsServiceRequest) under the protobuf JSON mapping as OTLP narrows it: field names
// in lowerCamelCase and nothing else (an unknown field is an error, as in the collector's
// decoder), 64-bit integers as decimal strings, enums as numbers, one member of each oneof.
// Plus what a collector rejects beyond the schema: a histogram's bucketCounts has one more
// entry than explicitBounds and adds up to count; a Sum's temporality is set.
//
//   std::vector<std::string> problems = OtlpLogsProblems(body);   // empty: valid

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace oxd::testing {

namespace otlp_check {

enum class Kind { String, Int64, Uint32, Enum, Double, Bool, Bytes, Message };

struct Field {
  Kind kind = Kind::String;
  bool repeated = false;
  const char* message = nullptr;  // for Kind::Message
  const char* oneof = nullptr;    // the oneof group, if any
};

using Schema = std::map<std::string, std::map<std::string, Field>>;

inline const Schema& Messages() {
  static const Schema schema = [] {
    Schema s;
    auto message = [](const char* name) { return Field{Kind::Message, false, name}; };
    auto repeated = [](const char* name) { return Field{Kind::Message, true, name}; };
    s["ExportLogsServiceRequest"] = {{"resourceLogs", repeated("ResourceLogs")}};
    s["ExportMetricsServiceRequest"] = {{"resourceMetrics", repeated("ResourceMetrics")}};
    s["Resource"] = {{"attributes", repeated("KeyValue")},
                     {"droppedAttributesCount", {Kind::Uint32}},
                     {"entityRefs", repeated("EntityRef")}};
    s["EntityRef"] = {{"schemaUrl", {}},
                      {"type", {}},
                      {"idKeys", {Kind::String, true}},
                      {"descriptionKeys", {Kind::String, true}}};
    s["InstrumentationScope"] = {{"name", {}},
                                 {"version", {}},
                                 {"attributes", repeated("KeyValue")},
                                 {"droppedAttributesCount", {Kind::Uint32}}};
    s["ResourceLogs"] = {
        {"resource", message("Resource")}, {"scopeLogs", repeated("ScopeLogs")}, {"schemaUrl", {}}};
    s["ScopeLogs"] = {{"scope", message("InstrumentationScope")},
                      {"logRecords", repeated("LogRecord")},
                      {"schemaUrl", {}}};
    s["LogRecord"] = {{"timeUnixNano", {Kind::Int64}},
                      {"observedTimeUnixNano", {Kind::Int64}},
                      {"severityNumber", {Kind::Enum}},
                      {"severityText", {}},
                      {"body", message("AnyValue")},
                      {"attributes", repeated("KeyValue")},
                      {"droppedAttributesCount", {Kind::Uint32}},
                      {"flags", {Kind::Uint32}},
                      {"traceId", {Kind::Bytes}},
                      {"spanId", {Kind::Bytes}},
                      {"eventName", {}}};
    s["KeyValue"] = {{"key", {}}, {"value", message("AnyValue")}};
    s["AnyValue"] = {{"stringValue", {Kind::String, false, nullptr, "value"}},
                     {"boolValue", {Kind::Bool, false, nullptr, "value"}},
                     {"intValue", {Kind::Int64, false, nullptr, "value"}},
                     {"doubleValue", {Kind::Double, false, nullptr, "value"}},
                     {"arrayValue", {Kind::Message, false, "ArrayValue", "value"}},
                     {"kvlistValue", {Kind::Message, false, "KeyValueList", "value"}},
                     {"bytesValue", {Kind::Bytes, false, nullptr, "value"}}};
    s["ArrayValue"] = {{"values", repeated("AnyValue")}};
    s["KeyValueList"] = {{"values", repeated("KeyValue")}};
    s["ResourceMetrics"] = {{"resource", message("Resource")},
                            {"scopeMetrics", repeated("ScopeMetrics")},
                            {"schemaUrl", {}}};
    s["ScopeMetrics"] = {{"scope", message("InstrumentationScope")},
                         {"metrics", repeated("Metric")},
                         {"schemaUrl", {}}};
    s["Metric"] = {{"name", {}},
                   {"description", {}},
                   {"unit", {}},
                   {"gauge", {Kind::Message, false, "Gauge", "data"}},
                   {"sum", {Kind::Message, false, "Sum", "data"}},
                   {"histogram", {Kind::Message, false, "Histogram", "data"}},
                   {"exponentialHistogram", {Kind::Message, false, "Unsupported", "data"}},
                   {"summary", {Kind::Message, false, "Unsupported", "data"}},
                   {"metadata", repeated("KeyValue")}};
    s["Unsupported"] = {};
    s["Gauge"] = {{"dataPoints", repeated("NumberDataPoint")}};
    s["Sum"] = {{"dataPoints", repeated("NumberDataPoint")},
                {"aggregationTemporality", {Kind::Enum}},
                {"isMonotonic", {Kind::Bool}}};
    s["Histogram"] = {{"dataPoints", repeated("HistogramDataPoint")},
                      {"aggregationTemporality", {Kind::Enum}}};
    s["NumberDataPoint"] = {{"attributes", repeated("KeyValue")},
                            {"startTimeUnixNano", {Kind::Int64}},
                            {"timeUnixNano", {Kind::Int64}},
                            {"asDouble", {Kind::Double, false, nullptr, "value"}},
                            {"asInt", {Kind::Int64, false, nullptr, "value"}},
                            {"exemplars", repeated("Unsupported")},
                            {"flags", {Kind::Uint32}}};
    s["HistogramDataPoint"] = {{"attributes", repeated("KeyValue")},
                               {"startTimeUnixNano", {Kind::Int64}},
                               {"timeUnixNano", {Kind::Int64}},
                               {"count", {Kind::Int64}},
                               {"sum", {Kind::Double}},
                               {"bucketCounts", {Kind::Int64, true}},
                               {"explicitBounds", {Kind::Double, true}},
                               {"exemplars", repeated("Unsupported")},
                               {"flags", {Kind::Uint32}},
                               {"min", {Kind::Double}},
                               {"max", {Kind::Double}}};
    return s;
  }();
  return schema;
}

inline bool IsDecimal(const std::string& text) {
  if (text.empty() || text.size() > 20) return false;
  std::size_t start = text[0] == '-' ? 1 : 0;
  if (start == text.size()) return false;
  for (std::size_t i = start; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

inline void CheckScalar(const Field& field, const Poco::Dynamic::Var& value,
                        const std::string& where, std::vector<std::string>& problems) {
  switch (field.kind) {
    case Kind::String:
    case Kind::Bytes:
      if (!value.isString()) problems.push_back(where + ": expected a string");
      break;
    case Kind::Int64:
      // The OTLP JSON encoding: 64-bit integers as decimal strings.
      if (!value.isString() || !IsDecimal(value.convert<std::string>())) {
        problems.push_back(where + ": expected a 64-bit integer as a decimal string");
      }
      break;
    case Kind::Uint32:
    case Kind::Enum:
      if (!value.isInteger() || value.type() == typeid(bool)) {
        problems.push_back(where + ": expected an integer number");
      }
      break;
    case Kind::Double:
      if (!value.isNumeric() || value.type() == typeid(bool)) {
        problems.push_back(where + ": expected a number");
      }
      break;
    case Kind::Bool:
      if (value.type() != typeid(bool)) problems.push_back(where + ": expected true or false");
      break;
    case Kind::Message:
      break;
  }
}

inline void CheckMessage(const std::string& type, const Poco::Dynamic::Var& value,
                         const std::string& where, std::vector<std::string>& problems);

inline void CheckValue(const Field& field, const Poco::Dynamic::Var& value,
                       const std::string& where, std::vector<std::string>& problems) {
  if (field.kind == Kind::Message) {
    CheckMessage(field.message, value, where, problems);
  } else {
    CheckScalar(field, value, where, problems);
  }
}

inline void CheckSemantics(const std::string& type, const Poco::JSON::Object::Ptr& object,
                           const std::string& where, std::vector<std::string>& problems) {
  if (type == "LogRecord" && !object->has("timeUnixNano") && !object->has("observedTimeUnixNano")) {
    problems.push_back(where + ": neither timeUnixNano nor observedTimeUnixNano");
  }
  if (type == "KeyValue" && (!object->has("key") || !object->has("value"))) {
    problems.push_back(where + ": a KeyValue needs key and value");
  }
  if (type == "Metric" && object->optValue<std::string>("name", "").empty()) {
    problems.push_back(where + ": a metric without a name");
  }
  if ((type == "Sum" || type == "Histogram")) {
    int temporality = object->optValue<int>("aggregationTemporality", 0);
    if (temporality != 1 && temporality != 2) {
      problems.push_back(where + ": aggregationTemporality must be 1 (delta) or 2 (cumulative)");
    }
  }
  if (type == "NumberDataPoint" && !object->has("asDouble") && !object->has("asInt")) {
    problems.push_back(where + ": a data point without a value");
  }
  if (type == "HistogramDataPoint") {
    auto counts = object->getArray("bucketCounts");
    auto bounds = object->getArray("explicitBounds");
    std::size_t n_counts = counts ? counts->size() : 0;
    std::size_t n_bounds = bounds ? bounds->size() : 0;
    if (n_counts != 0 && n_counts != n_bounds + 1) {
      problems.push_back(where + ": bucketCounts must have one entry more than explicitBounds");
    }
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < n_counts; ++i) {
      total += std::stoull(counts->get(i).convert<std::string>());
    }
    for (std::size_t i = 1; i < n_bounds; ++i) {
      if (!(bounds->get(i).convert<double>() > bounds->get(i - 1).convert<double>())) {
        problems.push_back(where + ": explicitBounds must increase");
        break;
      }
    }
    if (n_counts && object->has("count") &&
        std::to_string(total) != object->get("count").convert<std::string>()) {
      problems.push_back(where + ": bucketCounts do not add up to count");
    }
  }
}

inline void CheckMessage(const std::string& type, const Poco::Dynamic::Var& value,
                         const std::string& where, std::vector<std::string>& problems) {
  if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
    problems.push_back(where + ": expected an object (" + type + ")");
    return;
  }
  auto object = value.extract<Poco::JSON::Object::Ptr>();
  const auto& fields = Messages().at(type);
  std::map<std::string, std::string> oneofs;  // group → the member set
  std::vector<std::string> names;
  object->getNames(names);
  for (const std::string& name : names) {
    std::string at = where + "." + name;
    auto found = fields.find(name);
    if (found == fields.end()) {
      problems.push_back(at + ": no such field in " + type);
      continue;
    }
    const Field& field = found->second;
    const Poco::Dynamic::Var& member = object->get(name);
    if (field.oneof) {
      auto [it, inserted] = oneofs.emplace(field.oneof, name);
      if (!inserted) problems.push_back(at + ": a second member of oneof " + field.oneof);
    }
    if (field.repeated) {
      if (member.type() != typeid(Poco::JSON::Array::Ptr)) {
        problems.push_back(at + ": expected a list");
        continue;
      }
      auto list = member.extract<Poco::JSON::Array::Ptr>();
      for (std::size_t i = 0; i < list->size(); ++i) {
        CheckValue(field, list->get(i), at + "[" + std::to_string(i) + "]", problems);
      }
    } else {
      CheckValue(field, member, at, problems);
    }
  }
  if (type == "Metric" && !oneofs.contains("data")) problems.push_back(where + ": no data");
  if (problems.empty()) CheckSemantics(type, object, where, problems);
}

inline std::vector<std::string> Check(const std::string& root, const std::string& body) {
  std::vector<std::string> problems;
  Poco::Dynamic::Var parsed;
  try {
    parsed = Poco::JSON::Parser().parse(body);
  } catch (const std::exception& error) {
    return {std::string("not JSON: ") + error.what()};
  }
  CheckMessage(root, parsed, root, problems);
  return problems;
}

}  // namespace otlp_check

inline std::vector<std::string> OtlpLogsProblems(const std::string& body) {
  return otlp_check::Check("ExportLogsServiceRequest", body);
}
inline std::vector<std::string> OtlpMetricsProblems(const std::string& body) {
  return otlp_check::Check("ExportMetricsServiceRequest", body);
}

}  // namespace oxd::testing
