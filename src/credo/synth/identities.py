"""Synthetic identifiers and names: valid cn_ric and cn_uscc codes, unique by construction.

Every identifier is a bijective function of the subject's global index (an affine map
modulo the size of the identifier space), so chunks never collide and no set of issued
numbers is kept in memory. Region codes are real GB/T 2260 county-level codes.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pyarrow as pa

from credo.synth.frame import cat, digits_text, pick, yyyymmdd

# Real GB/T 2260 county-level division codes (all known to python-stdnum's region table).
REGIONS = (
    "110101",
    "110102",
    "110105",
    "110106",
    "110107",
    "110108",
    "120101",
    "120103",
    "130102",
    "130104",
    "150102",
    "210102",
    "210103",
    "210202",
    "220102",
    "230102",
    "310101",
    "310104",
    "310105",
    "310106",
    "320102",
    "320104",
    "330102",
    "330103",
    "330106",
    "340102",
    "350102",
    "350104",
    "350203",
    "360102",
    "370102",
    "370202",
    "410102",
    "420102",
    "420103",
    "420106",
    "430102",
    "440103",
    "440104",
    "440106",
    "440304",
    "440305",
    "450102",
    "510104",
    "510106",
    "510107",
    "520102",
    "530102",
    "540102",
    "610103",
    "610113",
    "620102",
    "630102",
    "650102",
)
CITIES = {
    "11": "Beijing",
    "12": "Tianjin",
    "13": "Shijiazhuang",
    "15": "Hohhot",
    "21": "Shenyang",
    "22": "Changchun",
    "23": "Harbin",
    "31": "Shanghai",
    "32": "Nanjing",
    "33": "Hangzhou",
    "34": "Hefei",
    "35": "Fuzhou",
    "36": "Nanchang",
    "37": "Jinan",
    "41": "Zhengzhou",
    "42": "Wuhan",
    "43": "Changsha",
    "44": "Guangzhou",
    "45": "Nanning",
    "51": "Chengdu",
    "52": "Guiyang",
    "53": "Kunming",
    "54": "Lhasa",
    "61": "Xi'an",
    "62": "Lanzhou",
    "63": "Xining",
    "65": "Urumqi",
}
SURNAMES = (
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Luo",
    "Gao",
    "Zheng",
    "Liang",
    "Xie",
    "Song",
    "Tang",
    "Han",
    "Feng",
    "Deng",
    "Cao",
    "Peng",
    "Zeng",
    "Xiao",
    "Tian",
    "Dong",
    "Pan",
)
SYLLABLES = (
    "Wei",
    "Fang",
    "Na",
    "Min",
    "Jing",
    "Li",
    "Qiang",
    "Lei",
    "Jun",
    "Yang",
    "Yong",
    "Yan",
    "Jie",
    "Tao",
    "Ming",
    "Chao",
    "Xiu",
    "Ying",
    "Hua",
    "Ping",
    "Gang",
    "Gui",
    "Lan",
    "Hui",
    "Xin",
    "Yu",
    "Hao",
    "Bo",
    "Rui",
    "Kai",
    "Ning",
    "Qing",
    "Dan",
    "Xia",
    "Feng",
    "Long",
)
BRANDS = (
    "Xinda",
    "Huamei",
    "Tianyi",
    "Hengtong",
    "Jiahe",
    "Ruifeng",
    "Zhongxing",
    "Baolong",
    "Jinqiao",
    "Minsheng",
    "Hongda",
    "Yuanfang",
    "Shengshi",
    "Anxin",
    "Dingsheng",
    "Fuxing",
    "Guangming",
    "Haitian",
    "Lianhe",
    "Mingyuan",
    "Taikang",
    "Wanjia",
    "Xiangyun",
    "Yongle",
)
# Industry -> name suffix; the industry also picks licences and inspection domains.
INDUSTRIES = (
    "Food Co., Ltd.",
    "Pharmaceutical Co., Ltd.",
    "Construction Engineering Co., Ltd.",
    "Trading Co., Ltd.",
    "Logistics Co., Ltd.",
    "Technology Co., Ltd.",
)
# Registration authority -> {type code: weight}: GB 32100 codes incl. the letter authorities.
AUTHORITY_TYPES = {
    "9": {"1": 0.62, "2": 0.08, "3": 0.04},
    "1": {"1": 0.03, "2": 0.02},
    "5": {"1": 0.04, "2": 0.03, "3": 0.02},
    "3": {"1": 0.02},
    "A": {"1": 0.03},
    "N": {"1": 0.03, "2": 0.02},
    "Y": {"1": 0.04},
}
# (authority, type code, weight), in the order above.
AUTHORITIES = tuple(
    (authority, code, weight)
    for authority, types in AUTHORITY_TYPES.items()
    for code, weight in types.items()
)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
RIC_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
RIC_CHECK = np.array(list("10X98765432"))
USCC_WEIGHTS = np.array(
    [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64
)
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
MINOR_EVERY = 100  # one person in a hundred is a minor
PREFIXES = 100  # first two digits of the sequence code; the third carries the sex


def _affine(index: np.ndarray, size: int, salt: int) -> np.ndarray:
    """A bijection of [0, size) that scatters consecutive indices across the space."""
    if int(index.max(initial=0)) >= size:
        raise ValueError(f"population too large for the identifier space ({size} numbers)")
    multiplier = (
        next(p for p in (2_147_483_647, 1_000_000_007, 998_244_353) if math.gcd(p, size) == 1)
        % size
    )
    return (index.astype(np.int64) * multiplier + salt % size) % size


def is_minor(index: np.ndarray) -> np.ndarray:
    """Which global person indices are minors (fixed rule, so chunks agree)."""
    return index % MINOR_EVERY == MINOR_EVERY // 3


def _char_codes(text: pa.Array, width: int) -> np.ndarray:
    """Fixed-width ASCII strings as an (n, width) array of byte values."""
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)
    start = text.offset
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[start : start + len(text) + 1]
    return data[offsets[0] : offsets[-1]].reshape(len(text), width).astype(np.int64)


def ric_check(body: pa.Array) -> pa.Array:
    """GB 11643 check characters of 17-digit bodies."""
    values = _char_codes(body, 17) - ord("0")
    return pa.array(RIC_CHECK[(values @ RIC_WEIGHTS) % 11])


def persons(
    index: np.ndarray, rng: np.random.Generator, *, as_of: dt.date, years: int, salt: int
) -> tuple[pa.Array, pa.Array, np.ndarray, np.ndarray]:
    """Resident identity numbers, names, birth dates (datetime64[D]) and sexes (1 = male)."""
    minor = is_minor(index)
    adult_index = index - (index + MINOR_EVERY - MINOR_EVERY // 3 - 1) // MINOR_EVERY
    minor_index = index // MINOR_EVERY
    span_start = np.datetime64(as_of, "D") - np.timedelta64(366 * years, "D")
    adult_hi = span_start - np.timedelta64(round(18.1 * 365.25), "D")
    adult_lo = adult_hi - np.timedelta64(round(52 * 365.25), "D")
    minor_hi = np.datetime64(as_of, "D") - np.timedelta64(round(14 * 365.25), "D")
    minor_lo = np.datetime64(as_of, "D") - np.timedelta64(round(17.9 * 365.25), "D")
    born = np.empty(len(index), dtype="datetime64[D]")
    code = np.empty(len(index), dtype=np.int64)
    prefix = np.empty(len(index), dtype=np.int64)
    for mask, idx, lo, hi, extra in (
        (~minor, adult_index, adult_lo, adult_hi, 0),
        (minor, minor_index, minor_lo, minor_hi, 7919),
    ):
        days = int((hi - lo).astype(int))
        size = len(REGIONS) * PREFIXES * days
        j = _affine(idx[mask], size, salt + extra)
        code[mask] = j % len(REGIONS)
        prefix[mask] = (j // len(REGIONS)) % PREFIXES
        born[mask] = lo + (j // (len(REGIONS) * PREFIXES)).astype("timedelta64[D]")
    sex = rng.integers(0, 2, len(index))
    sequence = prefix * 10 + 2 * rng.integers(0, 5, len(index)) + sex
    regions = pick(np.array(REGIONS), code)
    body = cat(regions, digits_text(yyyymmdd(born), 8), digits_text(sequence, 3))
    ids = cat(body, ric_check(body))
    given = cat(
        pick(np.array(SYLLABLES), rng.integers(0, len(SYLLABLES), len(index))),
        pick(
            np.array(["", *(s.lower() for s in SYLLABLES)]),
            rng.integers(0, len(SYLLABLES) + 1, len(index)),
        ),
    )
    names = cat(pick(np.array(SURNAMES), rng.integers(0, len(SURNAMES), len(index))), " ", given)
    return ids, names, born, sex


def organisations(
    index: np.ndarray, rng: np.random.Generator, *, salt: int
) -> tuple[pa.Array, pa.Array, np.ndarray]:
    """Unified social credit codes, names and industries (index into INDUSTRIES)."""
    n = len(index)
    weights = np.array([w for _, _, w in AUTHORITIES])
    kind = rng.choice(len(AUTHORITIES), n, p=weights / weights.sum())
    region = rng.integers(0, len(REGIONS), n)
    body = _affine(index, 10**8, salt)  # the 8-digit organisation code body: unique
    body_text = digits_text(body, 8)
    org_digits = _char_codes(body_text, 8) - ord("0")
    check = (11 - (org_digits @ ORG_WEIGHTS) % 11) % 11
    org_check = np.array(list("0123456789X"))[check]
    head = np.array([a + t for a, t, _ in AUTHORITIES])[kind]
    regions = np.array(REGIONS)[region]
    stem = cat(pa.array(head), pa.array(regions), body_text, pa.array(org_check))
    lookup = np.zeros(128, dtype=np.int64)
    for value, char in enumerate(USCC_ALPHABET):
        lookup[ord(char)] = value
    total = lookup[_char_codes(stem, 17)] @ USCC_WEIGHTS
    ids = cat(stem, pa.array(np.array(list(USCC_ALPHABET))[(-total) % 31]))
    industry = rng.integers(0, len(INDUSTRIES), n)
    city = np.array([CITIES[r[:2]] for r in REGIONS])[region]
    names = cat(
        pa.array(city),
        " ",
        pick(np.array(BRANDS), rng.integers(0, len(BRANDS), n)),
        " ",
        pick(np.array(INDUSTRIES), industry),
    )
    return ids, names, industry
