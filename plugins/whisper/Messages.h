// The plugin's messages (README: Messages): whispers, whisper_history, whisper_add,
// murmur_pause, murmur_resume. Handlers run on the host's worker pool; a store error becomes
// {"success":false,"error":"whisper store <name>: …"}, a bad payload "invalid payload: …".
#pragma once

#include "Runtime.h"

namespace oxd::whisper {

void RegisterMessages(Runtime& runtime);

}  // namespace oxd::whisper
