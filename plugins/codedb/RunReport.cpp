#include "RunReport.h"

namespace oxd::codedb {

Poco::JSON::Object::Ptr RunReportJson(const std::string& repo, bool full,
                                      const IndexReport& report) {
  const IndexCounters& counted = report.counters;
  auto count = [](std::uint64_t value) { return static_cast<Poco::UInt64>(value); };
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(true);
  json->set("repo", repo);
  json->set("full", full);
  json->set("ok", report.ok);
  if (report.cancelled) json->set("cancelled", true);
  if (!report.ok && !report.cancelled) json->set("error", report.error);
  // The Go daemon's CodeIndexResult. Symbols and comments come out of one scan of each blob, so
  // there is one time for both (scanning and storing): symbol_duration_ms; comment_duration_ms
  // is 0. index_duration_ms is the commits stage, which includes it.
  json->set("blobs_parsed", count(counted.blobs_indexed));
  json->set("symbols_extracted", count(counted.symbols));
  json->set("comments_extracted", count(counted.comments));
  json->set("index_duration_ms", static_cast<Poco::Int64>(report.commits_ms));
  json->set("symbol_duration_ms", static_cast<Poco::Int64>(counted.extract_ns / 1'000'000));
  json->set("comment_duration_ms", static_cast<Poco::Int64>(0));
  json->set("total_duration_ms",
            static_cast<Poco::Int64>(report.walk_ms + report.commits_ms + report.head_ms));
  // oxd's stages and counters.
  json->set("commits", count(counted.commits));
  json->set("blobs_new", count(counted.blobs_new));
  json->set("blobs_skipped", count(counted.blobs_skipped));
  json->set("bytes_indexed", count(counted.bytes_indexed));
  json->set("walk_ms", static_cast<Poco::Int64>(report.walk_ms));
  json->set("commits_ms", static_cast<Poco::Int64>(report.commits_ms));
  json->set("head_ms", static_cast<Poco::Int64>(report.head_ms));
  return json;
}

}  // namespace oxd::codedb
