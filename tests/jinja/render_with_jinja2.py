#!/usr/bin/python3
"""Renders every differential case with Python's Jinja2 (configured like dbt) and writes the
expected results as JSON: {"<file>/<case>": {"output": str} | {"error": "<ExceptionClass>"}}.

Run with /usr/bin/python3 (Debian's python3-jinja2), e.g.
  /usr/bin/python3 tests/jinja/render_with_jinja2.py tests/jinja/cases build/jinja_expected.json
"""
import json
import os
import sys

import jinja2
import jinja2.runtime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jinja_cases import load_cases  # noqa: E402


class MacroReturn(Exception):
    """dbt's return(): raised by the global, caught by the macro wrapper."""

    def __init__(self, value):
        super().__init__()
        self.value = value


def dbt_return(value):
    raise MacroReturn(value)


_original_invoke = jinja2.runtime.Macro._invoke


def _invoke(self, arguments, autoescape):
    try:
        return _original_invoke(self, arguments, autoescape)
    except MacroReturn as r:
        return r.value


jinja2.runtime.Macro._invoke = _invoke

# Errors are compared by class; these Python classes have a kiln equivalent under another name.
ERROR_ALIASES = {
    "RecursionError": "TemplateRuntimeError",
    "MacroReturn": "TemplateRuntimeError",
}


def make_env(templates):
    env = jinja2.Environment(
        extensions=["jinja2.ext.do"],
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=False,
        undefined=jinja2.Undefined,
        autoescape=False,
        loader=jinja2.DictLoader(templates),
    )
    env.globals["return"] = dbt_return
    return env


def render_case(case):
    templates = dict(case["templates"])
    templates["main"] = case["template"]
    env = make_env(templates)
    try:
        out = env.get_template("main").render(**case["context"])
        return {"output": out}
    except Exception as e:  # noqa: BLE001 - every error class is part of the expectation
        name = type(e).__name__
        return {"error": ERROR_ALIASES.get(name, name)}


def main():
    cases_dir, out_path = sys.argv[1], sys.argv[2]
    cases = load_cases(cases_dir)
    results = {}
    for case in cases:
        results[case["id"]] = render_case(case)
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1, sort_keys=True, ensure_ascii=False)
    os.replace(tmp, out_path)
    print(f"rendered {len(results)} cases with Jinja2 {jinja2.__version__}")


if __name__ == "__main__":
    main()
