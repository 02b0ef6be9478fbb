"""A speed-up kept apart from the domain code: find the lines a set of line-start
patterns may match without trying the patterns at every position of a text.

:func:`line_start_probes` builds two regexes from the patterns' bodies (each pattern is
``^\\s*`` + body, matched at the start of a line): they find the lines whose first
character after white space can start a body, read off the parsed regexes by
:func:`first_chars` (Python's private ``re._parser``; when it cannot tell, the probes
look for the whole bodies instead). A probe only chooses which lines are worth
matching: every line it finds is still matched by the real patterns, so a probe that
finds too many lines costs time, never a wrong answer; one that missed a line would be
wrong, which the equality tests of ``sections.strip_chrome`` against
``sections.strip_chrome_plain`` (the line-by-line reference) guard.
"""
from __future__ import annotations

import re

#: white space inside one line
LINE_WS = r"[^\S\n]"


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with once leading white
    space is skipped, read off the parsed regex; None when that cannot be told
    (a negated class, a category, ``.`` …)."""
    from re import _constants as c
    from re import _parser

    def item(op, av):  # -> (chars, may be empty or white space only)
        if op is c.LITERAL:
            return (frozenset(), True) if chr(av).isspace() else (frozenset(chr(av)), False)
        if op is c.IN:
            chars, ws = set(), False
            for o, a in av:
                if o is c.LITERAL and not chr(a).isspace():
                    chars.add(chr(a))
                elif (o is c.LITERAL and chr(a).isspace()) or (o is c.CATEGORY
                                                              and a is c.CATEGORY_SPACE):
                    ws = True
                elif o is c.RANGE and a[1] - a[0] < 256:
                    span = [chr(x) for x in range(a[0], a[1] + 1)]
                    chars |= {ch for ch in span if not ch.isspace()}
                    ws = ws or any(ch.isspace() for ch in span)
                else:
                    return None
            return frozenset(chars), ws
        if op is c.SUBPATTERN:
            return None if av[1] & c.SRE_FLAG_IGNORECASE else seq(av[-1])
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            got = seq(av[2])
            return None if got is None else (got[0], got[1] or av[0] == 0)
        if op is c.BRANCH:
            got = [seq(b) for b in av[1]]
            if any(g is None for g in got):
                return None
            return frozenset().union(*(g[0] for g in got)), any(g[1] for g in got)
        if op is c.AT:
            return frozenset(), True
        return None

    def seq(items):
        chars = frozenset()
        for op, av in items:
            got = item(op, av)
            if got is None:
                return None
            chars |= got[0]
            if not got[1]:
                return chars, False
        return chars, True

    try:
        parsed = _parser.parse(pattern)
        if parsed.state.flags & c.SRE_FLAG_IGNORECASE:
            return None  # other cases of a letter could start a match
        got = seq(parsed.data)
    except Exception:  # noqa: BLE001 (a private module: any surprise means "cannot tell")
        return None
    return None if got is None or got[1] else got[0]


def line_start_probes(bodies: list[str]) -> tuple[re.Pattern, re.Pattern]:
    """Patterns that find the lines one of ``bodies`` may match after the line's
    leading white space: a line whose first character after white space can start a
    body. One is for the first line (``match`` at 0); the other starts with a line
    break, so the regex engine only looks at line breaks (``finditer``; the line
    starts one after the match). When the first characters cannot be told, they look
    for the whole bodies (white space in them kept to one line). A body must not start
    with white space it requires: the line's leading white space is taken whole
    (possessively, as ``sections.chrome_pattern`` takes it)."""
    firsts = [first_chars(b) for b in bodies]
    if all(f is not None for f in firsts):
        probe = "[" + "".join(re.escape(ch) for ch in sorted(frozenset().union(*firsts))) + "]"
    else:
        for b in bodies:
            if re.search(r"\[\^|(?<!\\)[.$]|\[[^\]]*\\s", b):
                raise ValueError(f"{b!r} uses [^…], '.', '$' or \\s in a class, and its first "
                                 "characters cannot be told: the line-break test cannot rewrite it")
        probe = "(?:" + "|".join(f"(?:{b.replace(chr(92) + 's', LINE_WS)})"
                                 for b in bodies) + ")"
    return re.compile(f"\\A{LINE_WS}*+{probe}"), re.compile(f"\n{LINE_WS}*+{probe}")
