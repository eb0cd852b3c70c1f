// Python: `def`/`async def` (a method directly inside a class), `class`, module- and
// class-level UPPER_CASE assignments (constants), `type X = …` and `X: TypeAlias = …` (types);
// nested definitions carry the enclosing def/class as container. Comments are `#` lines;
// docstrings (a string alone as the first statement of the module, a class or a def) are doc
// comments. Strings with any prefix, triple quotes and f-string replacement fields (with
// nested quotes, as Python 3.12 allows) are skipped. One scanner per Extract call.
#pragma once

#include <string_view>

#include "CommentCollector.h"
#include "Extraction.h"

namespace oxd::codedb {

void ScanPython(std::string_view text, Extraction& out, CommentCollector& comments);

}  // namespace oxd::codedb
