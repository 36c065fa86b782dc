#!/usr/bin/env python3
"""Checks include/hermit/syscall.h (generated from the kernel) against hermit-abi.

Reads hermit-abi's src/lib.rs, translates every function of its `extern "C"` block into a
C prototype (C types equivalent to the Rust ones), and compiles a C file that includes
the header and then redeclares each prototype. C rejects a redeclaration with a different
type, so a clean compile means every function has hermit-abi's signature. The same file
also redefines hermit-abi's typedefs that the header has (C11 allows a typedef to be
redefined only to the same type), asserts each shared constant's value, and asserts the
size, alignment, field offsets and field types of each shared struct, computed here from
hermit-abi's Rust field types. Any `sys_*` function hermit-abi declares and the header
lacks is an error, as is one missing from kernel/src/syscalls/abi_check.rs (the Rust
compile-time twin of this check).

    tests/abi_c_check.py [--hermit-abi PATH/TO/lib.rs] [--include-dir DIR] [--keep]

Exits 0 with a closing line `abi-c-check: N prototypes match`, 1 on any mismatch.
Standard library only.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

HERMIT_ABI_VERSION = "0.5.2"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import ROOT as REPO  # noqa: E402

ABI_CHECK_RS = os.path.join(REPO, "kernel", "src", "syscalls", "abi_check.rs")

# Rust scalar -> (C spelling, size, alignment) on x86_64. usize/isize follow cbindgen's
# `usize_is_size_t = true`: size_t and ptrdiff_t.
SCALARS = {
    "i8": ("int8_t", 1), "i16": ("int16_t", 2), "i32": ("int32_t", 4), "i64": ("int64_t", 8),
    "u8": ("uint8_t", 1), "u16": ("uint16_t", 2), "u32": ("uint32_t", 4), "u64": ("uint64_t", 8),
    "usize": ("size_t", 8), "isize": ("ptrdiff_t", 8),
    "f32": ("float", 4), "f64": ("double", 8), "bool": ("_Bool", 1),
    "c_char": ("char", 1), "c_schar": ("signed char", 1), "c_uchar": ("unsigned char", 1),
    "c_short": ("short", 2), "c_ushort": ("unsigned short", 2),
    "c_int": ("int", 4), "c_uint": ("unsigned int", 4),
    "c_long": ("long", 8), "c_ulong": ("unsigned long", 8),
    "c_longlong": ("long long", 8), "c_ulonglong": ("unsigned long long", 8),
}
POINTER_SIZE = 8


class CheckError(Exception):
    pass


# ---------------------------------------------------------------------------------------
# Finding hermit-abi
# ---------------------------------------------------------------------------------------

def cargo_home():
    return os.environ.get("CARGO_HOME") or os.path.join(os.path.expanduser("~"), ".cargo")


def glob_registry():
    pattern = os.path.join(cargo_home(), "registry", "src", "*",
                           f"hermit-abi-{HERMIT_ABI_VERSION}", "src", "lib.rs")
    hits = sorted(glob.glob(pattern))
    return hits[0] if hits else None


def from_cargo_metadata(manifest):
    try:
        out = subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--manifest-path", manifest],
            check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    for pkg in json.loads(out)["packages"]:
        if pkg["name"] == "hermit-abi" and pkg["version"] == HERMIT_ABI_VERSION:
            lib = os.path.join(os.path.dirname(pkg["manifest_path"]), "src", "lib.rs")
            if os.path.isfile(lib):
                return lib
    return None


def fetch_hermit_abi():
    """Downloads hermit-abi with `cargo fetch` in a throw-away crate depending on it."""
    with tempfile.TemporaryDirectory(prefix="abi-c-check-") as tmp:
        os.makedirs(os.path.join(tmp, "src"))
        with open(os.path.join(tmp, "Cargo.toml"), "w") as f:
            f.write('[package]\nname = "abi-c-check-fetch"\nversion = "0.0.0"\nedition = "2021"\n'
                    f'[dependencies]\nhermit-abi = "={HERMIT_ABI_VERSION}"\n[workspace]\n')
        with open(os.path.join(tmp, "src", "lib.rs"), "w") as f:
            f.write("")
        manifest = os.path.join(tmp, "Cargo.toml")
        print(f"abi-c-check: fetching hermit-abi {HERMIT_ABI_VERSION}: cargo fetch "
              f"--manifest-path {manifest}")
        subprocess.run(["cargo", "fetch", "--manifest-path", manifest], check=True)
        return from_cargo_metadata(manifest) or glob_registry()


def find_hermit_abi():
    lib = (glob_registry()
           or from_cargo_metadata(os.path.join(REPO, "kernel", "Cargo.toml"))
           or fetch_hermit_abi())
    if not lib:
        raise CheckError(f"cannot find hermit-abi {HERMIT_ABI_VERSION}'s src/lib.rs")
    return lib


# ---------------------------------------------------------------------------------------
# A small Rust lexer and parser, enough for hermit-abi's lib.rs
# ---------------------------------------------------------------------------------------

TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<lifetime>'[A-Za-z_]\w*(?!'))
  | (?P<char>'(?:[^'\\]|\\.)')
  | (?P<number>\d[\w.]*)
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<punct>::|->|=>|<<|>>|\#!|[^\s\w])
""", re.S | re.X)


