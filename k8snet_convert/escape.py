"""Input text made safe to show: one function for every human-readable output.

File names and manifest text (a ``metadata.name``, an annotation value quoted in a message) end up on
terminals, in CI logs next to GitHub's workflow commands, in Markdown and JUnit reports. A control
character in them could move the cursor or recolour the terminal (ANSI escapes), start a new line that
the runner reads as a workflow command (``\\n::error file=x::forged``), or reorder what is shown
(bidirectional overrides). ``visible`` writes every such character as an escape (``\\x1b``, ``\\n``,
``\\u202e``); other text, non-ASCII letters included, is left as it is.

GitHub's runner also reads a command at the start of any line (after spaces), so text that starts with
``::`` gets its first colon escaped: a file named ``::stop-commands::x.yaml`` at the start of a report
line would otherwise switch workflow commands off for the rest of the job.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls (NEL and CSI among them), Unicode line and paragraph separators,
# bidirectional embeddings, overrides and isolates, the byte order mark / zero-width no-break space,
# lone surrogates (a JSON "\\ud800" in an annotation value: no encoding can print them) and the
# noncharacters U+FFFE and U+FFFF (which XML cannot hold).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff\ufffe\uffff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with control and formatting characters written as escapes (idempotent)."""
    if _UNSAFE.search(text) is not None:
        text = _UNSAFE.sub(_escape, text)
    stripped = text.lstrip(" ")
    if stripped.startswith("::"):
        cut = len(text) - len(stripped)
        text = text[:cut] + "\\x3a" + text[cut + 1 :]
    return text
