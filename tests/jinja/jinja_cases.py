"""Reader for the differential case files (tests/jinja/cases/*.txt).

Format (the C++ reader in corpus_test.cc implements the same rules):

  === case_name [trailing_newline]
  template lines...
  --- context
  {"json": "object"}
  --- template other.sql
  lines of another template, loadable by include/import

A case's template is its lines joined by "\\n" with no final newline, unless the header carries
the `trailing_newline` flag. Lines starting with `#!` before the first case are comments.
"""
import json
import os


def parse_file(path, group):
    cases = []
    cur = None
    section = None  # ("template",) | ("context",) | ("extra", name)
    buf = []

    def flush():
        nonlocal buf
        if cur is None:
            buf = []
            return
        text = "\n".join(buf)
        if section[0] == "template":
            if cur["trailing_newline"]:
                text += "\n"
            cur["template"] = text
        elif section[0] == "context":
            cur["context"] = json.loads(text) if text.strip() else {}
        else:
            cur["templates"][section[1]] = text
        buf = []

    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for line in lines:
        if line.startswith("=== "):
            flush()
            parts = line[4:].split()
            cur = {
                "id": f"{group}/{parts[0]}",
                "template": "",
                "context": {},
                "templates": {},
                "trailing_newline": "trailing_newline" in parts[1:],
            }
            cases.append(cur)
            section = ("template",)
        elif line.startswith("--- ") and cur is not None:
            flush()
            words = line[4:].split(None, 1)
            if words[0] == "context":
                section = ("context",)
            elif words[0] == "template":
                section = ("extra", words[1].strip())
            else:
                raise ValueError(f"{path}: unknown section {line!r}")
        elif cur is None:
            continue
        else:
            buf.append(line)
    flush()
    return cases


def load_cases(cases_dir):
    cases = []
    for name in sorted(os.listdir(cases_dir)):
        if name.endswith(".txt"):
            cases.extend(parse_file(os.path.join(cases_dir, name), name[: -len(".txt")]))
    seen = set()
    for c in cases:
        if c["id"] in seen:
            raise ValueError(f"duplicate case id {c['id']}")
        seen.add(c["id"])
    return cases