def tokenize(src):
    tokens, pos = [], 0
    while pos < len(src):
        m = TOKEN.match(src, pos)
        if not m:
            raise CheckError(f"cannot lex hermit-abi near: {src[pos:pos + 40]!r}")
        pos = m.end()
        if m.lastgroup not in ("ws", "comment"):
            tokens.append(m.group())
    return tokens


class Parser:
    def __init__(self, tokens):
        self.t = tokens
        self.i = 0

    def peek(self, k=0):
        j = self.i + k
        return self.t[j] if j < len(self.t) else None

    def next(self):
        tok = self.peek()
        if tok is None:
            raise CheckError("unexpected end of hermit-abi's lib.rs")
        self.i += 1
        return tok

    def expect(self, tok):
        got = self.next()
        if got != tok:
            raise CheckError(f"expected {tok!r}, found {got!r} in hermit-abi "
                             f"(near {' '.join(self.t[max(0, self.i - 8):self.i + 4])})")

    def skip_group(self):
        """Skips a balanced (...), [...] or {...} group starting at the current token."""
        pairs = {"(": ")", "[": "]", "{": "}"}
        stack = [pairs[self.next()]]
        while stack:
            tok = self.next()
            if tok in pairs:
                stack.append(pairs[tok])
            elif tok == stack[-1]:
                stack.pop()

    def attributes(self):
        """Reads outer attributes; returns them as token lists (without #[ ])."""
        attrs = []
        while self.peek() == "#" and self.peek(1) == "[":
            self.next()
            start = self.i + 1
            self.skip_group()
            attrs.append(self.t[start:self.i - 1])
        return attrs

    # Types --------------------------------------------------------------------------

    def type_(self):
        tok = self.peek()
        if tok == "*":
            self.next()
            mut = self.next()
            if mut not in ("const", "mut"):
                raise CheckError(f"bad raw pointer in hermit-abi: *{mut}")
            return ("ptr", self.type_(), mut == "const")
        if tok in ("&", "&&"):
            self.next()
            if self.peek() and self.peek().startswith("'"):
                self.next()
            const = True
            if self.peek() == "mut":
                self.next()
                const = False
            return ("ptr", self.type_(), const)
        if tok == "[":
            self.next()
            elem = self.type_()
            self.expect(";")
            n = self.next()
            self.expect("]")
            return ("array", elem, int(n.replace("_", "").rstrip("usize")))
        if tok == "(":
            self.next()
            self.expect(")")
            return ("unit",)
        if tok == "!":
            self.next()
            return ("never",)
        if tok in ("unsafe", "extern", "fn"):
            if self.peek() == "unsafe":
                self.next()
            abi = "Rust"
            if self.peek() == "extern":
                self.next()
                abi = "C"
                if self.peek().startswith('"'):
                    abi = self.next().strip('"')
            self.expect("fn")
            params = self.params()
            ret = self.ret()
            return ("fn", abi, [ty for _, ty in params], ret)
        # A path, maybe generic (Option<...>).
        path = [self.next()]
        while self.peek() == "::":
            self.next()
            path.append(self.next())
        name = path[-1]
        if self.peek() == "<":
            self.next()
            arg = self.type_()
            self.expect(">")
            if name == "Option" and arg[0] == "fn":
                return arg  # a nullable function pointer: the same in C
            raise CheckError(f"unsupported generic type {name}<...> in hermit-abi")
        return ("path", name)

    def params(self):
        self.expect("(")
        params = []
        while self.peek() != ")":
            self.attributes()
            # `name: Type`, or just `Type` in a function-pointer type.
            if self.peek(1) == ":" and self.peek(2) != ":":
                name = self.next()
                self.expect(":")
            else:
                name = None
            params.append((name, self.type_()))
            if self.peek() == ",":
                self.next()
        self.expect(")")
        return params

    def ret(self):
        if self.peek() == "->":
            self.next()
            return self.type_()
        return ("unit",)


