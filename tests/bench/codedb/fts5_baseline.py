#!/usr/bin/env python3
"""The full-index baseline of the codedb benchmark: the unique text blobs of a repository loaded into an
FTS5 table (trigram, detail=none), as the codedb index stores text.

    git -C REPO cat-file --batch-all-objects --batch | python3 fts5_baseline.py DB

Reads the `--batch` stream (`<oid> <type> <size>\\n<content>\\n` per object; every object once,
so every blob is unique by content), keeps the blobs that are text the way the indexer judges
it (no NUL byte, valid UTF-8; no size or generated-file rule: the baseline does less filtering,
so it loads somewhat more text than the daemon), and inserts them in one transaction. Prints
one line of counts on stdout. DB must not exist.
"""
import sqlite3
import sys


def blobs(stream, counts):
    while True:
        header = stream.readline()
        if not header:
            return
        _, kind, size = header.split()
        content = stream.read(int(size))
        stream.read(1)  # the newline after each object
        if kind != b"blob":
            continue
        counts["blobs"] += 1
        if b"\0" in content:
            continue
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            continue
        counts["text"] += 1
        counts["bytes"] += len(content)
        yield (text,)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: git cat-file --batch-all-objects --batch | fts5_baseline.py DB")
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("CREATE VIRTUAL TABLE blob_fts USING fts5(text, tokenize='trigram', detail=none)")
    counts = {"blobs": 0, "text": 0, "bytes": 0}
    db.execute("BEGIN")
    db.executemany("INSERT INTO blob_fts(text) VALUES (?)", blobs(sys.stdin.buffer, counts))
    db.execute("COMMIT")
    db.close()
    print("%d blobs, %d text blobs loaded, %.1f MB" %
          (counts["blobs"], counts["text"], counts["bytes"] / 1e6))


if __name__ == "__main__":
    main()
