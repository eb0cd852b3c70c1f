// An index run as JSON: the code_index reply (CodeIndexResult of the Go daemon, plus oxd's own
// fields) and the codedb.indexed event carry the same object.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "index/HistoryIndexer.h"

namespace oxd::codedb {

Poco::JSON::Object::Ptr RunReportJson(const std::string& repo, bool full,
                                      const IndexReport& report);

}  // namespace oxd::codedb
