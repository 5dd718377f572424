#!/usr/bin/env python3
"""Compiles every CRS @rx pattern with Hyperscan (libhs.so.5, ctypes) and
PCRE2, ModSecurity 3's flags (DOTALL | MULTILINE, bytes, not UTF-8):
  - alone, exact;  - failures again with HS_FLAG_PREFILTER;
  - grouped into one database per (phase, transformation pipeline), per PL.
Writes hs_check.txt."""
import collections
import ctypes as C
import json
import os
import time

OUT = os.path.dirname(os.path.abspath(__file__))
hs = C.CDLL("libhs.so.5")
pcre = C.CDLL("libpcre2-8.so.0")

DOTALL, MULTILINE, SINGLEMATCH, ALLOWEMPTY, PREFILTER, SOM = 2, 4, 8, 16, 128, 256
BLOCK = 1


class CompileError(C.Structure):
    _fields_ = [("message", C.c_char_p), ("expression", C.c_int)]


hs.hs_compile.argtypes = [C.c_char_p, C.c_uint, C.c_uint, C.c_void_p, C.POINTER(C.c_void_p),
                          C.POINTER(C.POINTER(CompileError))]
hs.hs_compile_multi.argtypes = [C.POINTER(C.c_char_p), C.POINTER(C.c_uint), C.POINTER(C.c_uint),
                                C.c_uint, C.c_uint, C.c_void_p, C.POINTER(C.c_void_p),
                                C.POINTER(C.POINTER(CompileError))]
hs.hs_database_size.argtypes = [C.c_void_p, C.POINTER(C.c_size_t)]
hs.hs_free_database.argtypes = [C.c_void_p]
hs.hs_free_compile_error.argtypes = [C.POINTER(CompileError)]
hs.hs_alloc_scratch.argtypes = [C.c_void_p, C.POINTER(C.c_void_p)]
MATCH_CB = C.CFUNCTYPE(C.c_int, C.c_uint, C.c_ulonglong, C.c_ulonglong, C.c_uint, C.c_void_p)
hs.hs_scan.argtypes = [C.c_void_p, C.c_char_p, C.c_uint, C.c_uint, C.c_void_p, MATCH_CB,
                       C.c_void_p]

pcre.pcre2_compile_8.restype = C.c_void_p
pcre.pcre2_compile_8.argtypes = [C.c_char_p, C.c_size_t, C.c_uint32, C.POINTER(C.c_int),
                                 C.POINTER(C.c_size_t), C.c_void_p]
pcre.pcre2_jit_compile_8.argtypes = [C.c_void_p, C.c_uint32]
pcre.pcre2_code_free_8.argtypes = [C.c_void_p]
PCRE2_DOTALL, PCRE2_MULTILINE = 0x20, 0x400


def hs_one(pattern, flags):
    db, err = C.c_void_p(), C.POINTER(CompileError)()
    rc = hs.hs_compile(pattern, flags, BLOCK, None, C.byref(db), C.byref(err))
    if rc != 0:
        msg = err.contents.message.decode()
        hs.hs_free_compile_error(err)
        return msg
    hs.hs_free_database(db)
    return None


def hs_multi(patterns, flags_list):
    n = len(patterns)
    exprs = (C.c_char_p * n)(*patterns)
    flags = (C.c_uint * n)(*flags_list)
    ids = (C.c_uint * n)(*range(n))
    db, err = C.c_void_p(), C.POINTER(CompileError)()
    t0 = time.process_time()
    rc = hs.hs_compile_multi(exprs, flags, ids, n, BLOCK, None, C.byref(db), C.byref(err))
    dt = time.process_time() - t0
    if rc != 0:
        msg = err.contents.message.decode()
        hs.hs_free_compile_error(err)
        return None, msg, dt
    size = C.c_size_t()
    hs.hs_database_size(db, C.byref(size))
    return db, size.value, dt


def pcre_ok(pattern):
    code, off = C.c_int(), C.c_size_t()
    p = pcre.pcre2_compile_8(pattern, len(pattern), PCRE2_DOTALL | PCRE2_MULTILINE, C.byref(code),
                             C.byref(off), None)
    if not p:
        return False, False
    jit = pcre.pcre2_jit_compile_8(p, 1) == 0
    pcre.pcre2_code_free_8(p)
    return True, jit


