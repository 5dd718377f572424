#!/usr/bin/env python3
"""Checks that src/ keeps the layout the code is meant to have (issue 12).

  sizes      no source file in src/ is longer than 500 lines.
  functions  no function body in src/ is longer than 80 lines, counted as
             clang-tidy's readability-function-size counts them (the line
             of the closing brace minus the line of the opening one); a
             lambda is part of the function it is written in.
  folders    each src/<folder> is built as the library centinela_<folder>;
             the folders' #include "folder/..." graph has no cycle; every
             include that crosses into another library is backed by the
             including library's CMake link dependencies (directly or through
             others); and no library links a centinela_* library of a folder
             it never includes (a dependency kept "just for" one thing that
             moved).

The folder check needs what CMake knows about the targets: the file
tests/layout/CMakeLists.txt writes at configure time (BUILD/tests/layout/
targets.txt). ctest runs the checks (layout.file_sizes,
layout.function_sizes, layout.folder_dependencies); by hand:

  scripts/check-layout.py --src src sizes
  scripts/check-layout.py --src src functions
  scripts/check-layout.py --src src --targets build/tests/layout/targets.txt folders

Exit status 0 when everything holds, 1 with one line per problem otherwise.
"""

import argparse
import os
import re
import sys
from collections import defaultdict

# The limits come from issue 12 ("Sizes").
MAX_LINES = 500
MAX_FUNCTION_LINES = 80

# --- Allowlists: what is still being reshaped by issue 12's helpers. --------
# Each entry says why; the lead empties them once the work has landed.

# Files allowed over MAX_LINES for now (path relative to src/).
SIZE_ALLOWLIST = {
}

# Functions allowed over MAX_FUNCTION_LINES, as "path:name" (path relative to
# src/, name as the check prints it), each with the reason it cannot be split.
FUNCTION_ALLOWLIST = {
}

# Folder edges (from, to) left out of the cycle check, each with its reason.
# Empty: every folder dependency is part of the acyclic graph.
EDGE_ALLOWLIST = set()

# Libraries built from a folder other than their name says, and why.
# Permanent: centinela_boost compiles Asio and Beast once (src/net/
# boost_impl.cpp) for every library.
EXTRA_LIBRARIES = {
    "centinela_boost": "net",
}

