#!/usr/bin/env python3
"""A small reader of tagged PDF: the structure tree of a letter and the text of each element.

    scripts/pdfstructure.py LETTER.pdf     prints the structure as JSON

Reads the PDFs postbatch writes (cross-reference tables or streams, object streams,
incremental updates, Flate streams): the catalog's tagging entries, every page's content streams
with their marked content (MCIDs, /Artifact, /ActualText spans), the text of each glyph
through the fonts' ToUnicode maps, and the structure tree from /StructTreeRoot. The JSON:

    tagged, lang, displayDocTitle     the catalog's /MarkInfo /Marked, /Lang, DisplayDocTitle
    elements                          [{"type", "depth", "text"}] in tree order (text: the
                                      element's own marked content, ActualText applied)
    artifacts, untagged               the text inside /Artifact, and outside any marked content
    untaggedGraphics                  paths, images and shadings painted outside any marked content
    contentOrder, treeOrder           the MCIDs of page 1 in content-stream order and in tree order
    duplicateMCIDs                    MCIDs that mark more than one sequence on a page

Standard library only; used by the tests and by scripts/spool-pdfs.py.
"""
import json
import re
import sys
import zlib

DELIMITERS = b"()<>[]{}/%"
WHITESPACE = b"\x00\t\n\x0c\r "


class Ref:
    def __init__(self, number):
        self.number = number


class Name(str):
    pass


class Operator(str):
    pass


class Lexer:
    """PDF tokens from bytes: numbers, names, strings, arrays, dictionaries, references, operators."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def skip(self):
        while self.pos < len(self.data):
            c = self.data[self.pos]
            if c in WHITESPACE:
                self.pos += 1
            elif c == 0x25:  # %
                while self.pos < len(self.data) and self.data[self.pos] not in b"\r\n":
                    self.pos += 1
            else:
                return

    def value(self):
        """The next value (an Operator for a bare keyword), or None at the end."""
        self.skip()
        if self.pos >= len(self.data):
            return None
        data, c = self.data, self.data[self.pos]
        if data.startswith(b"<<", self.pos):
            self.pos += 2
            result = {}
            while True:
                self.skip()
                if data.startswith(b">>", self.pos):
                    self.pos += 2
                    return result
                key = self.value()
                result[str(key)] = self.value()
        if c == 0x3C:  # <hex>
            end = data.index(b">", self.pos)
            digits = re.sub(rb"\s", b"", data[self.pos + 1:end])
            self.pos = end + 1
            return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())
        if c == 0x28:
            return self.literal()
        if c == 0x5B:  # [
            self.pos += 1
            items = []
            while True:
                self.skip()
                if data[self.pos] == 0x5D:
                    self.pos += 1
                    return items
                items.append(self.value())
        if c == 0x2F:  # /name
            start = self.pos = self.pos + 1
            while self.pos < len(data) and data[self.pos] not in WHITESPACE + DELIMITERS:
                self.pos += 1
            return Name(data[start:self.pos].decode("latin-1"))
        start = self.pos
        while self.pos < len(data) and data[self.pos] not in WHITESPACE + DELIMITERS:
            self.pos += 1
        if self.pos == start:  # a stray delimiter: ) ] > }
            self.pos += 1
            return Operator(chr(c))
        word = data[start:self.pos].decode("latin-1")
        if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", word):
            number = float(word) if "." in word else int(word)
            saved = self.pos
            match = re.match(rb"\s+(\d+)\s+R(?=[\s/<>\[\]()]|$)", data[self.pos:])
            if isinstance(number, int) and match:
                self.pos += match.end()
                return Ref(number)
            self.pos = saved
            return number
        return {"true": True, "false": False, "null": None}.get(word, Operator(word))

    def literal(self):
        data, out, depth = self.data, bytearray(), 0
        self.pos += 1
        while True:
            c = data[self.pos]
            self.pos += 1
            if c == 0x5C:  # backslash
                e = data[self.pos]
                self.pos += 1
                if e in b"01234567":
                    digits = bytes([e])
                    while len(digits) < 3 and data[self.pos] in b"01234567":
                        digits += bytes([data[self.pos]])
                        self.pos += 1
                    out.append(int(digits, 8) & 0xFF)
                elif e in b"\r\n":
                    if e == 0x0D and data[self.pos] == 0x0A:
                        self.pos += 1
                else:
                    out += {0x6E: b"\n", 0x72: b"\r", 0x74: b"\t", 0x62: b"\b", 0x66: b"\f"}.get(e, bytes([e]))
            elif c == 0x28:
                depth += 1
                out.append(c)
            elif c == 0x29:
                if depth == 0:
                    return bytes(out)
                depth -= 1
                out.append(c)
            else:
                out.append(c)


class PDF:
    """The objects of a PDF (the last definition of each wins; a plain object over one
    packed in an object stream); the trailer, or the cross-reference stream's dictionary."""

    def __init__(self, data):
        self.data = data
        self.offsets, self.packed, self.trailer = {}, {}, {}
        for match in re.finditer(rb"(?<![0-9])(\d+) 0 obj\b", data):
            self.offsets[int(match.group(1))] = match.end()
        for number in list(self.offsets):
            header = Lexer(data[self.offsets[number]:]).value()
            if isinstance(header, dict) and header.get("Type") == "ObjStm":
                stream = self.stream(Ref(number))
                pairs = [int(value) for value in stream[:header["First"]].split()]
                for i in range(0, len(pairs), 2):
                    self.packed.setdefault(pairs[i], Lexer(stream[header["First"] + pairs[i + 1]:]).value())
            elif isinstance(header, dict) and header.get("Type") == "XRef":
                self.trailer = header
        trailers = list(re.finditer(rb"trailer\s*", data))
        if trailers:
            self.trailer = Lexer(data[trailers[-1].end():]).value()

    def get(self, value):
        while isinstance(value, Ref):
            start = self.offsets.get(value.number)
            if start is None:
                return self.packed.get(value.number)
            value = Lexer(self.data[start:]).value()
        return value

    def stream(self, ref):
        start = self.offsets[ref.number]
        lexer = Lexer(self.data[start:])
        header = lexer.value()
        body = self.data[start + lexer.pos:]
        begin = re.match(rb"\s*stream\r?\n", body).end()
        raw = body[begin:begin + self.get(header["Length"])]
        filters = header.get("Filter")
        return zlib.decompress(raw) if filters in ("FlateDecode", ["FlateDecode"]) else raw


