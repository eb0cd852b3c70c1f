#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target into tests/fuzz/corpus/<target>/.

The seeds are the inputs the test suites use (the unit tests' payloads, project files,
manifests, murmur files, the default config, codedb's golden sources), in each target's input
format (tests/fuzz/README.md). Run it again after changing a seed list here; the fuzzers' own
findings are not written here (a finding becomes a regression test in its owning suite).
"""

import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def write(target, name, data):
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(directory, name), "wb") as out:
        out.write(data)


def reset(target):
    shutil.rmtree(os.path.join(CORPUS, target), ignore_errors=True)


# --- payload: "<type>\n<payload JSON>" --------------------------------------------------------
# From tests/unit/HeartbeatHandlerTest.cpp and plugins/*/tests/unit/*MessagesTest.cpp.
PAYLOADS = {
    "heartbeat": [
        '{"repo_path": "/r", "agent_id": "a"}',
        '{"credentials": {"auth_token": "t", "expires_at": "tomorrow"}}',
        '{"credentials": {"auth_token": "second", "expires_at": "2026-01-01T00:00:00Z",'
        ' "user_email": "e@x", "server_url": "https://x"}}',
        '{"cli_version": "1.2.3+anotherbuild"}',
        '{"agent_id": "a", "context_tokens": 100, "parent_pid": 1}',
        '{"team_ids": ["t1", "t1", ""]}',
        '{"caller_path": "/a", "agent_id": "x"}',
        '{"agent_id": "z", "team_ids": ["t"], "workspace_path": "/w"}',
    ],
    "whispers": ['{"agent_id":"Ox1"}', '{"agent_id":"Ox1","attention":"focused","topics":["build"]}',
                 '{"agent_id":42}'],
    "whisper_history": ['{"agent_id":"Ox1","limit":10}', '{"limit":-1}',
                        '{"before":"2026-11-23T14:03:11.52Z"}', '{"before":"yesterday"}'],
    "whisper_add": ['{"content":"hello","topics":["build"]}',
                    '{"content":"x","importance":"high"}',
                    '{"scope":"team","team_id":"t1","content":"c","source":"relay",'
                    '"agent_id":"Ox1","author_agent_id":"Ox2","importance":3,'
                    '"expires_at":"2026-12-01T00:00:00Z","murmur_id":"m_1"}'],
    "murmur_pause": ['{"agent_id":"Ox1"}', '{"agent_id":true}'],
    "murmur_resume": ['{"agent_id":"Oxnobody"}'],
    "code_index": ['{"repo":"project","full":true}', '{"url":"file:///srv/remote.git"}',
                   '{"url":"ftp://x"}', '{"url":"file:///x","repo":"ledger"}'],
    "code_search": ['{"query":"GreetTheWorld"}', '{"query":"x","kind":"poem"}',
                    '{"query":"main","kind":"symbol","path":"src/*.cpp","lang":"cpp",'
                    '"limit":20,"history":true,"word":true,"ignore_case":true,"repo":"ledger"}'],
    "checkout": ['{"repo_path":"/tmp/x","clone_url":"file:///srv/r.git","repo_type":"ledger"}',
                 '{"repo_path":5}', '{"repo_path":"/x","clone_url":"ftp://x"}'],
    "murmur": ['{"target_dir":"/tmp","rel_path":"m.json","murmur_json":"e30="}',
               '{"rel_path":"m.json","murmur_json":"e30="}'],
    "session_finalize": ['{"session_name":"s","ledger_path":"/l","cache_path":"/c"}',
                         '{"session_name":7}'],
    "session_watch_start": ['{"session_name":"s","session_file":"/tmp/s.jsonl",'
                            '"adapter_name":"claude"}', '{"session_name":"s"}'],
    "session_watch_stop": ['{"session_name":"s"}'],
    "telemetry": ['{"event":"cli:command","props":{"command":"status","ok":true,"ms":12}}',
                  '{"event":"x","props":[1]}', '{"props":{}}'],
    "friction": ['{"kind":"unknown-command","input":"ox stats","command":"ox","actor":"agent",'
                 '"agent_type":"claude-code","path_bucket":"repo","error_msg":"no"}',
                 '{"kind":"nonsense"}'],
    "no_payload": ['{}', '{"anything":[1,2,3]}'],
}

# --- config: a project's oxd.ini; "-D k=v" lines are --define values ----------------------------
CONFIGS = {
    "project": "[sync]\ninterval = 5m\nteams = a b\n[whisper]\nretention = 7d\n"
               "max_store_bytes = 64MB\n[daemon]\nworkers = 4\ninactivity_timeout = 1h\n",
    "defines": "[codedb]\nmax_file_size = 1MB\n-D sync.interval=30s\n-D daemon.workers=0\n"
               "-D telemetry.enabled=false\n",
    "problems": "key outside\n[daemon]\nworkrs = 4\nshutdown_timeout = soon\n[nope]\nx=1\n"
                "garbage line\n[sync\n",
    "telemetry": "[telemetry]\notlp_endpoint = http://127.0.0.1:4318\n"
                 "otlp_headers = a=b,c=d%20e\n[env]\nOTEL_EXPORTER_OTLP_HEADERS = k=v\n"
                 "OTEL_EXPORTER_OTLP_PROTOCOL = grpc\n",
    "references": "[sync]\ninterval = ${sync.interval}\n[whisper]\nretention = ${sync.x}\n",
}

# --- files: first byte = reader (FilesFuzz.cpp), rest = the file --------------------------------
FILES = [
    (0, "project", '{"repo_id":"repo_1","ledger":{"url":"file:///l.git","path":"../ledger"},'
                   '"team_contexts":[{"id":"team/../42","name":"Platform","url":"file:///t.git",'
                   '"interval":"1h30m","gc_interval_days":3}],'
                   '"github":{"owner":"acme","repo":"widget"}}'),
    (0, "project_bad", '{"team_contexts":[{"id":"a","gc_interval_days":2.5}]}'),
    (1, "manifest", "# comment\ninclude docs/\nresolve theirs data/\n"
                    "resolve none data/proprietary/   # keep\nresolve ours notes\n"
                    "resolve sideways x/\nresolve auto /\n"),
    (2, "murmur", '{"version": 1, "id": "m_3f9a", "agent_id": "Oxa7b3", '
                  '"content": "refactoring the parser", "topics": ["parser"], "importance": 1, '
                  '"created_at": "2026-11-23T14:03:11.52Z"}'),
    (3, "heartbeat", '{"ts":"2026-03-12T18:09:05.120431Z","pid":12,"version":"0.1.0",'
                     '"workspace":"/w","last_sync":"2026-03-12T18:00:00Z","status":"healthy"}\n'
                     'not json\n{"ts":"x","status":"error","error_count":2}\n'),
    (4, "state", '{\n  "last_sync": "2026-03-12T18:09:05.120431Z",\n'
                 '  "last_sync_commit": "abc",\n  "consecutive_failures": 2,\n'
                 '  "last_gc": "2026-03-01T00:00:00Z"\n}\n'),
    (5, "watch", '{"session_file":"/tmp/s.jsonl","adapter_name":"claude","device":2049,'
                 '"inode":1234,"offset":100,"raw_size":100,"active":true}'),
    (6, "spool", '{"target_dir":"/tmp/ledger","rel_path":"murmurs/2026-11-23/m_1.json",'
                 '"content":"hello","murmur_json":"e30="}'),
]

# --- codedb_query: flags byte, then query / glob / lang / path lines, then the text --------------
QUERIES = [
    (0, "GreetTheWorld", "", "", "src/main.cpp", "int GreetTheWorld();\n"),
    (4 | 8, "greet", "src/**/*.cpp", "cpp", "src/a/b.cpp", "void greet() {}\n// Greet\n"),
    (1, "main", "*.go", "go", "cmd/main.go", "func main() {}\n"),
    (2, "TODO", "src/", "", "src/x.py", "# TODO: fix\n"),
    (3, "fix \"quoted\" NEAR(a b) *", "", "", "", ""),
    (0, "ab", "?.h", "c", "x.h", "abab\r\nab\n"),
]


def extract_seeds():
    golden = os.path.join(ROOT, "plugins", "codedb", "tests", "golden")
    order = ["c", "cpp", "go", "python", "javascript", "typescript", "rust", "java", "shell"]
    for index, language in enumerate(order):
        directory = os.path.join(golden, language)
        if not os.path.isdir(directory):
            continue
        for name in sorted(os.listdir(directory)):
            if name.endswith(".expected"):
                continue
            with open(os.path.join(directory, name), "rb") as source:
                # No source extension: scripts/test.sh checks the format of every *.cpp, *.h, *.c.
                write("extract", f"{language}_{name.replace('.', '_')}",
                      bytes([index]) + source.read())


def main():
    for target in ("payload", "config", "files", "codedb_query", "extract"):
        reset(target)
    for message, payloads in PAYLOADS.items():
        for number, payload in enumerate(payloads):
            write("payload", f"{message}_{number}", f"{message}\n{payload}")
    for name, text in CONFIGS.items():
        write("config", name, text)
    with open(os.path.join(ROOT, "packaging", "oxd.ini"), "rb") as default:
        write("config", "default_oxd_ini", default.read())
    for reader, name, text in FILES:
        write("files", name, bytes([reader]) + text.encode())
    for number, (flags, query, glob, lang, path, text) in enumerate(QUERIES):
        write("codedb_query", f"query_{number}",
              bytes([flags]) + f"{query}\n{glob}\n{lang}\n{path}\n{text}".encode())
    extract_seeds()
    return 0


if __name__ == "__main__":
    sys.exit(main())
