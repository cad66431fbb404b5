"""wrk as the load generator: POST bodies made unique per request by a Lua script.

Every request carries its own text (``<prefix> <thread>-<n>``), so the service stores every
one (the same text twice from the same form would be one comment, by its idempotency key).
The script counts answers by status in every thread and prints them with the latency
percentiles at the end, so a run tells receipts, clean refusals and errors apart.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

_LUA = r"""
local threads = {}
local counter = 0
statuses = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local body = string.format(TEMPLATE, tid .. "-" .. counter)
  return wrk.format("POST", PATH, HEADERS, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

DELAY_MS = DELAY
if DELAY_MS > 0 then
  function delay()
    return DELAY_MS
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      total[code] = (total[code] or 0) + n
    end
  end
  for code, n in pairs(total) do
    io.write(string.format("STATUS %d %d\n", code, n))
  end
  io.write(string.format("P50_US %d\nP99_US %d\n", latency:percentile(50), latency:percentile(99)))
  io.write(string.format("TIMEOUTS %d\nERRORS %d\n", summary.errors.timeout,
    summary.errors.connect + summary.errors.read + summary.errors.write))
end
"""


@dataclass
class WrkResult:
    """What one wrk run measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int] = field(default_factory=dict)
    timeouts: int = 0
    socket_errors: int = 0

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    def count(self, *codes: int) -> int:
        return sum(n for code, n in self.statuses.items() if code in codes)

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code >= 500 and code != 503)


def _lua_string(value: str) -> str:
    """A Lua string literal of ``value``'s UTF-8 bytes (LuaJIT has no \\u escapes)."""
    out = []
    for byte in value.encode("utf-8"):
        char = chr(byte)
        plain = 32 <= byte < 127 and char not in '"\\'
        out.append(char if plain else f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def script(path: str, content_type: str, template: str, delay_ms: int = 0) -> Path:
    """A Lua script posting ``template`` to ``path``; ``{n}`` in it becomes a unique part."""
    # A fresh run id too: the same text from the same page is one comment (idempotency), so
    # a second run repeating the first one's texts would be answered from memory.
    run_id = uuid.uuid4().hex[:8]
    template = template.replace("%", "%%").replace("{n}", run_id + "-%s")
    headers = "{[" + _lua_string("Content-Type") + "] = " + _lua_string(content_type) + "}"
    head = (
        f"PATH = {_lua_string(path)}\nHEADERS = {headers}\n"
        f"TEMPLATE = {_lua_string(template)}\nDELAY = {delay_ms}\n"
    )
    file = Path(tempfile.mkdtemp(prefix="gopy-wrk-")) / "post.lua"
    file.write_text(head + _LUA, encoding="utf-8")
    return file


def run(
    base_url: str,
    lua: Path,
    *,
    seconds: float,
    connections: int,
    threads: int = 2,
    timeout_s: int = 10,
) -> WrkResult:
    """Run wrk for ``seconds`` with ``connections`` open; parse what the script printed."""
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            f"--timeout={timeout_s}s",
            "-s",
            str(lua),
            base_url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise RuntimeError(f"wrk printed no rate:\n{out}")
    statuses = {int(c): int(n) for c, n in re.findall(r"^STATUS (\d+) (\d+)$", out, re.M)}

    def number(name: str) -> int:
        match = re.search(rf"^{name} (\d+)$", out, re.M)
        return int(match.group(1)) if match else 0

    return WrkResult(
        rps=float(found.group(1)),
        p50_ms=number("P50_US") / 1000,
        p99_ms=number("P99_US") / 1000,
        statuses=statuses,
        timeouts=number("TIMEOUTS"),
        socket_errors=number("ERRORS"),
    )