def parse_hermit_abi(src):
    """Returns (functions, aliases, structs, consts) declared by hermit-abi's lib.rs."""
    p = Parser(tokenize(src))
    functions, aliases, structs, consts = [], {}, {}, {}
    while p.peek() is not None:
        attrs = p.attributes()
        tok = p.peek()
        if tok == "#!":  # inner attribute
            p.next()
            p.skip_group()
            continue
        if tok == "pub":
            p.next()
            if p.peek() == "(":
                p.skip_group()
            tok = p.peek()
        if tok == "unsafe" and p.peek(1) == "extern":
            p.next()
            tok = p.peek()
        if tok == "extern" and p.peek(1).startswith('"') and p.peek(2) == "{":
            p.next()
            abi = p.next().strip('"')
            p.expect("{")
            while p.peek() != "}":
                item_attrs = p.attributes()
                if p.peek() == "pub":
                    p.next()
                if p.peek() in ("safe", "unsafe"):
                    p.next()
                if p.peek() != "fn":
                    raise CheckError(f"unexpected item in hermit-abi's extern block: {p.peek()!r}")
                p.next()
                rust_name = p.next()
                params = p.params()
                ret = p.ret()
                p.expect(";")
                link_name = rust_name
                for a in item_attrs:
                    if a[:2] == ["link_name", "="]:
                        link_name = a[2].strip('"')
                functions.append({"rust": rust_name, "c": link_name, "abi": abi,
                                  "params": params, "ret": ret})
            p.expect("}")
        elif tok == "type":
            p.next()
            name = p.next()
            p.expect("=")
            aliases[name] = p.type_()
            p.expect(";")
        elif tok == "const":
            p.next()
            name = p.next()
            if name == "fn":  # `const fn` inside an impl is not reached; be safe
                continue
            p.expect(":")
            ty = p.type_()
            p.expect("=")
            start = p.i
            while p.peek() != ";":
                p.next()
            consts[name] = (ty, p.t[start:p.i])
            p.next()
        elif tok == "struct":
            p.next()
            name = p.next()
            repr_ = [t for a in attrs if a and a[0] == "repr" for t in a[1:]]
            if p.peek() != "{":  # tuple or unit struct: not part of the C ABI
                while p.peek() != ";":
                    p.next()
                p.next()
                continue
            p.expect("{")
            fields = []
            while p.peek() != "}":
                p.attributes()
                if p.peek() == "pub":
                    p.next()
                    if p.peek() == "(":
                        p.skip_group()
                fname = p.next()
                p.expect(":")
                fields.append((fname, p.type_()))
                if p.peek() == ",":
                    p.next()
            p.expect("}")
            align = None
            if "align" in repr_:
                k = repr_.index("align")
                align = int(repr_[k + 2])
            structs[name] = {"repr_c": "C" in repr_, "align": align, "fields": fields}
        else:
            # Anything else (use, mod, fn, impl, ...): skip to the end of the item.
            while p.peek() not in (";", "{", None):
                if p.peek() in ("(", "["):
                    p.skip_group()
                else:
                    p.next()
            if p.peek() == "{":
                p.skip_group()
            elif p.peek() == ";":
                p.next()
    return functions, aliases, structs, consts


