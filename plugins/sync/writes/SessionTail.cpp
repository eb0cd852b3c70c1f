#include "writes/SessionTail.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include "writes/WritePaths.h"

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void ThrowErrno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

SessionTail::SessionTail(fs::path session_dir, TailState state)
    : session_dir_(std::move(session_dir)), state_(std::move(state)) {}

SessionTail::~SessionTail() {
  CloseSource();
  if (raw_fd_ >= 0) ::close(raw_fd_);
}

std::optional<TailState> SessionTail::Load(const fs::path& session_dir) {
  std::ifstream in(session_dir / kTailStateFile);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  try {
    Poco::JSON::Parser parser;
    Poco::JSON::Object::Ptr object = parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
    TailState state;
    state.session_file = object->getValue<std::string>("session_file");
    state.adapter_name = object->optValue<std::string>("adapter_name", "");
    state.device = object->optValue<std::uint64_t>("device", 0);
    state.inode = object->optValue<std::uint64_t>("inode", 0);
    state.offset = object->optValue<std::uint64_t>("offset", 0);
    state.raw_size = object->optValue<std::uint64_t>("raw_size", 0);
    state.active = object->optValue<bool>("active", true);
    return state;
  } catch (const Poco::Exception&) {
    return std::nullopt;  // unreadable: treated as no state (the caller logs the fresh start)
  }
}

void SessionTail::SaveState() {
  if (raw_fd_ >= 0 && ::fsync(raw_fd_) != 0) ThrowErrno("sync raw.jsonl");
  Poco::JSON::Object object(true);
  object.set("session_file", state_.session_file);
  object.set("adapter_name", state_.adapter_name);
  object.set("device", state_.device);
  object.set("inode", state_.inode);
  object.set("offset", state_.offset);
  object.set("raw_size", state_.raw_size);
  object.set("active", state_.active);
  std::ostringstream text;
  object.stringify(text);
  WriteFileAtomically(session_dir_ / kTailStateFile, text.str() + "\n");
}

void SessionTail::Persist(bool active) {
  state_.active = active;
  SaveState();
}

bool SessionTail::OpenSource() {
  int fd = ::open(state_.session_file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return false;
    ThrowErrno("open " + state_.session_file);
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    ::close(fd);
    ThrowErrno("stat " + state_.session_file);
  }
  fd_ = fd;
  if (info.st_ino != state_.inode || info.st_dev != state_.device) {
    state_.device = info.st_dev;  // a new file (first open, or rotated in): from its start
    state_.inode = info.st_ino;
    state_.offset = 0;
    SaveState();
  }
  return true;
}

void SessionTail::CloseSource() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void SessionTail::Append(const char* data, std::size_t size) {
  if (raw_fd_ < 0) {
    fs::create_directories(session_dir_);
    fs::path raw = session_dir_ / kRawFile;
    raw_fd_ = ::open(raw.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (raw_fd_ < 0) ThrowErrno("open " + raw.string());
  }
  std::size_t written = 0;
  while (written < size) {
    ssize_t n = ::write(raw_fd_, data + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ThrowErrno("append to raw.jsonl");
    written += static_cast<std::size_t>(n);
  }
  state_.raw_size += size;
}

std::size_t SessionTail::Drain() {
  struct stat info {};
  if (::fstat(fd_, &info) != 0) ThrowErrno("stat " + state_.session_file);
  if (static_cast<std::uint64_t>(info.st_size) < state_.offset) state_.offset = 0;  // truncated
  std::size_t lines = 0;
  std::string pending;  // bytes after the last newline: a line still being written
  std::uint64_t position = state_.offset;
  char buffer[64 * 1024];
  while (true) {
    ssize_t n = ::pread(fd_, buffer, sizeof buffer, static_cast<off_t>(position));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ThrowErrno("read " + state_.session_file);
    if (n == 0) break;
    position += static_cast<std::uint64_t>(n);
    pending.append(buffer, static_cast<std::size_t>(n));
    std::size_t last = pending.rfind('\n');
    if (last == std::string::npos) continue;
    Append(pending.data(), last + 1);
    lines +=
        static_cast<std::size_t>(std::count(pending.begin(), pending.begin() + last + 1, '\n'));
    state_.offset += last + 1;
    pending.erase(0, last + 1);
  }
  if (lines > 0) SaveState();
  return lines;
}

std::size_t SessionTail::CatchUp() {
  std::size_t lines = 0;
  // Each round finishes one file; more than a few rotations between two events is not a thing.
  for (int round = 0; round < 4; ++round) {
    if (fd_ < 0 && !OpenSource()) break;
    lines += Drain();
    struct stat now {};
    bool same = ::stat(state_.session_file.c_str(), &now) == 0 && now.st_ino == state_.inode &&
                now.st_dev == state_.device;
    if (same) break;
    // Rotated or removed: read the old file to its end once more (lines may have landed between
    // the drain above and the rename), then follow the path.
    lines += Drain();
    CloseSource();
  }
  return lines;
}

std::size_t SessionTail::Resume() {
  fs::path raw = session_dir_ / kRawFile;
  std::error_code error;
  std::uint64_t raw_size = fs::exists(raw, error) ? fs::file_size(raw, error) : 0;
  if (error) raw_size = 0;
  if (raw_size > state_.raw_size) {
    fs::resize_file(raw, state_.raw_size);  // lines copied but not recorded: copied again below
  } else {
    state_.raw_size = raw_size;
  }

  std::size_t lines = 0;
  struct stat now {};
  bool moved = state_.inode != 0 && (::stat(state_.session_file.c_str(), &now) != 0 ||
                                     now.st_ino != state_.inode || now.st_dev != state_.device);
  if (moved) {
    // Rotated while the daemon was down: the old file usually sits beside it (name.1, …).
    fs::path directory = fs::path(state_.session_file).parent_path();
    for (const auto& entry : fs::directory_iterator(directory, error)) {
      struct stat info {};
      if (::lstat(entry.path().c_str(), &info) != 0 || !S_ISREG(info.st_mode) ||
          info.st_ino != state_.inode || info.st_dev != state_.device) {
        continue;
      }
      fd_ = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
      if (fd_ >= 0) {
        lines += Drain();
        CloseSource();
      }
      break;
    }
  }
  return lines + CatchUp();
}

}  // namespace oxd::sync
