#include "Messages.h"

#include <oxd/handlers.h>
#include <oxd/json.h>
#include <oxd/whisper_events.h>

#include <Poco/Data/DataException.h>
#include <Poco/JSON/Array.h>

#include <chrono>

#include "Maintenance.h"
#include "Requests.h"
#include "WhisperStatus.h"

namespace oxd::whisper {

namespace {

using sdk::Reply;

Poco::JSON::Array::Ptr EntriesJson(const std::vector<WhisperEntry>& entries) {
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const WhisperEntry& entry : entries) list->add(ToJson(entry));
  return list;
}

// Poco's what() is only the exception's class name; the reply should say what went wrong.
// A store found corrupt mid-call is healed at once (Maintenance), not at the next daily run:
// the caller is told, and its retry works against the recreated store.
template <typename Body>
Reply Guarded(Runtime& runtime, Body&& body) {
  try {
    return body();
  } catch (const Poco::Exception& error) {
    std::string text = error.displayText();
    runtime.disk.failed(error, "the whisper store");
    if (IsCorruption(error)) {
      Poco::JSON::Object::Ptr healing = RunMaintenance(runtime, NowNanos());
      if (healing->optValue<int>("stores_healed", 0) > 0) {
        return Reply::fail("whisper store: " + text + " (the store was recreated; try again)");
      }
      return Reply::fail("whisper store: " + text +
                         " (it could not be recreated: see oxctl doctor)");
    }
    return Reply::fail("whisper store: " + text);
  }
}

Reply Whispers(Runtime& runtime, const WhispersRequest& parsed) {
  return Guarded(runtime, [&] {
    Nanos now = NowNanos();
    runtime.agents->Seen(parsed.agent_id, now);
    Nanos floor = now - runtime.settings.new_agent_backlog.count();
    std::shared_ptr<StoreSet::Delivery> delivery =
        runtime.stores->Deliver(parsed.agent_id, parsed.filter, now, floor);
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
    data->set("entries", EntriesJson(delivery->entries()));
    Reply reply = Reply::ok(data);
    // The cursors move once the reply is in the agent's socket: a reply a crash or a hang-up
    // cuts off leaves its entries for the next poll (docs/reliability.md#whispers).
    reply.on_sent = [&runtime, delivery, parsed_agent = parsed.agent_id](bool written) {
      if (!written) return;  // dropped: the agent's next poll gets the same entries
      try {
        delivery->Commit(NowNanos());
      } catch (const std::exception& error) {
        runtime.disk.failed(error, "the whisper store");
        throw;  // logged by the host; the entries come again with the next poll
      }
      runtime.deliveries.increment(static_cast<double>(delivery->entries().size()));
      if (!delivery->entries().empty()) {
        sdk::publish(runtime.publisher, sdk::WhispersDeliveredEvent{
                                            parsed_agent, FormatNanos(NowNanos()),
                                            static_cast<std::int64_t>(delivery->entries().size())});
      }
    };
    return reply;
  });
}

Reply History(Runtime& runtime, const HistoryRequest& parsed) {
  return Guarded(runtime, [&] {
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
    if (!parsed.agent_id.empty() && !runtime.agents->Knows(parsed.agent_id)) {
      // An agent never seen has an empty history, as in the original: not an error.
      data->set("entries", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
      data->set("cursor", FormatNanos(0));
      data->set("has_cursor", false);
      data->set("has_more", false);
      return Reply::ok(data);
    }
    HistoryPage page = runtime.stores->Page(parsed.agent_id, parsed.before, parsed.limit);
    Poco::JSON::Array::Ptr entries = new Poco::JSON::Array;
    // Delivered or not is per store: each store has its own cursor for the agent.
    std::map<std::string, std::optional<Nanos>> cursors;
    std::optional<Nanos> earliest;
    if (!parsed.agent_id.empty()) {
      runtime.stores->AwaitDelivery(parsed.agent_id, std::chrono::seconds(6));
      for (const auto& store : runtime.stores->All()) {
        std::optional<Nanos> cursor = store->Cursor(parsed.agent_id);
        cursors[store->identity().name()] = cursor;
        if (cursor && (!earliest || *cursor < *earliest)) earliest = cursor;
      }
    }
    for (const WhisperEntry& entry : page.entries) {
      std::optional<bool> delivered;
      if (!parsed.agent_id.empty()) {
        StoreIdentity identity{entry.scope, entry.team_id, {}};
        const std::optional<Nanos>& cursor = cursors[identity.name()];
        delivered = cursor && entry.created_at <= *cursor;
      }
      entries->add(ToJson(entry, delivered));
    }
    data->set("entries", entries);
    data->set("cursor", FormatNanos(earliest.value_or(0)));
    data->set("has_cursor", earliest.has_value());
    data->set("has_more", page.has_more);
    if (page.has_more && !page.entries.empty()) {
      data->set("next_cursor", FormatNanos(page.entries.back().created_at));
    }
    return Reply::ok(data);
  });
}

Reply Add(Runtime& runtime, const AddRequest& parsed) {
  return Guarded(runtime, [&] {
    std::shared_ptr<WhisperStore> store = parsed.entry.scope == kTeamScope
                                              ? runtime.stores->Team(parsed.entry.team_id)
                                              : runtime.stores->Ledger();
    if (!store) {
      return Reply::fail("unknown team_id \"" + parsed.entry.team_id +
                         "\": not a team context of this project");
    }
    if (!parsed.entry.author_agent_id.empty()) {
      runtime.agents->Seen(parsed.entry.author_agent_id, NowNanos());
    }
    std::vector<WhisperEntry> entries{parsed.entry};
    std::vector<std::string> relayed;
    if (!parsed.murmur_id.empty()) relayed.push_back(parsed.murmur_id);
    store->Append(entries, runtime.Clock(), relayed);
    runtime.disk.succeeded();
    return Reply::ok(ToJson(entries.front()));
  });
}

Reply SetPaused(Runtime& runtime, const PauseRequest& parsed, bool paused) {
  return Guarded(runtime, [&] {
    runtime.agents->SetPaused(parsed.agent_id, paused, NowNanos());
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
    data->set("agent_id", parsed.agent_id);
    data->set("murmur_paused", paused);
    return Reply::ok(data);
  });
}

}  // namespace

void RegisterMessages(sdk::Host& host, Runtime& runtime) {
  using sdk::handleTyped;
  using sdk::Progress;
  handleTyped<WhispersRequest>(
      host, "whispers",
      [&runtime](const WhispersRequest& request, Progress&) { return Whispers(runtime, request); });
  handleTyped<HistoryRequest>(
      host, "whisper_history",
      [&runtime](const HistoryRequest& request, Progress&) { return History(runtime, request); });
  handleTyped<AddRequest>(host, "whisper_add", [&runtime](const AddRequest& request, Progress&) {
    return Add(runtime, request);
  });
  // The Go client sends these two one-way (docs/protocol.md#murmur_pause). They answer anyway: a
  // client that does not read the reply loses nothing, and `oxctl murmur pause` can tell the user
  // it worked (or why not).
  handleTyped<PauseRequest>(host, "murmur_pause",
                            [&runtime](const PauseRequest& request, Progress&) {
                              return SetPaused(runtime, request, true);
                            });
  handleTyped<PauseRequest>(host, "murmur_resume",
                            [&runtime](const PauseRequest& request, Progress&) {
                              return SetPaused(runtime, request, false);
                            });
  host.statusSection("whisper", [&runtime] { return WhisperStatusJson(runtime); });
  host.doctor([&runtime]() -> Poco::Dynamic::Var { return RunMaintenance(runtime, NowNanos()); });
}

}  // namespace oxd::whisper
