#include "writes/RedactedCopy.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <memory>
#include <string>
#include <system_error>

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

// Closes the descriptor; an unfinished temporary is unlinked (Keep() once it is renamed).
class TemporaryFile {
 public:
  explicit TemporaryFile(fs::path path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw std::system_error(errno, std::generic_category(), "create " + path_.string());
  }
  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!kept_) ::unlink(path_.c_str());
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  void Write(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) Fail("write");
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  // fsync, close and rename onto `destination`: without the fsync a crash soon after the rename
  // could leave an empty file in its place.
  void RenameOnto(const fs::path& destination) {
    if (::fsync(fd_) != 0) Fail("sync");
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) Fail("close");
    if (::rename(path_.c_str(), destination.c_str()) != 0)
      Fail("rename onto " + destination.string() + " from");
    kept_ = true;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what + " " + path_.string());
  }

  fs::path path_;
  int fd_ = -1;
  bool kept_ = false;
};

class SourceFile {
 public:
  explicit SourceFile(const fs::path& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "read " + path.string());
  }
  ~SourceFile() { ::close(fd_); }
  SourceFile(const SourceFile&) = delete;
  SourceFile& operator=(const SourceFile&) = delete;

  // The next bytes; empty at the end of the file.
  std::string_view Read(std::array<char, kReadChunk>& buffer) {
    while (true) {
      ssize_t n = ::read(fd_, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::system_error(errno, std::generic_category(), "read " + path_.string());
      return {buffer.data(), static_cast<std::size_t>(n)};
    }
  }

 private:
  fs::path path_;
  int fd_ = -1;
};

}  // namespace

redact::Counts CopyRedacted(const fs::path& source, const fs::path& destination) {
  fs::create_directories(destination.parent_path());
  SourceFile input(source);
  // Hidden and per process: never mistaken for content, never shared by two writers.
  TemporaryFile output(destination.parent_path() / ("." + destination.filename().string() +
                                                    ".oxd-tmp." + std::to_string(::getpid())));
  redact::StreamRedactor redactor([&](std::string_view bytes) { output.Write(bytes); });
  auto buffer = std::make_unique<std::array<char, kReadChunk>>();
  for (std::string_view chunk = input.Read(*buffer); !chunk.empty(); chunk = input.Read(*buffer)) {
    redactor.Write(chunk);
  }
  redactor.Finish();
  output.RenameOnto(destination);
  return redactor.counts();
}

}  // namespace oxd::sync
