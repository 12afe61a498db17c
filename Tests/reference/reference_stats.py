#!/usr/bin/env python3
"""An independent reading of SPEC §1–§2 and §5, for cross-checking `postbatch stats`.

Written from the SPEC alone with Python's csv module, so that a disagreement with the
Swift implementation points at a misreading in one of them. Prints the §5 JSON.

usage: reference_stats.py INPUT.csv [--first-day 2021-10-06] [--waves 3]
"""
import csv, datetime, io, json, sys, unicodedata

ALIASES = {
    "cpr": ["cpr", "pnr", "cpr_nr", "personnummer"], "name": ["name", "navn"],
    "co_name": ["co_name", "co", "co_navn"], "street": ["street", "adresse", "address"],
    "postal_code": ["postal_code", "postnr"], "city": ["city", "by", "postdistrikt"],
    "country": ["country", "land"], "cpr_status": ["cpr_status", "status"],
    "address_protected": ["address_protected", "adressebeskyttet"],
    "has_online_banking": ["has_online_banking", "netbank", "har_netbank"],
    "needs_id_update": ["needs_id_update", "skal_opdatere_id"],
    "has_key_app": ["has_key_app", "noegleapp", "har_noegleapp"],
    "digital_post_exempt": ["digital_post_exempt", "fritaget", "fritaget_digital_post"],
    "language": ["language", "sprog"],
}
REQUIRED = ["cpr", "name", "has_online_banking", "needs_id_update"]
TRUE = {"1", "true", "yes", "y", "ja", "j", "x"}
FALSE = {"0", "false", "no", "n", "nej"}
SEND = {"01", "03", "05", "07", "20", "80"}
ISO = set("""AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split())
NAMES = {"danmark": "DK", "grønland": "GL", "færøerne": "FO"}
WS = " \t\r\n\v\f"
# Unicode's White_Space property, listed out (Python's str.isspace differs at U+001C-1F).
WHITE_SPACE = set(chr(c) for c in list(range(0x09, 0x0E)) + [0x20, 0x85, 0xA0, 0x1680]
                  + list(range(0x2000, 0x200B)) + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000])
ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}
# SPEC §2 "The paper address block": the country line is the Danish name in capitals. Only
# its length matters for the counts: every Danish country name fits 34 characters except
# these two, so other countries count as one short line.
LONG_COUNTRY_NAMES = {
    "GS": "SOUTH GEORGIA OG DE SYDLIGE SANDWICHØER",
    "TF": "DE FRANSKE BESIDDELSER I DET SYDLIGE INDISKE OCEAN OG ANTARKTIS",
}
LINE_WIDTH, MAX_LINES = 34, 6


def blank(name):
    """Nothing a reader can see: only whitespace, zero-width or combining characters."""
    return all(ch in WHITE_SPACE or ch in ZERO_WIDTH or unicodedata.category(ch).startswith("M") for ch in name)


def block_field(text):
    """NFC, every run of whitespace (control characters, U+FFFE and U+FFFF too) one space, trimmed."""
    out, space = [], False
    for ch in unicodedata.normalize("NFC", text):
        if ch in WHITE_SPACE or unicodedata.category(ch) == "Cc" or ch in "\ufffe\uffff":
            space = bool(out)
            continue
        if space:
            out.append(" ")
            space = False
        out.append(ch)
    return "".join(out)


def initial(word):
    """The first letter with any combining marks that belong to it."""
    end = 1
    while end < len(word) and unicodedata.combining(word[end]):
        end += 1
    return word[:end]


def address_block(name, co, street, postal, city, code):
    """The lines of SPEC §2's paper address block, uncut."""
    lines = []
    name = block_field(name)
    words = name.split(" ")
    i = len(words) - 2
    while len(" ".join(words)) > LINE_WIDTH and i >= 1:
        words[i] = initial(words[i]) + "."
        i -= 1
    if name:
        lines.append(" ".join(words))
    co = block_field(co)
    if co:
        lines.append(co if co[:4].lower() == "c/o " else "c/o " + co)
    current = ""
    for part in block_field(street).split(", "):
        part = part.strip(" ")
        if not part:
            continue
        if not current:
            current = part
        elif len(current) + 2 + len(part) <= LINE_WIDTH:
            current += ", " + part
        else:
            lines.append(current)
            current = part
    if current:
        lines.append(current)
    postal, city = block_field(postal), block_field(city)
    if postal and code == "FO":
        postal = "FO-" + postal
    postal_line = " ".join(x for x in (postal, city) if x)
    if postal_line:
        lines.append(postal_line)
    if code != "DK":
        lines.append(LONG_COUNTRY_NAMES.get(code, code))
    return lines


def fits(lines):
    return len(lines) <= MAX_LINES and all(len(line) <= LINE_WIDTH for line in lines)


def cpr_date(d):
    dd, mm, yy, c = int(d[0:2]), int(d[2:4]), int(d[4:6]), int(d[6])
    if c <= 3: year = 1900 + yy
    elif c in (4, 9): year = 2000 + yy if yy <= 36 else 1900 + yy
    else: year = 2000 + yy if yy <= 57 else 1800 + yy
    try:
        datetime.date(year, mm, dd)
        return True
    except ValueError:
        return False


def easter(year):
    """Easter Sunday (Gauss's algorithm as Lichtenberg corrected it)."""
    k = year // 100
    m = 15 + (3 * k + 3) // 4 - (8 * k + 13) // 25
    s = 2 - (3 * k + 3) // 4
    a = year % 19
    d = (19 * a + m) % 30
    r = (d + a // 11) // 29
    og = 21 + d - r
    sz = 7 - (year + year // 4 + s) % 7
    oe = 7 - (og - sz) % 7
    return datetime.date(year, 3, 1) + datetime.timedelta(days=og + oe - 1)


def business_day(day):
    """SPEC §2: not a weekend, not a Danish public holiday."""
    if day.weekday() >= 5:
        return False
    if (day.month, day.day) in {(1, 1), (6, 5), (12, 24), (12, 25), (12, 26), (12, 31)}:
        return False
    e = easter(day.year)
    holidays = {e - datetime.timedelta(days=3), e - datetime.timedelta(days=2), e + datetime.timedelta(days=1),
                e + datetime.timedelta(days=39), e + datetime.timedelta(days=50)}
    if day.year <= 2023:
        holidays.add(e + datetime.timedelta(days=26))   # Great Prayer Day, abolished from 2024
    return day not in holidays


def next_business_day(day):
    day += datetime.timedelta(days=1)
    while not business_day(day):
        day += datetime.timedelta(days=1)
    return day


def main():
    args = sys.argv[1:]
    path = args[0]
    first = datetime.date.fromisoformat(args[args.index("--first-day") + 1]) if "--first-day" in args else datetime.date(2021, 10, 6)
    waves = int(args[args.index("--waves") + 1]) if "--waves" in args else 3
    print_day = next_business_day(first + datetime.timedelta(days=waves - 1))
    text = open(path, encoding="utf-8-sig", newline="").read()
    header_line = text.split("\n", 1)[0]
    delim = "," if header_line.count(",") > header_line.count(";") else ";"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    header = [h.strip(WS).lower() for h in rows[0]]
    col = {}
    for field, names in ALIASES.items():
        for i, h in enumerate(header):
            if h in names:
                col[field] = i
    seen = set()
    digital_index = 0
    out = {"records": 0, "letters": {"total": 0, "by_group": {str(g): 0 for g in range(1, 6)},
           "by_channel": {"digital": 0, "print": 0},
           "by_group_channel": {str(g): {"digital": 0, "print": 0} for g in range(1, 6)},
           "by_language": {"da": 0, "en": 0}, "by_date": {}},
           "skipped": {"total": 0, "by_reason": {}}, "rejected": {"total": 0, "by_reason": {}},
           "warnings": {"cpr_no_mod11": 0}}

    def reject(reason):
        out["rejected"]["total"] += 1
        out["rejected"]["by_reason"][reason] = out["rejected"]["by_reason"].get(reason, 0) + 1

    for row in rows[1:]:
        if row == [] or row == [""]:
            continue
        out["records"] += 1
        if len(row) != len(header):
            reject("malformed_row"); continue
        get = lambda f: row[col[f]].strip(WS) if f in col else ""
        cpr = get("cpr")
        digits = cpr.replace("-", "", 1) if len(cpr) == 11 and cpr[6] == "-" else cpr
        if len(digits) != 10 or not all(ch in "0123456789" for ch in digits):
            reject("invalid_cpr"); continue
        if not cpr_date(digits):
            reject("invalid_cpr_date"); continue
        name = get("name")
        if name == "" or blank(name):
            reject("missing_name"); continue
        if len(unicodedata.normalize("NFC", name)) > 130 or any(ord(ch) < 32 or 127 <= ord(ch) <= 159 for ch in name):
            reject("invalid_name"); continue
        flags, bad = {}, False
        for f in ["address_protected", "has_online_banking", "needs_id_update", "has_key_app", "digital_post_exempt"]:
            v = get(f).lower()
            if v == "":
                if f in REQUIRED: bad = True
                flags[f] = False
            elif v in TRUE: flags[f] = True
            elif v in FALSE: flags[f] = False
            else: bad = True
        if bad:
            reject("invalid_boolean"); continue
        status = get("cpr_status") or "01"
        if len(status) != 2 or not all(ch in "0123456789" for ch in status):
            reject("invalid_status"); continue
        lang = (get("language") or "da").lower()
        if lang not in ("da", "en"):
            reject("invalid_language"); continue
        country = get("country")
        if country == "": code = "DK"
        elif len(country) == 2 and country.upper() in ISO: code = country.upper()
        elif country.lower() in NAMES: code = NAMES[country.lower()]
        else:
            reject("invalid_country"); continue
        if digits in seen:
            reject("duplicate_cpr"); continue
        paper = status in SEND and flags["digital_post_exempt"]
        if paper:
            street, postal, city = get("street"), get("postal_code"), get("city")
            if not street or not postal or not city:
                reject("missing_address"); continue
            need = {"DK": 4, "GL": 4, "FO": 3}.get(code)
            if need and (len(postal) != need or not all(ch in "0123456789" for ch in postal)):
                reject("invalid_postal_code"); continue
            if not fits(address_block(name, get("co_name"), street, postal, city, code)):
                reject("address_too_long"); continue
        seen.add(digits)
        weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1]
        if sum(int(d) * w for d, w in zip(digits, weights)) % 11 != 0:
            out["warnings"]["cpr_no_mod11"] += 1
        if status not in SEND:
            out["skipped"]["total"] += 1
            r = "status_" + status
            out["skipped"]["by_reason"][r] = out["skipped"]["by_reason"].get(r, 0) + 1
            continue
        upd, key, bank = flags["needs_id_update"], flags["has_key_app"], flags["has_online_banking"]
        if not upd and bank: g = 1
        elif upd and key and bank: g = 2
        elif not upd and not bank: g = 3
        elif upd and key and not bank: g = 4
        else: g = 5
        if paper:
            channel, date = "print", print_day
        else:
            channel, date = "digital", first + datetime.timedelta(days=digital_index % waves)
            digital_index += 1
        L = out["letters"]
        L["total"] += 1
        L["by_group"][str(g)] += 1
        L["by_channel"][channel] += 1
        L["by_group_channel"][str(g)][channel] += 1
        L["by_language"][lang] += 1
        L["by_date"][date.isoformat()] = L["by_date"].get(date.isoformat(), 0) + 1
    json.dump(out, sys.stdout, indent=2, sort_keys=True)
    print()


main()
