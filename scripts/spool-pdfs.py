#!/usr/bin/env python3
"""Every letter PDF of a spool: their sizes, or a check of each one's PDF/A-2b and tagged-PDF parts.

    scripts/spool-pdfs.py sizes SPOOL      count, mean, smallest and largest PDF in bytes
    scripts/spool-pdfs.py check SPOOL      check every PDF; exit 1 naming each one that fails

The PDFs are read from every envelope of the spool: loose `.xml` files and the members of
`.tar.lzma` containers (the base64 of MeMo `memo:content` and fjernprint
`MeddelelseIndholdData`). Standard library only.

`check` is a focused reader of the PDFs postbatch writes, not a full PDF/A validator
(veraPDF is not packaged in Debian): it follows the last trailer's /Root and checks

- a `%PDF-1.x` header with a binary comment, a trailer /ID, no /Encrypt;
- the Metadata stream: an XMP packet with pdfaid:part 2 and pdfaid:conformance B, and a
  dc:title equal to the Info dictionary's /Title;
- one /OutputIntent /GTS_PDFA1 whose /DestOutputProfile is an RGB ICC profile stream (/N 3);
- every font descriptor with an embedded font program (/FontFile, /FontFile2 or /FontFile3);
- tagged PDF: /MarkInfo << /Marked true >>, a /StructTreeRoot, /Lang da or en,
  /ViewerPreferences << /DisplayDocTitle true >>, a /StructParents on every page; and,
  read with scripts/pdfstructure.py, no text outside the structure and the artifacts,
  no MCID used twice, and page 1's content stream in the structure tree's order.

It ends with the number of PDFs checked, failed, and made by each /Producer.
"""
import base64
import collections
import lzma
import os
import re
import sys
import tarfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pdfstructure  # noqa: E402

PDF = re.compile(rb">(JVBER[A-Za-z0-9+/=\s]*)<")


def envelopes(spool):
    """(name, bytes) of every envelope: loose XML files and tar.lzma members."""
    for folder, _, files in sorted(os.walk(spool)):
        if os.path.basename(folder).startswith("."):
            continue
        for name in sorted(files):
            path = os.path.join(folder, name)
            if name.endswith(".xml"):
                with open(path, "rb") as handle:
                    yield path, handle.read()
            elif name.endswith(".tar.lzma"):
                with lzma.open(path) as raw, tarfile.open(fileobj=raw, mode="r|") as tar:
                    for member in tar:
                        if member.isfile() and member.name.endswith(".xml"):
                            yield f"{path}:{member.name}", tar.extractfile(member).read()


def pdfs(spool):
    for name, xml in envelopes(spool):
        found = PDF.findall(xml)
        if len(found) != 1:
            yield name, None
        else:
            yield name, base64.b64decode(b"".join(found[0].split()))


