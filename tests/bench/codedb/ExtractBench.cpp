// Symbol and comment extraction over a tree or a file list, single-threaded, the way
// `ctags -R` works: read each file, apply the skip rules, extract. Prints files, bytes,
// symbols, comments, skipped files by reason and the wall time; symbols_bench.sh compares it
// with ctags on the same files.
//
//   oxd_codedb_extract_bench DIR            every file under DIR with a known language
//   oxd_codedb_extract_bench -L LIST        the files named in LIST, one a line
//   oxd_codedb_extract_bench --list DIR     prints those files (for ctags -L) and exits
//   --no-skip before DIR or -L: extract every file, as ctags does (the skip rules leave out
//   generated and large files, which would flatter the comparison)

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "extract/Extraction.h"
#include "extract/SkipRules.h"

namespace fs = std::filesystem;
using oxd::codedb::Language;

namespace {

std::vector<std::string> FilesUnder(const std::string& root) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() &&
        oxd::codedb::DetectLanguage(entry.path().string(), {}) != Language::kUnknown) {
      files.push_back(entry.path().string());
    }
  }
  return files;
}

bool ReadFile(const std::string& path, std::string& text) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) {
    return false;
  }
  text.clear();
  char buffer[65536];
  std::size_t read;
  while ((read = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    text.append(buffer, read);
  }
  std::fclose(file);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--list") {
    for (const std::string& file : FilesUnder(argv[2])) {
      std::cout << file << "\n";
    }
    return 0;
  }
  bool apply_skip_rules = true;
  if (argc > 1 && std::string(argv[1]) == "--no-skip") {
    apply_skip_rules = false;
    --argc;
    ++argv;
  }
  std::vector<std::string> files;
  if (argc == 3 && std::string(argv[1]) == "-L") {
    std::ifstream list(argv[2]);
    for (std::string line; std::getline(list, line);) {
      if (!line.empty()) {
        files.push_back(line);
      }
    }
  } else if (argc == 2) {
    files = FilesUnder(argv[1]);
  } else {
    std::cerr << "usage: " << argv[0] << " DIR | -L LIST | --list DIR\n";
    return 2;
  }

  const auto start = std::chrono::steady_clock::now();
  std::size_t bytes = 0;
  std::size_t symbols = 0;
  std::size_t comments = 0;
  std::map<std::string, std::size_t> skipped;
  std::string text;
  for (const std::string& path : files) {
    if (!ReadFile(path, text)) {
      continue;
    }
    bytes += text.size();
    const oxd::codedb::SkipDecision skip = oxd::codedb::CheckSkip(text);
    if (apply_skip_rules && skip.skip()) {
      ++skipped[std::string(oxd::codedb::SkipReasonName(skip.reason))];
      continue;
    }
    const oxd::codedb::Extraction extraction =
        oxd::codedb::Extract(oxd::codedb::DetectLanguage(path, text), text);
    symbols += extraction.symbols.size();
    comments += extraction.comments.size();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "files " << files.size() << "  bytes " << bytes << "  symbols " << symbols
            << "  comments " << comments << "  seconds " << seconds << "  MB/s "
            << static_cast<double>(bytes) / 1e6 / seconds << "\n";
  for (const auto& [reason, count] : skipped) {
    std::cout << "skipped " << reason << " " << count << "\n";
  }
  return 0;
}