def cmap(data):
    """A ToUnicode CMap: code bytes to text, and the code length."""
    result, width = {}, 1
    for body in re.findall(rb"begincodespacerange(.*?)endcodespacerange", data, re.S):
        width = len(bytes.fromhex(re.findall(rb"<([0-9A-Fa-f]+)>", body)[0].decode()))
    def text(hexdigits):
        return bytes.fromhex(hexdigits.decode()).decode("utf-16-be")
    for body in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", body):
            result[bytes.fromhex(code.decode())] = text(value)
    for body in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", body):
            start, end, first = int(low, 16), int(high, 16), bytes.fromhex(value.decode()).decode("utf-16-be")
            for offset, code in enumerate(range(start, end + 1)):
                result[code.to_bytes(len(low) // 2, "big")] = first[:-1] + chr(ord(first[-1]) + offset)
    return result, width


def decode(font, string):
    mapping, width = font
    return "".join(mapping.get(string[i:i + width], "") for i in range(0, len(string), width))


def read_page(pdf, page, number, texts, result):
    """Walks one page's content: text by MCID into `texts`, artifacts and untagged into `result`."""
    fonts = {}
    resources = pdf.get(page.get("Resources")) or {}
    for name, ref in (pdf.get(resources.get("Font")) or {}).items():
        font = pdf.get(ref) or {}
        fonts[name] = cmap(pdf.stream(font["ToUnicode"])) if isinstance(font.get("ToUnicode"), Ref) else ({}, 1)
    contents = pdf.get(page.get("Contents"))
    refs = contents if isinstance(contents, list) else [page.get("Contents")]
    data = b"\n".join(pdf.stream(ref) for ref in refs)
    lexer, operands, stack, font = Lexer(data), [], [], ({}, 1)
    while (value := lexer.value()) is not None:
        if not isinstance(value, Operator):
            operands.append(value)
            continue
        if value in ("BDC", "BMC"):
            properties = operands[-1] if value == "BDC" and isinstance(operands[-1], dict) else {}
            entry = {"tag": operands[0], "mcid": properties.get("MCID"), "actual": properties.get("ActualText"),
                     "text": ""}
            if entry["mcid"] is not None:
                key = (number, entry["mcid"])
                if key in texts:
                    result["duplicateMCIDs"].append(entry["mcid"])
                texts[key] = ""
                if number == 0:
                    result["contentOrder"].append(entry["mcid"])
            stack.append(entry)
        elif value == "EMC" and stack:
            entry = stack.pop()
            if entry["actual"] is not None:
                text = entry["actual"]
                text = text[2:].decode("utf-16-be") if text.startswith(b"\xfe\xff") else text.decode("latin-1")
                emit(text, stack, texts, number, result)
        elif value == "Tf":
            font = fonts.get(operands[0], ({}, 1))
        elif value in PAINTING and not stack:
            result["untaggedGraphics"] += 1
        elif value in ("Tj", "'", '"', "TJ"):
            strings = operands[-1] if value == "TJ" else [operands[-1]]
            text = "".join(decode(font, s) for s in strings if isinstance(s, bytes))
            spans = [entry for entry in stack if entry["actual"] is not None]
            if not spans:
                emit(text, stack, texts, number, result)
        operands = []


# Operators that paint without text: paths, XObjects (images, forms), shadings, inline images.
PAINTING = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "EI"}


def emit(text, stack, texts, number, result):
    if any(entry["tag"] == "Artifact" for entry in stack):
        result["artifacts"] += text
        return
    marked = [entry for entry in stack if entry["mcid"] is not None]
    if marked:
        texts[(number, marked[-1]["mcid"])] += text
    else:
        result["untagged"] += text


def structure(data):
    pdf = PDF(data)
    catalog = pdf.get(pdf.trailer.get("Root")) or {}
    result = {"tagged": bool((pdf.get(catalog.get("MarkInfo")) or {}).get("Marked")),
              "lang": pdf.get(catalog.get("Lang")).decode("latin-1") if catalog.get("Lang") else None,
              "displayDocTitle": bool((pdf.get(catalog.get("ViewerPreferences")) or {}).get("DisplayDocTitle")),
              "elements": [], "artifacts": "", "untagged": "", "untaggedGraphics": 0,
              "contentOrder": [], "treeOrder": [],
              "duplicateMCIDs": []}
    pages, refs, queue = [], {}, [catalog.get("Pages")]
    while queue:
        ref = queue.pop(0)
        node = pdf.get(ref)
        if node.get("Type") == "Pages":
            queue = list(node["Kids"]) + queue
        else:
            if isinstance(ref, Ref):
                refs[ref.number] = len(pages)
            pages.append(node)
    texts = {}
    for number, page in enumerate(pages):
        read_page(pdf, page, number, texts, result)
    root = pdf.get(catalog.get("StructTreeRoot"))
    if root:
        walk(pdf, root.get("K"), 0, None, texts, refs, result)
    return result


def walk(pdf, kids, depth, page, texts, refs, result):
    kids = kids if isinstance(kids, list) else [kids]
    for kid in kids:
        element = pdf.get(kid)
        if not isinstance(element, dict):
            continue
        own_page = refs.get(element["Pg"].number, page) if isinstance(element.get("Pg"), Ref) else page
        items = element.get("K")
        items = items if isinstance(items, list) else [items]
        text = ""
        for item in items:
            item_value = pdf.get(item) if isinstance(item, Ref) else item
            if isinstance(item_value, int):
                text += texts.get((own_page or 0, item_value), "")
                if (own_page or 0) == 0:
                    result["treeOrder"].append(item_value)
            elif isinstance(item_value, dict) and item_value.get("Type") == "MCR":
                mcr_page = refs.get(item_value["Pg"].number, own_page) if "Pg" in item_value else own_page
                text += texts.get((mcr_page or 0, item_value["MCID"]), "")
                if (mcr_page or 0) == 0:
                    result["treeOrder"].append(item_value["MCID"])
        result["elements"].append({"type": str(element.get("S")), "depth": depth, "text": text})
        walk(pdf, [item for item in items if isinstance(item, Ref)], depth + 1, own_page, texts, refs, result)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    with open(sys.argv[1], "rb") as handle:
        print(json.dumps(structure(handle.read()), ensure_ascii=False, indent=1))
