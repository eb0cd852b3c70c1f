#include "ipc/Protocol.h"

#include <Poco/JSON/Array.h>

#include <gtest/gtest.h>

#include <string>

namespace oxd::core {
namespace {

using namespace std::string_literals;

std::string errorOf(std::string_view line) { return decodeRequest(line).error; }

TEST(ProtocolTest, DecodesAFullRequest) {
  auto decoded = decodeRequest(
      R"({"type":"whispers","workspace_id":"3f9c0a1e","caller_id":"c1","payload":{"agent_id":"Ox1"}})");
  ASSERT_TRUE(decoded.ok) << decoded.error;
  EXPECT_EQ(decoded.request.type, "whispers");
  EXPECT_EQ(decoded.request.workspace_id, "3f9c0a1e");
  EXPECT_EQ(decoded.request.caller_id, "c1");
  EXPECT_EQ(decoded.request.payload->getValue<std::string>("agent_id"), "Ox1");
}

TEST(ProtocolTest, AbsentOrNullPayloadIsAnEmptyObject) {
  for (const char* line : {R"({"type":"ping"})", R"({"type":"ping","payload":null})"}) {
    auto decoded = decodeRequest(line);
    ASSERT_TRUE(decoded.ok) << line;
    ASSERT_TRUE(decoded.request.payload);
    EXPECT_EQ(decoded.request.payload->size(), 0u);
  }
  auto with_nulls = decodeRequest(R"({"type":"ping","workspace_id":null,"caller_id":null})");
  ASSERT_TRUE(with_nulls.ok);
  EXPECT_EQ(with_nulls.request.workspace_id, "");
}

TEST(ProtocolTest, AcceptsSurroundingWhitespaceAndCarriageReturn) {
  EXPECT_TRUE(decodeRequest(" {\"type\":\"ping\"}\r").ok);
}

TEST(ProtocolTest, RefusesUnparsableLinesAsInvalidMessageFormat) {
  for (const std::string& line :
       {"garbage"s, "{\"type\":\"ping\""s, "{\"type\":\"ping\"} trailing"s, ""s, "   "s, "[1,2]"s,
        "\"ping\""s, "42"s, "null"s, "{\"type\":\"ping\",}"s, "{'type':'ping'}"s,
        "{\"type\":\"ping\",\"workspace_id\":5}"s, "{\"type\":\"ping\",\"caller_id\":[]}"s}) {
    EXPECT_EQ(errorOf(line), kInvalidMessageFormat) << line;
  }
}

TEST(ProtocolTest, RefusesInvalidUtf8AndNulBytes) {
  EXPECT_EQ(errorOf("{\"type\":\"p\xffing\"}"), kInvalidMessageFormat);
  EXPECT_EQ(errorOf("{\"type\":\"\xc0\xaf\"}"), kInvalidMessageFormat);      // overlong '/'
  EXPECT_EQ(errorOf("{\"type\":\"\xed\xa0\x80\"}"), kInvalidMessageFormat);  // surrogate
  EXPECT_EQ(errorOf("{\"type\":\"\xe2\x82\"}"), kInvalidMessageFormat);      // truncated
  EXPECT_EQ(errorOf("{\"type\":\"ping\"}\0"s), kInvalidMessageFormat);
  EXPECT_EQ(errorOf("{\"type\":\"pi\0ng\"}"s), kInvalidMessageFormat);
  // Escaped NUL is valid JSON (Go accepts it) and multi-byte text is fine.
  EXPECT_TRUE(decodeRequest(R"({"type":"ping","payload":{"a":"\u0000"}})").ok);
  EXPECT_TRUE(
      decodeRequest("{\"type\":\"ping\",\"payload\":{\"a\":\"h\xc3\xa9 \xf0\x9f\x98\x80\"}}").ok);
}

TEST(ProtocolTest, RefusesDeepNestingWithoutRecursing) {
  std::string deep = "{\"type\":\"ping\",\"payload\":{\"a\":" + std::string(100000, '[') +
                     std::string(100000, ']') + "}}";
  EXPECT_EQ(errorOf(deep), kInvalidMessageFormat);
  std::string bare(100000, '{');
  EXPECT_EQ(errorOf(bare), kInvalidMessageFormat);
  // Brackets inside strings do not count.
  std::string quoted = "{\"type\":\"ping\",\"payload\":{\"a\":\"" + std::string(1000, '[') + "\"}}";
  EXPECT_TRUE(decodeRequest(quoted).ok);
  std::string fine = "{\"type\":\"ping\",\"payload\":{\"a\":" + std::string(100, '[') +
                     std::string(100, ']') + "}}";
  EXPECT_TRUE(decodeRequest(fine).ok);
}

TEST(ProtocolTest, RefusesMissingEmptyOrNonStringTypeAsUnknown) {
  for (const char* line : {R"({})", R"({"type":""})", R"({"type":5})", R"({"type":null})",
                           R"({"type":{"a":1}})", R"({"payload":{}})"}) {
    EXPECT_EQ(errorOf(line), kUnknownMessageType) << line;
  }
}

TEST(ProtocolTest, RefusesAPayloadThatIsNotAnObject) {
  for (const char* line :
       {R"({"type":"ping","payload":5})", R"({"type":"ping","payload":"x"})",
        R"({"type":"ping","payload":[1]})", R"({"type":"ping","payload":true})"}) {
    EXPECT_EQ(errorOf(line), kPayloadNotObject) << line;
  }
}

TEST(ProtocolTest, EncodesRepliesInGoFieldOrderWithOmitEmpty) {
  EXPECT_EQ(encodeReply(sdk::Reply::ok("pong")), "{\"success\":true,\"data\":\"pong\"}\n");
  EXPECT_EQ(encodeReply(sdk::Reply::ok()), "{\"success\":true}\n");
  EXPECT_EQ(encodeReply(sdk::Reply::fail("unknown message type")),
            "{\"success\":false,\"error\":\"unknown message type\"}\n");
  sdk::Reply both = sdk::Reply::fail("partial");
  both.data = Poco::Dynamic::Var(7);
  EXPECT_EQ(encodeReply(both), "{\"success\":false,\"error\":\"partial\",\"data\":7}\n");
}

TEST(ProtocolTest, EncodesObjectAndListData) {
  Poco::JSON::Object::Ptr data = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  data->set("path", "/home/ana/proj");
  data->set("cloned", true);
  data->set("instances", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
  EXPECT_EQ(encodeReply(sdk::Reply::ok(data)),
            "{\"success\":true,\"data\":{\"path\":\"/home/ana/proj\",\"cloned\":true,"
            "\"instances\":[]}}\n");
}

TEST(ProtocolTest, EscapesStringsAndRepairsInvalidUtf8) {
  EXPECT_EQ(encodeReply(sdk::Reply::fail("a\"b\\c\nd\x01")),
            "{\"success\":false,\"error\":\"a\\\"b\\\\c\\nd\\u0001\"}\n");
  EXPECT_EQ(encodeReply(sdk::Reply::fail("bad \xff byte, good \xc3\xa9")),
            "{\"success\":false,\"error\":\"bad \xef\xbf\xbd byte, good \xc3\xa9\"}\n");
}

TEST(ProtocolTest, EncodesProgressLines) {
  EXPECT_EQ(encodeProgress("fetching", std::nullopt, "Fetching from remote..."),
            "{\"progress\":{\"stage\":\"fetching\",\"message\":\"Fetching from remote...\"},"
            "\"success\":false}\n");
  EXPECT_EQ(encodeProgress("", 0, "m"),
            "{\"progress\":{\"stage\":\"\",\"percent\":0,\"message\":\"m\"},\"success\":false}\n");
}

TEST(ProtocolTest, ARoundTripThroughTheParserKeepsTheText) {
  std::string reply = encodeReply(sdk::Reply::fail("tab\there \xe2\x9c\x93"));
  reply.pop_back();
  std::string line = "{\"type\":\"x\",\"payload\":" + reply + "}";
  auto decoded = decodeRequest(line);
  ASSERT_TRUE(decoded.ok) << line;
  EXPECT_EQ(decoded.request.payload->getValue<std::string>("error"), "tab\there \xe2\x9c\x93");
}

}  // namespace
}  // namespace oxd::core