# ---------------------------------------------------------------------------------------
# Rust types -> C declarations and layouts
# ---------------------------------------------------------------------------------------

class Translator:
    def __init__(self, aliases, structs):
        self.aliases = aliases
        self.structs = structs
        self.used_structs = set()

    def resolve(self, ty):
        seen = set()
        while ty[0] == "path" and ty[1] in self.aliases:
            if ty[1] in seen:
                raise CheckError(f"recursive type alias {ty[1]}")
            seen.add(ty[1])
            ty = self.aliases[ty[1]]
        return ty

    def c_decl(self, ty, inner="", const=False):
        """The C declaration of `inner` (a declarator, "" for an abstract one) of type ty."""
        ty = self.resolve(ty)
        kind = ty[0]
        q = "const " if const else ""
        if kind == "unit" or kind == "never":
            return f"{q}void {inner}".rstrip()
        if kind == "path":
            name = ty[1]
            if name in SCALARS:
                base = SCALARS[name][0]
            elif name == "c_void":
                base = "void"
            elif name in self.structs and self.structs[name]["repr_c"]:
                self.used_structs.add(name)
                base = f"struct {name}"
            else:
                raise CheckError(f"no C translation for Rust type `{name}`")
            return f"{q}{base} {inner}".rstrip()
        if kind == "ptr":
            _, to, to_const = ty
            star = "*const " if const else "*"
            decl = f"{star}{inner}".rstrip()
            if self.resolve(to)[0] == "array":
                decl = f"({decl})"
            return self.c_decl(to, decl, to_const)
        if kind == "array":
            _, elem, n = ty
            return self.c_decl(elem, f"{inner}[{n}]", const)
        if kind == "fn":  # a Rust `fn` type is a function pointer
            _, abi, params, ret = ty
            if abi != "C":
                raise CheckError(f"function pointer with ABI {abi!r} has no C equivalent")
            star = "*const " if const else "*"
            ps = ", ".join(self.c_decl(t) for t in params) or "void"
            return self.c_decl(ret, f"({star}{inner})({ps})")
        raise CheckError(f"unsupported type {ty!r}")

    def layout(self, ty):
        """(size, alignment) of a Rust type on x86_64."""
        ty = self.resolve(ty)
        kind = ty[0]
        if kind in ("ptr", "fn"):
            return POINTER_SIZE, POINTER_SIZE
        if kind == "array":
            size, align = self.layout(ty[1])
            return size * ty[2], align
        if kind == "path":
            name = ty[1]
            if name in SCALARS:
                size = SCALARS[name][1]
                return size, size
            if name in self.structs:
                size, align, _ = self.struct_layout(name)
                return size, align
        raise CheckError(f"no layout for Rust type {ty!r}")

    def struct_layout(self, name):
        s = self.structs[name]
        if not s["repr_c"]:
            raise CheckError(f"struct {name} is not repr(C)")
        off, align, offsets = 0, 1, []
        for fname, fty in s["fields"]:
            size, a = self.layout(fty)
            off = (off + a - 1) // a * a
            offsets.append((fname, fty, off))
            off += size
            align = max(align, a)
        if s["align"]:
            align = max(align, s["align"])
        size = (off + align - 1) // align * align
        return size, align, offsets


def eval_const(tokens):
    """Value of a simple integer constant expression (literal, `a << b`, `-a`)."""
    def lit(tok):
        tok = tok.replace("_", "")
        tok = re.sub(r"(?:[iu](?:8|16|32|64|128|size))$", "", tok)
        return int(tok, 0)
    try:
        if len(tokens) == 1:
            return lit(tokens[0])
        if len(tokens) == 2 and tokens[0] == "-":
            return -lit(tokens[1])
        if len(tokens) == 3 and tokens[1] == "<<":
            return lit(tokens[0]) << lit(tokens[2])
        # `0x8008667eu32 as i32` (FIONBIO): the bits reinterpreted as the signed type.
        m = re.fullmatch(r"i(8|16|32|64)", tokens[2]) if len(tokens) == 3 else None
        if m and tokens[1] == "as":
            bits = int(m.group(1))
            v = lit(tokens[0]) & ((1 << bits) - 1)
            return v - (1 << bits) if v >> (bits - 1) else v
    except ValueError:
        pass
    return None


