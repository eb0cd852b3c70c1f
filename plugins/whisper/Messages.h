// Everything the plugin registers with the host, in one table (Messages.cpp): the messages
// (README: Messages) whispers, whisper_history, whisper_add, murmur_pause, murmur_resume, each
// with its request struct of Requests.h; the `whisper` status section (WhisperStatus.h); the
// doctor hook (maintenance now, Maintenance.h). Handlers run on the host's worker pool; a store
// error becomes {"success":false,"error":"whisper store <name>: …"}, a bad payload
// "invalid payload: …".
#pragma once

#include "Runtime.h"

namespace oxd::whisper {

void RegisterMessages(sdk::Host& host, Runtime& runtime);

}  // namespace oxd::whisper
