#include "extract/Language.h"

#include <gtest/gtest.h>

namespace oxd::codedb {
namespace {

TEST(DetectLanguage, ByExtension) {
  EXPECT_EQ(DetectLanguage("src/main.c", ""), Language::kC);
  EXPECT_EQ(DetectLanguage("include/a.h", ""), Language::kCpp);
  EXPECT_EQ(DetectLanguage("a/b.hpp", ""), Language::kCpp);
  EXPECT_EQ(DetectLanguage("x.cc", ""), Language::kCpp);
  EXPECT_EQ(DetectLanguage("X.C", ""), Language::kCpp);
  EXPECT_EQ(DetectLanguage("cmd/main.go", ""), Language::kGo);
  EXPECT_EQ(DetectLanguage("setup.py", ""), Language::kPython);
  EXPECT_EQ(DetectLanguage("stubs.pyi", ""), Language::kPython);
  EXPECT_EQ(DetectLanguage("app.js", ""), Language::kJavaScript);
  EXPECT_EQ(DetectLanguage("app.mjs", ""), Language::kJavaScript);
  EXPECT_EQ(DetectLanguage("view.jsx", ""), Language::kJavaScript);
  EXPECT_EQ(DetectLanguage("index.ts", ""), Language::kTypeScript);
  EXPECT_EQ(DetectLanguage("view.tsx", ""), Language::kTypeScript);
  EXPECT_EQ(DetectLanguage("lib.rs", ""), Language::kRust);
  EXPECT_EQ(DetectLanguage("Main.java", ""), Language::kJava);
  EXPECT_EQ(DetectLanguage("build.sh", ""), Language::kShell);
  EXPECT_EQ(DetectLanguage("rc.bash", ""), Language::kShell);
}

TEST(DetectLanguage, UnknownExtensionsAndNames) {
  EXPECT_EQ(DetectLanguage("README.md", ""), Language::kUnknown);
  EXPECT_EQ(DetectLanguage("Makefile", ""), Language::kUnknown);
  EXPECT_EQ(DetectLanguage("archive.tar.gz", ""), Language::kUnknown);
  EXPECT_EQ(DetectLanguage("dir.py/file", ""), Language::kUnknown);  // the directory's dot
  EXPECT_EQ(DetectLanguage("a.PY", ""), Language::kUnknown);         // case matters
  EXPECT_EQ(DetectLanguage("", ""), Language::kUnknown);
}

TEST(DetectLanguage, ShebangWithoutExtension) {
  EXPECT_EQ(DetectLanguage("bin/tool", "#!/bin/sh\necho"), Language::kShell);
  EXPECT_EQ(DetectLanguage("bin/tool", "#!/usr/bin/env bash\n"), Language::kShell);
  EXPECT_EQ(DetectLanguage("bin/tool", "#!/usr/bin/env -S bash -e\n"), Language::kShell);
  EXPECT_EQ(DetectLanguage("bin/tool", "#! /bin/zsh"), Language::kShell);
  EXPECT_EQ(DetectLanguage("bin/tool", "#!/usr/bin/python3.11 -u\n"), Language::kPython);
  EXPECT_EQ(DetectLanguage("bin/tool", "#!/usr/bin/env python3\n"), Language::kPython);
  EXPECT_EQ(DetectLanguage("bin/tool", "#!/usr/bin/perl\n"), Language::kUnknown);
  EXPECT_EQ(DetectLanguage("bin/tool", "#!/usr/bin/env\n"), Language::kUnknown);
  EXPECT_EQ(DetectLanguage("bin/tool", "echo hi\n#!/bin/sh\n"), Language::kUnknown);
  EXPECT_EQ(DetectLanguage(".bashrc", "#!/bin/bash\n"), Language::kShell);
  // The extension wins over the shebang.
  EXPECT_EQ(DetectLanguage("x.py", "#!/bin/sh\n"), Language::kPython);
}

TEST(LanguageName, RoundTrips) {
  for (Language language : {Language::kUnknown, Language::kC, Language::kCpp, Language::kGo,
                            Language::kPython, Language::kJavaScript, Language::kTypeScript,
                            Language::kRust, Language::kJava, Language::kShell}) {
    EXPECT_EQ(LanguageFromName(LanguageName(language)), language) << LanguageName(language);
  }
  EXPECT_EQ(LanguageName(Language::kCpp), "cpp");
  EXPECT_EQ(LanguageFromName("C++"), Language::kUnknown);
}

}  // namespace
}  // namespace oxd::codedb
