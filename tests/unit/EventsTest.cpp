// The typed contracts of the SDK: every bus event and in-process call round-trips through its
// wire form, keeps the field names and order the bus carried before, and a malformed one is
// refused with the topic, the field and what is wrong.
#include <oxd/calls.h>
#include <oxd/events.h>
#include <oxd/handlers.h>

#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <sstream>

#include "FakeHost.h"

namespace oxd::sdk {
namespace {

Poco::Dynamic::Var Parse(const std::string& json) { return Poco::JSON::Parser().parse(json); }

std::string Text(const Poco::Dynamic::Var& var) {
  std::ostringstream out;
  var.extract<Poco::JSON::Object::Ptr>()->stringify(out);
  return out.str();
}

template <typename Event>
std::string RefusalOf(const std::string& json) {
  try {
    Event::fromVar(Parse(json));
  } catch (const BadEvent& refused) {
    return refused.what();
  }
  return "accepted";
}

template <typename Event>
void ExpectRoundTrip(const Event& event) {
  // Through the text too: what a subscriber gets is what the publisher meant.
  EXPECT_EQ(Event::fromVar(event.toVar()), event) << Text(event.toVar());
  EXPECT_EQ(Event::fromVar(Parse(Text(event.toVar()))), event) << Text(event.toVar());
}

RepoPulledEvent Pulled() {
  RepoPulledEvent event;
  event.scope = "team-context";
  event.id = "team_1";
  event.path = "/data/teams/team_1";
  event.old_head = "abc";
  event.new_head = "def";
  event.files_changed = 2;
  event.paths = {"SOUL.md", "murmurs/m.json"};
  return event;
}

TEST(EventsTest, EveryEventRoundTrips) {
  ExpectRoundTrip(Pulled());
  ExpectRoundTrip(RepoPulledEvent{"ledger", "ledger", "/l", "", "", 0, {}});
  ExpectRoundTrip(RepoClonedEvent{"ledger", "ledger", "/l", "abc", false});
  ExpectRoundTrip(RepoClonedEvent{"team-context", "t", "/t", "abc", true});
  ExpectRoundTrip(SyncCompleteEvent{"ledger", "ledger", "pull", "ok", 120});
  ExpectRoundTrip(SyncCompleteEvent{"team-context", "t", "clone", "error", 0});

  CodedbIndexedEvent indexed;
  indexed.repo = "project";
  indexed.ok = true;
  indexed.commits = 3;
  indexed.blobs_parsed = 7;
  indexed.bytes_indexed = 1 << 20;
  indexed.walk_ms = 5;
  ExpectRoundTrip(indexed);
  indexed.ok = false;
  indexed.error = "disk full";
  ExpectRoundTrip(indexed);
  indexed.error.clear();
  indexed.cancelled = true;
  ExpectRoundTrip(indexed);

  ExpectRoundTrip(FilesChangedEvent{{{"src/a.cpp", "modified"}, {"b", ""}}});
  ExpectRoundTrip(FilesChangedEvent{});

  HeartbeatEvent heartbeat;
  ExpectRoundTrip(heartbeat);
  heartbeat.agent_id = "Oxa7b3";
  heartbeat.agent_type = "claude";
  heartbeat.parent_agent_id = "Ox1";
  heartbeat.caller_path = "/p";
  heartbeat.repo_path = "/r";
  heartbeat.workspace_id = "abcd1234";
  heartbeat.cli_version = "0.3.0";
  heartbeat.command_name = "hook";
  heartbeat.team_ids = {"team_1", "team_2"};
  heartbeat.context_tokens = 1000;
  heartbeat.parent_pid = 42;
  ExpectRoundTrip(heartbeat);

  ExpectRoundTrip(TeamSeenEvent{"team_1", "/t", "", "", "", 0, 0});
  ExpectRoundTrip(
      TeamSeenEvent{"team_1", "/t", "file:///x", "Platform", "platform", 60'000'000'000, 7});
  ExpectRoundTrip(DaemonStoppingEvent{"stop requested by a client"});
  ExpectRoundTrip(LedgerChangedEvent{{"sessions/s1/raw.jsonl"}});
  ExpectRoundTrip(LedgerChangedEvent{});
}

// The names and order on the bus before the structs existed: the log lines "event <topic>
// <json>" and every subscriber read these.
TEST(EventsTest, TheWireFormIsWhatTheBusCarriedBefore) {
  EXPECT_EQ(Text(Pulled().toVar()),
            R"({"scope":"team-context","id":"team_1","path":"/data/teams/team_1","old":"abc",)"
            R"("new":"def","files_changed":2,"paths":["SOUL.md","murmurs/m.json"]})");
  EXPECT_EQ(Text(RepoClonedEvent{"ledger", "ledger", "/l", "abc", false}.toVar()),
            R"({"scope":"ledger","id":"ledger","path":"/l","head":"abc"})");
  EXPECT_EQ(Text(RepoClonedEvent{"ledger", "ledger", "/l", "abc", true}.toVar()),
            R"({"scope":"ledger","id":"ledger","path":"/l","head":"abc","gc":true})");
  EXPECT_EQ(Text(SyncCompleteEvent{"ledger", "ledger", "pull", "ok", 120}.toVar()),
            R"({"type":"ledger","id":"ledger","op":"pull","status":"ok","duration_ms":120})");
  EXPECT_EQ(Text(FilesChangedEvent{{{"a", "deleted"}}}.toVar()),
            R"({"changes":[{"path":"a","type":"deleted"}]})");
  CodedbIndexedEvent indexed;
  indexed.repo = "project";
  indexed.ok = true;
  EXPECT_EQ(Text(indexed.toVar())
                .rfind(R"({"repo":"project","full":false,"ok":true,)"
                       R"("blobs_parsed":0,)",
                       0),
            0u)
      << Text(indexed.toVar());
  EXPECT_EQ(Text(TeamSeenEvent{"t", "/t", "", "", "", 0, 0}.toVar()),
            R"({"team_id":"t","path":"/t"})");
  EXPECT_EQ(Text(DaemonStoppingEvent{"inactivity"}.toVar()), R"({"reason":"inactivity"})");
}

TEST(EventsTest, AMalformedEventIsRefusedWithTopicFieldAndProblem) {
  const std::string good = Text(Pulled().toVar());
  std::string wrong_type = good;
  wrong_type.replace(wrong_type.find("\"files_changed\":2"), 17, "\"files_changed\":\"2\"");
  EXPECT_EQ(RefusalOf<RepoPulledEvent>(wrong_type),
            "repo.pulled: files_changed: expected integer, got string");
  EXPECT_EQ(RefusalOf<RepoPulledEvent>(R"({"scope":"ledger","id":"ledger"})"),
            "repo.pulled: path: required");
  EXPECT_EQ(RefusalOf<RepoPulledEvent>("[1]"), "repo.pulled: expected object, got list");
  EXPECT_THROW(RepoPulledEvent::fromVar(Poco::Dynamic::Var(5)), BadEvent);
  EXPECT_EQ(RefusalOf<RepoClonedEvent>(R"({"scope":"l","id":"l","path":"/l","head":"h","gc":1})"),
            "repo.cloned: gc: expected boolean, got number");
  EXPECT_EQ(RefusalOf<SyncCompleteEvent>(
                R"({"type":"ledger","id":"l","op":"pull","status":"maybe","duration_ms":1})"),
            "sync.complete: status: expected one of ok, error, got 'maybe'");
  EXPECT_EQ(RefusalOf<SyncCompleteEvent>(
                R"({"type":"ledger","id":"l","op":"push","status":"ok","duration_ms":1})"),
            "sync.complete: op: expected one of pull, clone, got 'push'");
  EXPECT_EQ(RefusalOf<CodedbIndexedEvent>(R"({"repo":"project","full":false})"),
            "codedb.indexed: ok: required");
  EXPECT_EQ(RefusalOf<FilesChangedEvent>(R"({"paths":["a"]})"), "files.changed: changes: required");
  EXPECT_EQ(RefusalOf<FilesChangedEvent>(R"({"changes":"a"})"),
            "files.changed: changes: expected list, got string");
  EXPECT_EQ(RefusalOf<FilesChangedEvent>(R"({"changes":[{"path":"a"},{"type":"deleted"}]})"),
            "files.changed: changes[1].path: required");
  EXPECT_EQ(RefusalOf<FilesChangedEvent>(R"({"changes":[3]})"),
            "files.changed: changes[0]: expected object, got number");
  EXPECT_EQ(RefusalOf<HeartbeatEvent>(R"({"agent_id":42})"),
            "heartbeat: agent_id: expected string, got number");
  EXPECT_EQ(RefusalOf<HeartbeatEvent>(R"({"team_ids":["t",1]})"),
            "heartbeat: team_ids[1]: expected string, got number");
  EXPECT_EQ(RefusalOf<TeamSeenEvent>(R"({"team_id":"t","path":"/t","interval":"1m"})"),
            "team.seen: interval: expected integer, got string");
  EXPECT_EQ(RefusalOf<TeamSeenEvent>(R"({"path":"/t"})"), "team.seen: team_id: required");
  EXPECT_EQ(RefusalOf<DaemonStoppingEvent>("{}"), "daemon.stopping: reason: required");
  EXPECT_EQ(RefusalOf<LedgerChangedEvent>(R"({"paths":"a"})"),
            "ledger.changed: paths: expected list of strings, got string");
}

TEST(EventsTest, CallsRoundTripAndRefuseBadFields) {
  CheckoutRequest checkout{"/data/remotes/x/repo", "file:///srv/x.git", "mirror"};
  Request request = checkout.toRequest();
  EXPECT_EQ(request.type, "checkout");
  CheckoutRequest parsed = CheckoutRequest::Parse(Payload(request.payload));
  EXPECT_EQ(parsed.repo_path, checkout.repo_path);
  EXPECT_EQ(parsed.clone_url, checkout.clone_url);
  EXPECT_EQ(parsed.repo_type, "mirror");
  EXPECT_EQ(CheckoutRequest::Parse(Payload(Parse(R"({"repo_path":"/x","repo_type":"team_context"})")
                                               .extract<Poco::JSON::Object::Ptr>()))
                .repo_type,
            "team-context");
  auto refusal = [](auto parse, const std::string& json) -> std::string {
    try {
      parse(Payload(Parse(json).extract<Poco::JSON::Object::Ptr>()));
    } catch (const BadPayload& bad) {
      return bad.what();
    }
    return "accepted";
  };
  EXPECT_EQ(refusal(CheckoutRequest::Parse, "{}"), "repo_path: required");
  EXPECT_EQ(refusal(CheckoutRequest::Parse, R"({"repo_path":"/x","repo_type":"fork"})"),
            "repo_type: expected ledger, team-context or mirror, got 'fork'");

  MurmurRequest murmur{"/ledger", "murmurs/2026-11-23/m.json", "hello\nworld", "{\"id\":1}\n"};
  Request murmur_request = murmur.toRequest();
  EXPECT_EQ(murmur_request.type, "murmur");
  MurmurRequest back = MurmurRequest::Parse(Payload(murmur_request.payload));
  EXPECT_EQ(back.target_dir, murmur.target_dir);
  EXPECT_EQ(back.rel_path, murmur.rel_path);
  EXPECT_EQ(back.content, murmur.content);
  EXPECT_EQ(back.bytes, murmur.bytes);
  EXPECT_EQ(refusal(MurmurRequest::Parse, R"({"target_dir":"/l","rel_path":"m"})"),
            "murmur_json: required");
  EXPECT_EQ(refusal(MurmurRequest::Parse, R"({"target_dir":"/l","rel_path":"m","murmur_json":""})"),
            "murmur_json: empty");
}

struct Greeting {
  std::string name;
  static Greeting Parse(const Payload& payload) { return {payload.requiredString("name")}; }
};

struct Envelope {
  std::string caller;
  static Envelope Parse(const Request& request) { return {request.caller_id}; }
};

TEST(EventsTest, TypedHandlersParseAtTheEdgeAndAnswerInvalidPayload) {
  oxd::testing::FakeHost host;
  int calls = 0;
  handleTyped<Greeting>(host, "greet", [&](const Greeting& greeting, Progress& progress) {
    ++calls;
    progress.stage("greeting", greeting.name);
    return Reply::ok(std::string("hello " + greeting.name));
  });
  handleTyped<Envelope>(
      host, "who", [](const Envelope& envelope, Progress&) { return Reply::ok(envelope.caller); });
  std::vector<std::string> refused;
  handleOneWayTyped<Greeting>(
      host, "wave", [&](const Greeting&) { ++calls; },
      [&](const BadPayload& invalid) { refused.push_back(invalid.what()); });
  handleOneWayTyped<Greeting>(host, "nod", [&](const Greeting&) { ++calls; });
  host.finishStart();
  EXPECT_THROW(
      handleTyped<Greeting>(host, "late", [](const Greeting&, Progress&) { return Reply::ok(); }),
      std::logic_error);

  auto answer = host.send("greet", R"({"name":"Ada"})");
  ASSERT_TRUE(answer.reply.success) << answer.reply.error;
  EXPECT_EQ(answer.reply.data.toString(), "hello Ada");
  ASSERT_EQ(answer.progress.size(), 1u);
  EXPECT_EQ(answer.progress[0].stage, "greeting");
  EXPECT_EQ(host.send("greet", R"({"name":5})").reply.error,
            "invalid payload: name: expected string, got number");
  EXPECT_EQ(host.send("greet", "{}").reply.error, "invalid payload: name: required");
  EXPECT_EQ(calls, 1) << "a refused payload never reaches the handler";
  EXPECT_EQ(host.send("who").reply.data.toString(), "test");

  EXPECT_EQ(host.sendOneWay("wave", "{}"), "");
  EXPECT_EQ(refused, std::vector<std::string>{"name: required"});
  EXPECT_EQ(host.sendOneWay("nod", "{}"), "invalid payload: name: required");
  EXPECT_EQ(host.sendOneWay("nod", R"({"name":"x"})"), "");
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace oxd::sdk