def main():
    rows = json.load(open(os.path.join(OUT, "rx_patterns.json")))
    base = DOTALL | MULTILINE
    lines = [f"# Hyperscan 5.4.0 / PCRE2 10.42 on the {len(rows)} @rx patterns of CRS (Debian 3.3.4)",
             "flags as ModSecurity 3: DOTALL|MULTILINE, byte mode (no UTF8)"]
    fails, pre_ok, pre_fail, empty_only = [], [], [], []
    pcre_bad, jit_bad = [], []
    for r in rows:
        pat = r["pattern"].encode("latin-1", "surrogateescape") if False else r["pattern"].encode(
            "utf-8", "surrogateescape")
        r["bytes"] = pat
        ok, jit = pcre_ok(pat)
        if not ok:
            pcre_bad.append(r["id"])
        elif not jit:
            jit_bad.append(r["id"])
        err = hs_one(pat, base)
        r["hs_flags"] = base
        if err and "empty" in err:
            if hs_one(pat, base | ALLOWEMPTY) is None:
                empty_only.append(r["id"])
                r["hs_flags"] = base | ALLOWEMPTY
                err = None
        if err:
            fails.append((r["id"], err))
            perr = hs_one(pat, base | PREFILTER)
            if perr is None:
                pre_ok.append(r["id"])
                r["hs_flags"] = base | PREFILTER
                r["prefilter"] = True
            else:
                pre_fail.append((r["id"], perr))
                r["hs_flags"] = None
    lines += [f"PCRE2 compile failures: {len(pcre_bad)} {pcre_bad}; JIT failures: {len(jit_bad)}",
              f"Hyperscan exact: {len(rows) - len(fails)} of {len(rows)} compile "
              f"({len(empty_only)} need HS_FLAG_ALLOWEMPTY: {empty_only})",
              f"Hyperscan exact failures: {len(fails)}"]
    lines += [f"  {i}: {e}" for i, e in fails]
    lines += [f"with HS_FLAG_PREFILTER: {len(pre_ok)} of those compile {pre_ok}; "
              f"still failing: {len(pre_fail)}"]
    lines += [f"  {i}: {e}" for i, e in pre_fail]

    # One database per (phase, pipeline), then per PL cut-off (rules of PL <= n).
    groups = collections.defaultdict(list)
    for r in rows:
        if r["hs_flags"] is not None:
            groups[(r["phase"], r["t"] or "(inherits)")].append(r)
    lines.append(f"\n## databases by (phase, t: pipeline): {len(groups)} groups")
    total_t, total_size = 0.0, 0
    for key, rs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        db, size, dt = hs_multi([r["bytes"] for r in rs],
                                [r["hs_flags"] | SINGLEMATCH for r in rs])
        if db is None:
            lines.append(f"  {key}: {len(rs)} patterns: FAILED {size}")
            continue
        hs.hs_free_database(db)
        total_t += dt
        total_size += size
        lines.append(f"  phase {key[0]} t:{key[1]:<70} {len(rs):3d} patterns "
                     f"{size / 1024:7.1f} KiB  {dt * 1000:6.0f} ms")
    lines.append(f"  total: {total_size / 1024:.0f} KiB, compile {total_t:.2f} s CPU")

    for pl in (1, 2, 3, 4):
        sel = [r for r in rows if r["hs_flags"] is not None and r["pl"] <= pl]
        db, size, dt = hs_multi([r["bytes"] for r in sel], [r["hs_flags"] | SINGLEMATCH for r in sel])
        if db is None:
            lines.append(f"PL<={pl}: all {len(sel)} patterns in one db: FAILED {size}")
            continue
        lines.append(f"PL<={pl}: all {len(sel)} patterns (every phase/pipeline) in one db: "
                     f"{size / 1024:.0f} KiB, compile {dt:.2f} s CPU")
        if pl == 1:
            scan_estimate(db, lines)
        hs.hs_free_database(db)
    text = "\n".join(lines)
    open(os.path.join(OUT, "hs_check.txt"), "w").write(text + "\n")
    print(text)


def scan_estimate(db, lines):
    """A rough per-byte scan cost (a few hundred ms at most; not a benchmark)."""
    scratch = C.c_void_p()
    hs.hs_alloc_scratch(db, C.byref(scratch))
    hits = []
    cb = MATCH_CB(lambda i, f, t, fl, ctx: hits.append(i) or 0)
    text = (b'{"title":"Weekly notes","body":"We met on Tuesday to review the roadmap; '
            b'Sean O\'Brien asked whether we should select a new vendor. ",'
            b'"tags":["planning","q3"],"author":{"name":"Ana","id":1234}}') * 16
    text = text[:4096]
    n = 300
    t0 = time.perf_counter()
    for _ in range(n):
        hs.hs_scan(db, text, len(text), 0, scratch, cb, None)
    dt = (time.perf_counter() - t0) / n
    t0 = time.perf_counter()
    for _ in range(n):
        hs.hs_scan(db, text[:64], 64, 0, scratch, cb, None)
    dt64 = (time.perf_counter() - t0) / n
    lines.append(f"  rough scan (ctypes call overhead included): 4 KiB prose JSON {dt * 1e6:.1f} us,"
                 f" 64 B {dt64 * 1e6:.1f} us; pattern ids matched: {sorted(set(hits))[:20]}")


if __name__ == "__main__":
    main()
