"""The Procfile: one ``name: [VAR=value ...] command args`` line per supervised program.

It is the single list of what ``make demo`` runs (:mod:`localinfra.demo`); the format is the
one foreman and honcho read, minus the shell: commands run directly, so the pid the
supervisor watches is the program's own.
"""

from __future__ import annotations

import re
import shlex

from localinfra.supervise import Program

_ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_.-]+):\s*(.+)$")


def parse_procfile(text: str) -> list[Program]:
    """Programs of a Procfile: ``name: [VAR=value ...] command args``, ``#`` starts a comment.

    Commands run without a shell so the supervised pid is the program's own; a line that needs
    a shell (pipes, redirections, ``$VAR``) is refused with its line number.
    """
    programs: list[Program] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _PROCFILE_LINE.match(line)
        if match is None:
            raise ValueError(f"Procfile line {number}: expected 'name: command', got {raw!r}")
        name, command = match.groups()
        words = _split(command)
        if words is None:
            raise ValueError(f"Procfile line {number}: shell syntax (operators, redirections, "
                             f"$variables) is not supported: {command!r}")
        env: dict[str, str] = {}
        while words and _ENV_ASSIGNMENT.match(words[0]):
            key, _, value = words.pop(0).partition("=")
            env[key] = value
        if not words:
            raise ValueError(f"Procfile line {number}: no command after the variables")
        if any(p.name == name for p in programs):
            raise ValueError(f"Procfile line {number}: program {name!r} is listed twice")
        programs.append(Program(name, tuple(words), env))
    return programs


def _split(command: str) -> list[str] | None:
    """The words of ``command`` as a POSIX shell splits them, or None if it needs a shell."""
    # Without posix mode the quotes stay on each word, so an operator or a $ can be told
    # apart from a quoted one.
    lexer = shlex.shlex(command, posix=False, punctuation_chars=True)
    lexer.whitespace_split = True
    for word in lexer:
        if set(word) <= set(lexer.punctuation_chars) or (
                "$" in word and not word.startswith("'")):
            return None
    return shlex.split(command)
