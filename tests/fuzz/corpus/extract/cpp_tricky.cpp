// Strings, chars and raw strings that look like code or comments.
#include "tricky.h"

const char* kFake = "int NotAFunction() { /* not a comment */ }";
const char* kRaw = R"sql(
  SELECT * FROM t; -- "quoted" ) not the end
  void AlsoNotAFunction() {}
)sql";
const char kQuote = '"';
const char kSlash = '/';
constexpr long kMillion = 1'000'000;  // digit separators are no char literals

#if 0
void DisabledCode() { unbalanced {
#endif

#ifdef USE_FAST_PATH
int Compute(int x) {
#else
int Compute(long x) {
#endif
  return x * 2;
}

void Escapes() {
  const char* s = "a \" b /* c";  // not a block comment
  char c = '\'';
  int inner = 0;
  struct Local { void NotReported(); };
}

/* A block comment
   spanning lines. */
int AfterBlock() { return 1; }

#define MULTI_LINE(x) \
  do {                \
    (x);              \
  } while (0)

//////////////////////////////
// A banner is a line comment.
//////////////////////////////
namespace {
int Hidden() { return 2; }
}  // namespace

BOOST_AUTO_TEST_CASE(looks_like_a_call) {
  int x = 0;
}

struct stat* Stat(const char* path) { return nullptr; }