class Document:
    """The objects of a PDF, the last definition of each winning; those of object streams
    first, so that an object written after its stream's replaces it. The trailer is the
    last trailer dictionary, or the last cross-reference stream's dictionary."""

    OBJECT = re.compile(rb"(?<![0-9])(\d+) 0 obj\b(.*?)\bendobj", re.S)

    def __init__(self, data):
        self.data = data
        self.objects = {}
        plain = {int(match.group(1)): match.group(2) for match in self.OBJECT.finditer(data)}
        self.objects = plain
        for number, body in list(plain.items()):
            if b"/Type /ObjStm" in body:
                self.objects.update(self.packed(number))
        self.objects.update(plain)
        trailers = re.findall(rb"trailer\s*<<(.*?)>>\s*startxref", data, re.S)
        xrefs = [body for body in plain.values() if b"/Type /XRef" in body]
        self.trailer = trailers[-1] if trailers else (xrefs[-1].split(b"stream")[0] if xrefs else b"")

    def packed(self, number):
        """The objects of object stream `number`, by number."""
        body = self.objects[number]
        data = self.stream(number)
        first = int(re.search(rb"/First (\d+)", body).group(1))
        pairs = [int(value) for value in data[:first].split()]
        offsets = pairs[1::2] + [len(data) - first]
        return {pairs[2 * i]: data[first + offsets[i]:first + offsets[i + 1]] for i in range(len(pairs) // 2)}

    def get(self, number):
        return self.objects.get(number, b"")

    @staticmethod
    def ref(text, key):
        match = re.search(rb"/" + key + rb"\s+(\d+) 0 R", text)
        return int(match.group(1)) if match else None

    def stream(self, number):
        body = self.get(number)
        match = re.search(rb"stream\r?\n(.*)\r?\nendstream", body, re.S)
        if not match:
            return None
        raw = match.group(1)
        return zlib.decompress(raw) if b"/FlateDecode" in body[:match.start()] else raw


def problems(data):
    """What is wrong with one PDF, as short sentences (empty when all is well)."""
    found = []
    if not re.match(rb"%PDF-1\.[0-7]\r?\n%[\x80-\xff]{4}", data):
        found.append("no %PDF-1.x header with a binary comment")
    doc = Document(data)
    if not re.search(rb"/ID\s*\[\s*<[0-9A-Fa-f]{32}>\s*<[0-9A-Fa-f]{32}>\s*\]", doc.trailer):
        found.append("no /ID in the last trailer")
    if b"/Encrypt" in doc.trailer:
        found.append("encrypted")
    root = doc.ref(doc.trailer, b"Root")
    catalog = doc.get(root) if root else b""
    if b"/Type /Catalog" not in catalog:
        return found + ["the trailer's /Root is not a catalog"]
    metadata = doc.ref(catalog, b"Metadata")
    xmp = doc.stream(metadata) if metadata else None
    if not xmp:
        found.append("no XMP Metadata stream")
    else:
        for pattern, what in [(rb"<pdfaid:part>2</pdfaid:part>", "pdfaid:part 2"),
                              (rb"<pdfaid:conformance>B</pdfaid:conformance>", "pdfaid:conformance B")]:
            if not re.search(pattern, xmp):
                found.append(f"the XMP lacks {what}")
        info = doc.get(doc.ref(doc.trailer, b"Info") or 0)
        title = re.search(rb"<dc:title><rdf:Alt><rdf:li[^>]*>(.*?)</rdf:li>", xmp, re.S)
        if not title or not info_string(info, b"Title"):
            found.append("no title in the XMP or the Info dictionary")
        elif title.group(1).decode("utf-8").replace("&amp;", "&").replace("&lt;", "<") \
                .replace("&gt;", ">").replace("&quot;", '"') != info_string(info, b"Title"):
            found.append("the XMP's dc:title is not the Info dictionary's /Title")
    intents = re.findall(rb"/S /GTS_PDFA1\b.*?/DestOutputProfile (\d+) 0 R|/DestOutputProfile (\d+) 0 R.*?/S /GTS_PDFA1",
                         catalog, re.S)
    if len(intents) != 1:
        found.append("not exactly one GTS_PDFA1 output intent")
    else:
        number = int(intents[0][0] or intents[0][1])
        profile = doc.stream(number) or b""
        if b"/N 3" not in doc.get(number) or profile[36:40] != b"acsp" or profile[16:20] != b"RGB ":
            found.append("the output intent's profile is not an RGB ICC profile")
    for number, body in doc.objects.items():
        if b"/Type /FontDescriptor" in body and not re.search(rb"/FontFile[23]? \d+ 0 R", body):
            found.append(f"font descriptor {number} without an embedded font")
    if not re.search(rb"/MarkInfo\s*<<\s*/Marked true\s*>>", catalog):
        found.append("no /MarkInfo << /Marked true >>")
    if not doc.ref(catalog, b"StructTreeRoot"):
        found.append("no /StructTreeRoot")
    if not re.search(rb"/Lang \((da|en)\)", catalog):
        found.append("no /Lang (da) or (en)")
    if not re.search(rb"/ViewerPreferences\s*<<\s*/DisplayDocTitle true\s*>>", catalog):
        found.append("no /ViewerPreferences << /DisplayDocTitle true >>")
    pages = [body for body in doc.objects.values() if re.search(rb"/Type /Page\b", body)]
    if not pages or any(b"/StructParents" not in page for page in pages):
        found.append("a page without /StructParents")
    try:
        tree = pdfstructure.structure(data)
    except Exception as error:  # a PDF the reader cannot follow is a failure, with the reason
        return found + [f"the structure cannot be read: {error!r}"]
    if tree["untagged"]:
        found.append(f"text outside the structure and the artifacts: {tree['untagged'][:40]!r}")
    if tree["untaggedGraphics"]:
        found.append(f"{tree['untaggedGraphics']} paths or images outside the structure and the artifacts")
    if tree["duplicateMCIDs"]:
        found.append(f"MCIDs used twice: {tree['duplicateMCIDs']}")
    if not tree["contentOrder"] or tree["contentOrder"] != tree["treeOrder"]:
        found.append("page 1's content stream is not in the structure tree's order")
    return found


# PDFDocEncoding's bytes 0x80-0xA0 that differ from Latin-1 (ISO 32000-1, D.2).
DOC_ENCODING = {0x80: "•", 0x81: "†", 0x82: "‡", 0x83: "…", 0x84: "—", 0x85: "–", 0x86: "ƒ", 0x87: "⁄", 0x88: "‹",
                0x89: "›", 0x8A: "−", 0x8B: "‰", 0x8C: "„", 0x8D: "“", 0x8E: "”", 0x8F: "‘", 0x90: "’", 0x91: "‚",
                0x92: "™", 0x93: "ﬁ", 0x94: "ﬂ", 0x95: "Ł", 0x96: "Œ", 0x97: "Š", 0x98: "Ÿ", 0x99: "Ž", 0x9A: "ı",
                0x9B: "ł", 0x9C: "œ", 0x9D: "š", 0x9E: "ž", 0xA0: "€"}


def doc_decode(raw):
    return "".join(DOC_ENCODING.get(byte, chr(byte)) for byte in raw)


def info_string(info, key):
    match = re.search(rb"/" + key + rb"\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>)", info)
    if not match:
        return None
    text = match.group(1)
    if text.startswith(b"<"):
        raw = bytes.fromhex(text[1:-1].decode())
        return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else doc_decode(raw)
    body = re.sub(rb"\\(.)", rb"\1", text[1:-1])
    return body[2:].decode("utf-16-be") if body.startswith(b"\xfe\xff") else doc_decode(body)


def main(arguments):
    if len(arguments) != 2 or arguments[0] not in ("sizes", "check"):
        raise SystemExit(__doc__)
    command, spool = arguments
    sizes, failed, producers = [], 0, collections.Counter()
    for name, data in pdfs(spool):
        if data is None:
            print(f"{name}: not exactly one PDF in the envelope")
            failed += 1
            continue
        sizes.append(len(data))
        if command == "check":
            info = Document(data)
            producers[info_string(info.get(info.ref(info.trailer, b"Info") or 0), b"Producer") or "unknown"] += 1
            found = problems(data)
            if found:
                failed += 1
                print(f"{name}: " + "; ".join(found))
    if not sizes:
        raise SystemExit(f"{spool}: no envelopes")
    if command == "sizes":
        print(f"{len(sizes)} PDFs, mean {sum(sizes) / len(sizes):.0f} bytes, smallest {min(sizes)}, largest {max(sizes)}")
    else:
        made = ", ".join(f"{count} by {name}" for name, count in sorted(producers.items()))
        print(f"{len(sizes)} PDFs checked, {failed} failed ({made})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