# ---------------------------------------------------------------------------------------
# The header
# ---------------------------------------------------------------------------------------

def header_names(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    funcs = {}
    for m in re.finditer(r"([^;{}#]*?)\b(sys_\w+)\s*\(([^;{]*?)\)\s*([^;{]*);", text, re.S):
        funcs[m.group(2)] = " ".join(m.group(0).split())
    typedefs = set(re.findall(r"\btypedef\b[^;]*?\b(\w+)\s*;", text))
    structs = set(re.findall(r"\bstruct\s+(\w+)\s*\{", text))
    defines = set(re.findall(r"^\s*#\s*define\s+(\w+)", text, re.M))
    return funcs, typedefs, structs, defines


# ---------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hermit-abi", help="hermit-abi's src/lib.rs (default: found via cargo)")
    ap.add_argument("--include-dir", default=os.path.join(REPO, "include"),
                    help="the directory holding hermit/syscall.h (default: the repository's)")
    ap.add_argument("--cc", default=os.environ.get("CC", "gcc"))
    ap.add_argument("--keep", action="store_true", help="keep the generated C file")
    args = ap.parse_args()

    errors = []
    lib = args.hermit_abi or find_hermit_abi()
    print(f"abi-c-check: hermit-abi: {lib}")
    with open(lib) as f:
        functions, aliases, structs, consts = parse_hermit_abi(f.read())
    # The error numbers live in the errno module (src/errno.rs).
    errno_rs = os.path.join(os.path.dirname(lib), "errno.rs")
    if os.path.isfile(errno_rs):
        with open(errno_rs) as f:
            consts.update(parse_hermit_abi(f.read())[3])
    if not functions:
        raise CheckError(f"no extern functions found in {lib}")
    header = os.path.join(args.include_dir, "hermit", "syscall.h")
    hdr_name = os.path.relpath(header, REPO) if header.startswith(REPO + os.sep) else header
    with open(header) as f:
        h_funcs, h_typedefs, h_structs, h_defines = header_names(f.read())
    tr = Translator(aliases, structs)

    out = [
        f"/* Generated by tests/abi_c_check.py: hermit-abi {HERMIT_ABI_VERSION}'s functions,",
        " * types and constants, redeclared after the kernel's header. A conflict is an error. */",
        '#include "hermit/syscall.h"',
        "#include <stddef.h>",
        "#include <stdint.h>",
        "",
    ]

    # Functions: first require a previous declaration (from the header), then redeclare.
    protos = []
    for fn in functions:
        c = fn["c"]
        if fn["abi"] != "C":
            errors.append(f"{c}: extern {fn['abi']!r} block, not \"C\"")
            continue
        if c not in h_funcs:
            errors.append(f"{c}: declared by hermit-abi ({fn['rust']}) but missing from {hdr_name}")
            continue
        try:
            params = ", ".join(tr.c_decl(ty, name or "") for name, ty in fn["params"]) or "void"
            proto = tr.c_decl(fn["ret"], f"{c}({params})")
        except CheckError as e:
            errors.append(f"{c}: {e}")
            continue
        if fn["ret"] == ("never",):
            proto = "_Noreturn " + proto
            if "noreturn" not in h_funcs[c].lower():
                errors.append(f"{c}: returns `!` in hermit-abi but the header does not mark it "
                              f"noreturn: {h_funcs[c]}")
        protos.append((c, proto))
    out.append("/* Every function is declared by the header (an undeclared name is an error). */")
    for c, _ in protos:
        out.append(f'_Static_assert(sizeof &{c} != 0, "{c} is declared");')
    out.append("")
    out.append("/* hermit-abi's prototypes: a different type than the header's is an error. */")
    for _, proto in protos:
        out.append(proto + ";")
    out.append("")

    # Typedefs the header shares with hermit-abi: C11 allows redefinition to the same type.
    n_typedefs = 0
    out.append("/* hermit-abi's type aliases, where the header has them. */")
    for name, ty in aliases.items():
        if name in h_typedefs:
            try:
                out.append(f"typedef {tr.c_decl(ty, name)};")
                n_typedefs += 1
            except CheckError as e:
                errors.append(f"type {name}: {e}")
    out.append("")

    # Constants the header shares with hermit-abi.
    n_consts = 0
    out.append("/* hermit-abi's constants, where the header has them. */")
    for name, (_, expr) in consts.items():
        if name in h_defines:
            value = eval_const(expr)
            if value is None:
                errors.append(f"const {name}: cannot evaluate `{' '.join(expr)}`")
                continue
            out.append(f'_Static_assert(({name}) == ({value}), "{name} is {value} in hermit-abi");')
            n_consts += 1
    out.append("")

    # Structs: used by the functions (and so required) or shared with the header.
    wanted = sorted(tr.used_structs | {n for n in structs if n in h_structs and structs[n]["repr_c"]})
    out.append("/* Layout of hermit-abi's structs (computed from its Rust field types). */")
    for name in wanted:
        if name not in h_structs:
            errors.append(f"struct {name}: used by hermit-abi's functions but not defined in {hdr_name}")
            continue
        size, align, offsets = tr.struct_layout(name)
        out.append(f'_Static_assert(sizeof(struct {name}) == {size}, "struct {name}: size {size}");')
        out.append(f'_Static_assert(_Alignof(struct {name}) == {align}, "struct {name}: alignment {align}");')
        for fname, fty, off in offsets:
            out.append(f'_Static_assert(offsetof(struct {name}, {fname}) == {off}, '
                       f'"struct {name}: {fname} at offset {off}");')
            ptr = tr.c_decl(("ptr", fty, False))
            out.append(f'_Static_assert(_Generic(&((struct {name} *)0)->{fname}, {ptr}: 1, default: 0), '
                       f'"struct {name}: {fname} has type {tr.c_decl(fty)}");')
    out.append("")

    # The Rust twin of this check must cover every function too.
    if os.path.isfile(ABI_CHECK_RS):
        with open(ABI_CHECK_RS) as f:
            rust_check = f.read()
        for fn in functions:
            if not re.search(rf"\b{re.escape(fn['c'])}\b", rust_check):
                errors.append(f"{fn['c']}: not checked in kernel/src/syscalls/abi_check.rs")
    else:
        errors.append("kernel/src/syscalls/abi_check.rs is missing")

    extra = sorted(set(h_funcs) - {fn["c"] for fn in functions})
    if extra:
        print(f"abi-c-check: note: the header has functions hermit-abi lacks: {', '.join(extra)}")

    tmpdir = tempfile.mkdtemp(prefix="abi-c-check-")
    cfile = os.path.join(tmpdir, "abi_c_check.c")
    with open(cfile, "w") as f:
        f.write("\n".join(out) + "\n")
    cmd = [args.cc, "-std=c11", "-Wall", "-Werror", "-fsyntax-only",
           "-I", args.include_dir, cfile]
    print("abi-c-check: " + " ".join(cmd))
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stdout + res.stderr)
        errors.append(f"{args.cc} rejected the header against hermit-abi (see above; C file: {cfile})")
        args.keep = True
    if args.keep:
        print(f"abi-c-check: C file kept: {cfile}")
    else:
        os.remove(cfile)
        os.rmdir(tmpdir)

    if errors:
        for e in errors:
            print(f"abi-c-check: error: {e}", file=sys.stderr)
        print(f"abi-c-check: FAILED ({len(errors)} error(s))", file=sys.stderr)
        return 1
    print(f"abi-c-check: {len(protos)} prototypes match "
          f"({len(wanted)} structs, {n_typedefs} typedefs, {n_consts} constants)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (CheckError, subprocess.CalledProcessError, OSError) as e:
        print(f"abi-c-check: error: {e}", file=sys.stderr)
        sys.exit(1)