SOURCE_SUFFIXES = (".cpp", ".h")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([A-Za-z0-9_]+)/([^"]+)"', re.MULTILINE)


def source_files(src):
    for root, _, files in os.walk(src):
        for name in sorted(files):
            if name.endswith(SOURCE_SUFFIXES):
                path = os.path.join(root, name)
                yield os.path.relpath(path, src), path


def check_sizes(src):
    problems = []
    for rel, path in source_files(src):
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = sum(1 for _ in f)
        if lines > MAX_LINES and rel not in SIZE_ALLOWLIST:
            problems.append(f"src/{rel}: {lines} lines (at most {MAX_LINES}): split it")
    for rel in sorted(SIZE_ALLOWLIST):
        if not os.path.exists(os.path.join(src, rel)):
            problems.append(f"SIZE_ALLOWLIST names src/{rel}, which is gone: remove the entry")
    return problems


# --- Function sizes ----------------------------------------------------------
# A scan of clang-format'ed C++, not a parser: enough to find where each
# function's body opens and closes. Comments, string and character literals
# and preprocessor lines are blanked first (braces in them do not count);
# then every "{" met at namespace or class scope is classified by the text
# before it: a namespace, class or enum opens a scope whose members are
# scanned in turn; a parameter list's ")" (with its qualifiers, a trailing
# return type or a constructor's member initializers) opens a function body;
# anything else (an initializer such as "x{1}" or "= {...}") is skipped.
# Inside a function everything belongs to the function: its lambdas (as
# clang-tidy counts them; it never reports a lambda on its own) and the
# members of a local class (which clang-tidy also reports on their own).

RAW_STRING = re.compile(r'R"([^()\\\s]{0,16})\(')


def raw_string_at(text, quote):
    """The match of R"delim( when the " at `quote` opens a raw string."""
    start = quote
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    if text[start:quote] not in ("R", "u8R", "uR", "UR", "LR"):
        return None
    return RAW_STRING.match(text, quote - 1)


def blank_non_code(text):
    """`text` with comments, literals' contents and preprocessor lines
    replaced by spaces; newlines and offsets stay where they were."""
    out = list(text)
    i, n = 0, len(text)
    at_line_start = True

    def blank(start, end):
        for k in range(start, end):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if c == "\n":
            at_line_start = True
            i += 1
            continue
        if c in " \t":
            i += 1
            continue
        if at_line_start and c == "#":  # a directive, with its continuations
            end = i
            while True:
                end = text.find("\n", end)
                if end == -1:
                    end = n
                    break
                if text[end - 1] != "\\":
                    break
                end += 1
            blank(i, end)
            i = end
            continue
        at_line_start = False
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end == -1 else end
            blank(i, end)
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end == -1 else end + 2
            blank(i, end)
            i = end
        elif c == '"' or c == "'":
            raw = c == '"' and raw_string_at(text, i)
            if raw:
                close = ")" + raw.group(1) + '"'
                end = text.find(close, raw.end())
                end = n if end == -1 else end + len(close)
                blank(i + 1, end - 1)
                i = end
                continue
            if c == "'" and is_digit_separator(text, i):
                i += 1
                continue
            end = i + 1
            while end < n and text[end] != c and text[end] != "\n":
                end += 2 if text[end] == "\\" else 1
            blank(i + 1, min(end, n))
            i = end + 1
        else:
            i += 1
    return "".join(out)


def is_digit_separator(text, i):
    """A ' inside a number such as 253'402'300'799 (C++14)."""
    start = i
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_'."):
        start -= 1
    return start < i and text[start].isdigit()


def top_level_parens(header):
    """(open, close) offsets of `header`'s outermost parenthesis pairs (not
    those inside an initializer's braces)."""
    groups, depth, open_at = [], 0, 0
    for k, c in enumerate(header):
        if c in "({":
            if depth == 0 and c == "(":
                open_at = k
            depth += 1
        elif c in ")}" and depth > 0:
            depth -= 1
            if depth == 0 and c == ")":
                groups.append((open_at, k))
    return groups


def strip_template_heads(header):
    """`header` without leading `template <...>` clauses (their default
    arguments would look like initializers)."""
    while True:
        m = re.match(r"\s*template\s*<", header)
        if not m:
            return header
        depth, k = 1, m.end()
        while k < len(header) and depth:
            depth += {"<": 1, ">": -1}.get(header[k], 0)
            k += 1
        header = " " * k + header[k:]  # offsets kept for the caller


# What may follow a function's parameter list before its body.
FUNCTION_TAIL = re.compile(
    r"\s*(?:(?:const|volatile|noexcept|override|final|mutable|&&|&)\s*|noexcept\s*\(\)\s*)*"
    r"(?:->[^=]*)?$")
# A constructor's member initializer list begins: ") :" (not "::").
MEMBER_INITIALIZERS = re.compile(r"\s*(?:noexcept\s*)?:(?!:)")
FUNCTION_NAME = re.compile(
    r"((?:[A-Za-z_]\w*(?:<[^()]*>)?\s*::\s*)*"
    r"(?:operator\s*(?:\(\s*\)|\[\s*\]|[^\w\s(]+|[A-Za-z_][\w:\s*&<>]*?)|~?[A-Za-z_]\w*))\s*$")
ACCESS_OR_ATTRIBUTE = re.compile(r"\b(?:public|protected|private)\s*:(?!:)|\[\[.*?\]\]")


def flatten(header, groups):
    """`header` with each top-level (...) emptied to ()."""
    parts, last = [], 0
    for open_at, close in groups:
        parts.append(header[last:open_at + 1])
        last = close
    parts.append(header[last:])
    return "".join(parts)


def classify(header):
    """What a "{" at namespace or class scope opens, given the text since the
    last ";", "{" or "}" at that scope: ("scope", None), ("function", name
    offset and name) or ("initializer", None)."""
    header = ACCESS_OR_ATTRIBUTE.sub(lambda m: " " * len(m.group()), header)
    header = strip_template_heads(header)
    text = header.strip()
    if re.match(r"(?:inline\s+)?namespace\b|extern\s*\"\"", text):
        return "scope", None
    groups = top_level_parens(header)
    params = None
    # A constructor's parameters are the first (...) followed by ":" (the
    # member initializers after it look like calls); the body follows the
    # last initializer's ")" or "}". Otherwise the parameters are the last
    # (...) that only qualifiers or a trailing return type follow.
    for open_at, close in groups:
        if MEMBER_INITIALIZERS.match(header, close + 1):
            if text[-1] in ")}":
                params = (open_at, close)
            break
    else:
        for open_at, close in reversed(groups):
            after = flatten(header[close + 1:], top_level_parens(header[close + 1:]))
            if FUNCTION_TAIL.match(after) and not re.search(r"\b(?:noexcept|decltype)\s*$",
                                                             header[:open_at]):
                params = (open_at, close)
                break
    if re.match(r"(?:class|struct|union|enum)\b", text) and params is None:
        return "scope", None
    if params is None:
        return "initializer", None
    before = header[:params[0]]
    flat_before = flatten(before, top_level_parens(before))
    # "=" before the parameters: an initializer (a lambda or a call), unless
    # it is part of an operator's name.
    if "=" in re.sub(r"\boperator\s*[^\w\s(]+", "operator", flat_before):
        return "initializer", None
    name = FUNCTION_NAME.search(before)
    if not name:
        return "initializer", None
    return "function", (name.start(1), re.sub(r"\s+", "", name.group(1)))


def function_bodies(code):
    """(name, name offset, "{" offset, "}" offset) of every function body in
    `code` (already blanked), in order."""
    found = []
    header_start = 0  # where the text since the last boundary at this scope starts
    resume = 0  # braces before this were inside a body or an initializer
    for m in re.finditer(r"[{};]", code):
        pos = m.start()
        if pos < resume:
            continue
        if m.group() != "{":
            header_start = pos + 1
            continue
        header = code[header_start:pos]
        kind, name = classify(header)
        if kind == "scope":
            header_start = pos + 1
            continue
        resume = matching_brace(code, pos) + 1
        if kind == "function":
            found.append((name[1], header_start + name[0], pos, resume - 1))
            header_start = resume
        # else an initializer: the declaration goes on after it
    return found


BRACE = re.compile(r"[{}]")


def matching_brace(code, open_at):
    depth = 0
    for m in BRACE.finditer(code, open_at):
        depth += 1 if m.group() == "{" else -1
        if depth == 0:
            return m.start()
    return len(code) - 1


def long_functions(path):
    """(line, name, body lines) of the functions in `path` over the limit."""
    with open(path, encoding="utf-8", errors="replace") as f:
        code = blank_non_code(f.read())
    result = []
    for name, offset, open_at, close in function_bodies(code):
        lines = code.count("\n", open_at, close)
        if lines > MAX_FUNCTION_LINES:
            result.append((code.count("\n", 0, offset) + 1, name, lines))
    return result


def check_function_sizes(src):
    problems = []
    allowed_seen = set()
    for rel, path in source_files(src):
        for line, name, lines in long_functions(path):
            if f"{rel}:{name}" in FUNCTION_ALLOWLIST:
                allowed_seen.add(f"{rel}:{name}")
                continue
            problems.append(f"src/{rel}:{line}: function {name} is {lines} lines "
                            f"(limit {MAX_FUNCTION_LINES})")
    for entry in sorted(set(FUNCTION_ALLOWLIST) - allowed_seen):
        problems.append(f"FUNCTION_ALLOWLIST names {entry}, which is within the limit or gone: "
                        "remove the entry")
    return problems


class Targets:
    """The static libraries CMake builds: folder, sources, link libraries."""

    def __init__(self, path, src):
        self.folder = {}  # target -> src folder
        self.links = defaultdict(list)  # target -> direct link libraries
        self.owner = {}  # source path relative to src/ -> target
        src = os.path.realpath(src)
        source_dirs = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                kind, target, value = line.rstrip("\n").split("\t", 2)
                if kind == "target":
                    source_dirs[target] = value
                elif kind == "link":
                    self.links[target].append(value)
                elif kind == "source":
                    full = os.path.realpath(os.path.join(source_dirs[target], value))
                    rel = os.path.relpath(full, src)
                    if rel.startswith(".."):
                        continue  # generated or outside src/
                    self.owner[rel] = target
                    self.folder.setdefault(target, rel.split(os.sep)[0])

    def closure(self, target):
        seen, stack = set(), [target]
        while stack:
            for dep in self.links.get(stack.pop(), []):
                if dep not in seen:
                    seen.add(dep)
                    stack.append(dep)
        return seen


def folder_of(rel):
    return rel.split(os.sep)[0]


def target_of(rel, targets):
    """The library a file belongs to: its own (.cpp), its .cpp sibling's
    (.h), or None for a header without one (it belongs to its folder)."""
    if rel in targets.owner:
        return targets.owner[rel]
    stem, _ = os.path.splitext(rel)
    return targets.owner.get(stem + ".cpp")


def find_cycle(graph):
    """One cycle of `graph` (folder -> set of folders) as a list, or None."""
    state = {}
    path = []

    def visit(node):
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def example_include(src, from_folder, to_folder):
    """A file of `from_folder` that includes a header of `to_folder`."""
    pattern = re.compile(rf'^\s*#\s*include\s+"{to_folder}/', re.MULTILINE)
    for rel, path in source_files(src):
        if folder_of(rel) == from_folder:
            with open(path, encoding="utf-8", errors="replace") as f:
                if pattern.search(f.read()):
                    return rel
    return "?"


def check_folders(src, targets_file):
    targets = Targets(targets_file, src)
    problems = []
    folders = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)))
    folder_libraries = defaultdict(set)  # folder -> its libraries
    for target, folder in targets.folder.items():
        folder_libraries[folder].add(target)
        if target != f"centinela_{folder}" and EXTRA_LIBRARIES.get(target) != folder:
            problems.append(f"{target} is built from src/{folder}: a folder's library is "
                            f"centinela_{folder}")
    for target in sorted(set(EXTRA_LIBRARIES) - set(targets.folder)):
        problems.append(f"EXTRA_LIBRARIES names {target}, which is gone: remove the entry")
    for folder in folders:
        if f"centinela_{folder}" not in targets.folder:
            problems.append(f"src/{folder} has no library centinela_{folder} "
                            "(add_subdirectory it in CMakeLists.txt)")

    graph = defaultdict(set)  # folder -> folders it includes
    used = defaultdict(set)  # library -> libraries whose headers it includes
    for rel, path in source_files(src):
        folder = folder_of(rel)
        own = target_of(rel, targets) or f"centinela_{folder}"
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for match in INCLUDE.finditer(text):
            to_folder, header = match.group(1), match.group(2)
            if to_folder not in folders:
                continue  # not one of ours (a system or test header)
            header_rel = os.path.join(to_folder, header)
            if to_folder != folder:
                graph[folder].add(to_folder)
            provider = target_of(header_rel, targets)
            candidates = {provider} if provider else folder_libraries[to_folder]
            if own in candidates:
                continue
            reachable = targets.closure(own)
            hits = candidates & reachable
            if not hits:
                problems.append(f"src/{rel} includes \"{header_rel}\" but {own} does not link "
                                f"{' or '.join(sorted(candidates)) or 'its library'}")
            used[own] |= candidates

    # Unused links: a centinela_* library of a folder none of its files include.
    for target in sorted(targets.folder):
        for dep in targets.links.get(target, []):
            if dep not in targets.folder or dep == "centinela_boost":
                continue
            if dep not in used[target]:
                problems.append(f"{target} links {dep} but includes none of its headers: "
                                "drop the link (or link what it really uses)")

    # Every cycle is reported: each one found loses its last edge, then again.
    pruned = {f: {t for t in tos if (f, t) not in EDGE_ALLOWLIST} for f, tos in graph.items()}
    while cycle := find_cycle(pruned):
        edges = [f"{a} -> {b} (src/{example_include(src, a, b)})"
                 for a, b in zip(cycle, cycle[1:])]
        problems.append("include cycle between folders: " + ", ".join(edges))
        pruned[cycle[-2]].discard(cycle[-1])
    for a, b in sorted(EDGE_ALLOWLIST):
        if b not in graph.get(a, ()):
            problems.append(f"EDGE_ALLOWLIST names {a} -> {b}, which no include makes any more: "
                            "remove the entry")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", required=True, help="the src/ folder")
    parser.add_argument("--targets", help="targets.txt written by tests/layout/CMakeLists.txt")
    parser.add_argument("check", choices=["sizes", "functions", "folders"])
    args = parser.parse_args()
    if args.check == "sizes":
        problems = check_sizes(args.src)
    elif args.check == "functions":
        problems = check_function_sizes(args.src)
    else:
        if not args.targets:
            parser.error("folders needs --targets")
        problems = check_folders(args.src, args.targets)
    for problem in problems:
        print(problem)
    if problems:
        print(f"check-layout {args.check}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"check-layout {args.check}: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
