#!/usr/bin/env python3
"""Checks include/hermit/syscall.h (generated from the kernel) against hermit-abi.

Reads hermit-abi through rustdoc's JSON output (`cargo rustdoc` of a throw-away crate
under target/abi-c-check that depends on it), translates every function of its
`extern "C"` block into a C prototype (C types equivalent to the Rust ones), and compiles a C file that includes
the header and then redeclares each prototype. C rejects a redeclaration with a different
type, so a clean compile means every function has hermit-abi's signature. The same file
also redefines hermit-abi's typedefs that the header has (C11 allows a typedef to be
redefined only to the same type), asserts each shared constant's value, and asserts the
size, alignment, field offsets and field types of each shared struct, computed here from
hermit-abi's Rust field types. Any `sys_*` function hermit-abi declares and the header
lacks is an error, as is one kernel/src/syscalls/abi_check.rs (the Rust compile-time twin
of this check) does not name.

    tests/abi_c_check.py [--hermit-abi CRATE-DIR] [--include-dir DIR] [--keep]

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
# hermit-abi as rustdoc sees it (its JSON output), in the shapes the translator takes:
# types ("path", name), ("ptr", to, const), ("array", elem, n), ("fn", abi, params, ret),
# ("unit",), ("never",)
# ---------------------------------------------------------------------------------------

def rustdoc_json(lib_dir):
    """rustdoc's JSON output for the hermit-abi crate in lib_dir (a throw-away crate that
    depends on it, under the repository's target/ so that rust-toolchain.toml's nightly
    runs: the JSON output is unstable)."""
    work = os.path.join(REPO, "target", "abi-c-check")
    os.makedirs(os.path.join(work, "src"), exist_ok=True)
    with open(os.path.join(work, "Cargo.toml"), "w") as f:
        f.write('[package]\nname = "abi-c-check-doc"\nversion = "0.0.0"\nedition = "2021"\n'
                f'publish = false\n[dependencies]\nhermit-abi = {{ path = "{lib_dir}" }}\n[workspace]\n')
    with open(os.path.join(work, "src", "lib.rs"), "w") as f:
        f.write("")
    p = subprocess.run(["cargo", "rustdoc", "-q", "-p", "hermit-abi", "--lib", "--",
                        "-Zunstable-options", "--output-format", "json", "--document-hidden-items",
                        "--document-private-items"],
                       cwd=work, capture_output=True, text=True)
    if p.returncode != 0:
        raise CheckError(f"rustdoc of hermit-abi failed:\n{p.stderr}")
    with open(os.path.join(work, "target", "doc", "hermit_abi.json")) as f:
        return json.load(f)


def rd_abi(header):
    abi = header["abi"]
    return abi if isinstance(abi, str) else next(iter(abi))


def rd_type(t):
    if "primitive" in t:
        return ("never",) if t["primitive"] == "never" else ("path", t["primitive"])
    if "tuple" in t and not t["tuple"]:
        return ("unit",)
    if "raw_pointer" in t:
        return ("ptr", rd_type(t["raw_pointer"]["type"]), not t["raw_pointer"]["is_mutable"])
    if "borrowed_ref" in t:
        return ("ptr", rd_type(t["borrowed_ref"]["type"]), not t["borrowed_ref"]["is_mutable"])
    if "array" in t:
        return ("array", rd_type(t["array"]["type"]), int(t["array"]["len"].replace("_", "")))
    if "function_pointer" in t:
        fp = t["function_pointer"]
        return ("fn", rd_abi(fp["header"]), [rd_type(ty) for _, ty in fp["sig"]["inputs"]],
                rd_ret(fp["sig"]["output"]))
    if "resolved_path" in t:
        rp = t["resolved_path"]
        name = rp["path"].split("::")[-1]
        args = (rp.get("args") or {}).get("angle_bracketed", {}).get("args", [])
        if name == "Option" and len(args) == 1 and "type" in args[0]:
            inner = rd_type(args[0]["type"])
            if inner[0] == "fn":
                return inner  # a nullable function pointer: the same in C
        if args:
            raise CheckError(f"unsupported generic type {name}<...> in hermit-abi")
        return ("path", name)
    raise CheckError(f"unsupported type in hermit-abi's rustdoc: {t!r}")


def rd_ret(t):
    return ("unit",) if t is None else rd_type(t)


def link_name(item):
    """The symbol of an extern function: its link_name attribute, else its name."""
    for a in item["attrs"]:
        text = a.get("other", "") if isinstance(a, dict) else a
        m = re.search(r'(?:link_name\s*=|LinkName\s*\{\s*name:)\s*"([^"]+)"', text)
        if m:
            return m.group(1)
    return item["name"]


def load_hermit_abi(doc):
    """Returns (functions, aliases, structs, consts) of hermit-abi's rustdoc JSON output;
    consts map a name to (type, value)."""
    index = doc["index"]
    functions, aliases, structs, consts = [], {}, {}, {}
    for item in index.values():
        if item["crate_id"] != 0:
            continue
        inner = item["inner"]
        if "function" in inner and not inner["function"]["has_body"]:
            f = inner["function"]
            functions.append({"rust": item["name"], "c": link_name(item), "abi": rd_abi(f["header"]),
                              "params": [(n, rd_type(t)) for n, t in f["sig"]["inputs"]],
                              "ret": rd_ret(f["sig"]["output"])})
        elif "type_alias" in inner:
            aliases[item["name"]] = rd_type(inner["type_alias"]["type"])
        elif "constant" in inner:
            value = inner["constant"]["const"].get("value")
            consts[item["name"]] = (rd_type(inner["constant"]["type"]), value)
        elif "struct" in inner and "plain" in inner["struct"]["kind"]:
            repr_ = next((a["repr"] for a in item["attrs"] if isinstance(a, dict) and "repr" in a), None)
            fields = [(index[str(i)]["name"], rd_type(index[str(i)]["inner"]["struct_field"]))
                      for i in inner["struct"]["kind"]["plain"]["fields"]]
            structs[item["name"]] = {"repr_c": bool(repr_) and repr_.get("kind") == "c",
                                     "align": repr_.get("align") if repr_ else None, "fields": fields}
    functions.sort(key=lambda fn: fn["c"])
    return functions, aliases, structs, consts


def const_value(value):
    """rustdoc's evaluated value of an integer constant (`-2_146_933_122i32`), or None."""
    if value is None:
        return None
    m = re.fullmatch(r"(-?[0-9_]+)(?:[iu](?:8|16|32|64|128|size))?", value)
    return int(m.group(1).replace("_", "")) if m else None


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
    ap.add_argument("--hermit-abi", help="hermit-abi's crate directory (default: found via cargo)")
    ap.add_argument("--include-dir", default=os.path.join(REPO, "include"),
                    help="the directory holding hermit/syscall.h (default: the repository's)")
    ap.add_argument("--cc", default=os.environ.get("CC", "gcc"))
    ap.add_argument("--keep", action="store_true", help="keep the generated C file")
    args = ap.parse_args()

    errors = []
    lib = args.hermit_abi or os.path.dirname(os.path.dirname(find_hermit_abi()))
    print(f"abi-c-check: hermit-abi: {lib} (rustdoc --output-format json)")
    functions, aliases, structs, consts = load_hermit_abi(rustdoc_json(lib))
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
            value = const_value(expr)
            if value is None:
                errors.append(f"const {name}: rustdoc gives no integer value ({expr!r})")
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
