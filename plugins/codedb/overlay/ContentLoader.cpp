#include "overlay/ContentLoader.h"

#include <fcntl.h>
#include <unistd.h>

namespace oxd::codedb {
namespace {

// At most `limit` bytes of the file; false when it cannot be opened (gone, or no permission).
bool ReadPrefix(const std::string& absolute, std::size_t limit, std::string& out) {
  int fd = open(absolute.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return false;
  }
  out.clear();
  char buffer[65536];
  while (out.size() < limit) {
    ssize_t got = read(fd, buffer, std::min(sizeof buffer, limit - out.size()));
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      break;
    }
    out.append(buffer, static_cast<std::size_t>(got));
  }
  close(fd);
  return true;
}

}  // namespace

std::shared_ptr<const DirtyContent> LoadContent(const std::string& absolute,
                                                const std::string& path, const FileStamp& stamp,
                                                const SkipOptions& skip) {
  auto content = std::make_shared<DirtyContent>();
  content->stamp = stamp;
  if (stamp.IsSymlink() || !stamp.IsRegularFile()) {
    // The index does not search symlinks or submodules either.
    content->skip_reason = stamp.IsSymlink() ? "symlink" : "not_a_file";
    return content;
  }
  // One byte past the limit is enough to see "too large" without reading the rest.
  std::string text;
  if (!ReadPrefix(absolute, skip.max_bytes + 1, text)) {
    content->skip_reason = "not_a_file";
    content->skip_detail = "could not be read";
    return content;
  }
  std::size_t size =
      text.size() > skip.max_bytes ? std::max<std::size_t>(stamp.size, text.size()) : text.size();
  SkipDecision decision = CheckSkip(text, size, skip);
  content->language = DetectLanguage(path, text);
  if (decision.skip()) {
    content->skip_reason = std::string(SkipReasonName(decision.reason));
    content->skip_detail = std::move(decision.detail);
    return content;
  }
  content->text = std::move(text);
  content->extraction = Extract(content->language, content->text);
  return content;
}

}  // namespace oxd::codedb
