#!/usr/bin/env python3
"""Checks that src/ keeps the layout the code is meant to have (issue 12).

  sizes    no source file in src/ is longer than 500 lines.
  folders  each src/<folder> is built as the library centinela_<folder>; the
           folders' #include "folder/..." graph has no cycle; every include
           that crosses into another library is backed by the including
           library's CMake link dependencies (directly or through others);
           and no library links a centinela_* library of a folder it never
           includes (a dependency kept "just for" one thing that moved).

The folder check needs what CMake knows about the targets: the file
tests/layout/CMakeLists.txt writes at configure time (BUILD/tests/layout/
targets.txt). ctest runs both checks (layout.file_sizes,
layout.folder_dependencies); by hand:

  scripts/check-layout.py --src src sizes
  scripts/check-layout.py --src src --targets build/tests/layout/targets.txt folders

Exit status 0 when everything holds, 1 with one line per problem otherwise.
"""

import argparse
import os
import re
import sys
from collections import defaultdict

MAX_LINES = 500

# --- Allowlists: what is still being reshaped by issue 12's helpers. --------
# Each entry says why; the lead empties them once the work has landed.

# Files allowed over MAX_LINES for now (path relative to src/).
SIZE_ALLOWLIST = {
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
    parser.add_argument("check", choices=["sizes", "folders"])
    args = parser.parse_args()
    if args.check == "sizes":
        problems = check_sizes(args.src)
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
