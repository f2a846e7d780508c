"""Checks of duban's own for the schemathesis run of tests/integration/fuzz.test.ts.

A request the OpenAPI document calls valid may still be refused for a reason no static schema can
state (a code that names no row, a date that must lie ahead, one field that depends on another).
Those reasons are listed, with why, in known-exceptions.toml; this check fails on every other
refusal of a valid request, matching the problem's `errors[]` path and code (or its `code` when it
names no field), so the list cannot hide a document that has drifted from the validators.
"""

import os
import re
import tomllib

import schemathesis

with open(os.path.join(os.path.dirname(__file__), "known-exceptions.toml"), "rb") as f:
    KNOWN = tomllib.load(f)["refused"]

# The built-in positive_data_acceptance lets these through (schemathesis.toml); this check judges them.
JUDGED = {400, 410, 415, 422}


def _known(operation: str, status: int, problem: dict) -> bool:
    entries = [k for k in KNOWN if re.fullmatch(k["operation"], operation) and status in k.get("status", [400])]
    errors = problem.get("errors") or []
    if not errors:
        return any(k.get("problem") == problem.get("code") for k in entries)
    return all(
        any(re.fullmatch(k.get("path", "(?!)"), e.get("path", "")) and k.get("code", e.get("code")) == e.get("code") for k in entries)
        for e in errors
    )


@schemathesis.check
def refused_only_for_known_reasons(ctx, response, case):
    """Schema-valid requests are accepted unless known-exceptions.toml explains the refusal."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code not in JUDGED:
        return None
    try:
        problem = response.json()
    except ValueError:
        problem = {}
    if not _known(case.operation.label, response.status_code, problem if isinstance(problem, dict) else {}):
        raise AssertionError(
            f"A request the document calls valid was refused for a reason known-exceptions.toml does not list: "
            f"{response.status_code} {problem}"
        )
    return None
