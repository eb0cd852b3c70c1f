// Shell (sh, bash, zsh, ksh): functions (`name() …`, `function name …`), constants
// (`readonly NAME`, `declare -r`/`typeset -r NAME`) and aliases (`alias name=…`), recognised
// in command position only. `#` starts a comment at the start of a word, never inside one
// (`$#`, `${#x}`, `a#b`) nor in quotes; the `#!` line is no comment. Single and double
// quotes, $'…', $(…), ${…}, backticks and here-documents (<<, <<-, quoted delimiters, several
// on one line) are skipped. One scanner per Extract call.
#pragma once

#include <string_view>

#include "CommentCollector.h"
#include "Extraction.h"

namespace oxd::codedb {

void ScanShell(std::string_view text, Extraction& out, CommentCollector& comments);

}  // namespace oxd::codedb
