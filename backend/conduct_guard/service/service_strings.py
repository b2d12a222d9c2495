"""The service's own words in the officer's languages: the status page (``GET /status``) and the
tray menu (issue 23).

The extension (``extension/_locales/*/messages.json``) and the packs are translated already; the
words here are theirs and ``docs/GLOSSARY.md``'s (policy pack: قواعد کا مجموعہ / नियम संग्रह /
বিধিমালা / નિયમસંગ્રહ; "set by your IT department"; the counters' names), so that one idea reads the
same in the popup, the options page, the status page and the tray.

Every language has every key of English, with the same ``{placeholders}``
(tests/test_service_strings.py). Placeholders are filled by :func:`t`; numbers go through
:func:`number` first, which writes them in Bengali or Gujarati digits for bn and gu as the
extension does (Urdu and Hindi use Western digits, as their government documents print them).
Keys ending in ``_one`` are the singular of the key without it (see :func:`t`'s ``count``).
"""

from __future__ import annotations

import locale
import re
from typing import Any, Iterable, Mapping

from ..categories import CATEGORIES, PLAIN_NAMES

__all__ = ["LANGS", "BASE_LANG", "NATIVE_NAMES", "STRINGS", "direction", "t", "number", "normalize_lang",
           "lang_from_accept_language", "pick_lang", "system_lang", "check_complete", "pause_label"]

LANGS: tuple[str, ...] = ("en", "ur", "hi", "bn", "gu")
BASE_LANG = "en"
RTL_LANGS = frozenset({"ur"})
# Each language's name in itself (the status page's language links).
NATIVE_NAMES = {"en": "English", "ur": "اردو", "hi": "हिन्दी", "bn": "বাংলা", "gu": "ગુજરાતી"}
_DIGITS = {"bn": "০১২৩৪৫৬৭৮৯", "gu": "૦૧૨૩૪૫૬૭૮૯"}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        # status page
        "page_title": "Conduct Guard status",
        "state_running": "running",
        "state_paused": "paused",
        "intro_running": "Service {version}.",
        "intro_paused": "Service {version}, paused until {until}.",
        "counts_only": "This page shows counts only; it never shows the text of any post.",
        "counts_hidden": "Today's counts are shown only when this page is opened from the tray icon ({open}) "
                         "or with {command}.",
        "language": "Language",
        "h_service": "Service and model",
        "model": "Model",
        "pack": "Policy pack",
        "pausing": "Pausing",
        "pause_allowed": "allowed",
        "pause_off": "turned off by IT",
        "machine_policy": "Machine policy",
        "not_present": "(not present)",
        "log_file": "Log file",
        "h_locked": "Locked settings",
        "col_setting": "Setting",
        "col_value": "Value",
        "col_set_by": "Set by",
        "no_locked": "No setting is locked by a machine policy.",
        "h_today": "Today ({date})",
        "checks": "Checks",
        "warnings": "Warnings shown",
        "edits": "Edited after a warning",
        "overrides": "Posted anyway (overrides)",
        "not_a_problem": 'Marked "not a problem"',
        "verdicts": "Verdicts ok / warn / block",
        "ignored": "Ignored for a post",
        "opted_out": "Boxes taken out of checking",
        "h_categories": "By category (today)",
        "col_category": "Category",
        "col_flagged": "flagged",
        "col_moderated": "others' messages marked",
        "h_moderation": "Moderation assist: other people's messages in groups and pages you administer (today)",
        "mod_checked": "Messages checked",
        "mod_flagged": "Marked for an admin to act on",
        "col_warning_shown": "warnings",
        "col_edited": "edited",
        "col_override": "overrides",
        "col_not_a_problem": "not a problem",
        "col_ignored": "ignored",
        "col_opted_out": "boxes unchecked",
        "h_settings": "All settings",
        "col_source": "Source",
        "source_locked": "locked",
        "source_user": "user / default",
        "yes": "yes",
        "no": "no",
        "org_terms": "{n} terms",
        "org_terms_one": "{n} term",
        # tray
        "tray_checking": "Conduct Guard: checking (pack {pack})",
        "tray_paused": "Conduct Guard: paused until {time}",
        "tray_error": "Conduct Guard: not working (see below)",
        "tray_starting": "Conduct Guard: starting",
        "pause_minutes": "Pause for {n} minutes",
        "pause_hour": "Pause for 1 hour",
        "resume": "Resume",
        "pack_locked": "Policy pack: {pack} (set by IT)",
        "no_packs": "(no packs)",
        "open_status": "Open status page",
        "open_logs": "Open log folder",
        "quit": "Quit",
        "retry": "Retry",
        "log_line": "Log: {path}",
        "log_none": "Log: (none)",
        "notify_title": "Conduct Guard is not working",
        "err_port_in_use": "Port {port} is already in use by another program (perhaps another copy of "
                           "Conduct Guard). Close it, then choose Retry.",
        "err_port_denied": "Conduct Guard is not allowed to listen on port {port}.",
        "err_model": "The checking model is missing or damaged: {detail}. Reinstall Conduct Guard.",
        "err_policy": "The machine policy set by IT is not valid: {detail}",
        "err_start": "The checking service could not start: {detail}",
    },
    "ur": {
        "page_title": "Conduct Guard کی صورتِ حال",
        "state_running": "چل رہی ہے",
        "state_paused": "جانچ رکی ہوئی ہے",
        "intro_running": "سروس {version}۔",
        "intro_paused": "سروس {version}، جانچ {until} تک رکی ہوئی ہے۔",
        "counts_only": "یہ صفحہ صرف گنتیاں دکھاتا ہے؛ کسی پوسٹ کا متن کبھی نہیں دکھاتا۔",
        "counts_hidden": "آج کی گنتیاں صرف تب دکھائی جاتی ہیں جب یہ صفحہ ٹرے آئیکن ({open}) سے یا {command} سے کھولا جائے۔",
        "language": "زبان",
        "h_service": "سروس اور ماڈل",
        "model": "ماڈل",
        "pack": "قواعد کا مجموعہ",
        "pausing": "جانچ روکنا",
        "pause_allowed": "اجازت ہے",
        "pause_off": "آئی ٹی شعبے نے بند کر دیا ہے",
        "machine_policy": "آئی ٹی شعبے کی پالیسی فائل",
        "not_present": "(موجود نہیں)",
        "log_file": "لاگ فائل",
        "h_locked": "آئی ٹی شعبے کی طے کردہ سیٹنگز",
        "col_setting": "سیٹنگ",
        "col_value": "قدر",
        "col_set_by": "کہاں طے کی گئی",
        "no_locked": "آئی ٹی شعبے کی پالیسی نے کوئی سیٹنگ طے نہیں کی۔",
        "h_today": "آج ({date})",
        "checks": "جانچیں",
        "warnings": "دکھائے گئے انتباہ",
        "edits": "انتباہ کے بعد ترمیم شدہ پوسٹس",
        "overrides": "پھر بھی پوسٹ کی گئیں",
        "not_a_problem": "جنہیں “یہ مسئلہ نہیں ہے” قرار دیا گیا",
        "verdicts": "نتائج: ٹھیک / انتباہ / اجازت نہیں",
        "ignored": "کسی پوسٹ کے لیے نظر انداز کی گئی نشاندہیاں",
        "opted_out": "جانچ سے نکالے گئے خانے",
        "h_categories": "زمرے کے لحاظ سے (آج)",
        "col_category": "زمرہ",
        "col_flagged": "نشاندہیاں",
        "col_moderated": "دوسروں کے نشان زد پیغامات",
        "h_moderation": "موڈریشن مدد: آپ کے زیرِ انتظام گروپوں اور صفحات میں دوسروں کے پیغامات (آج)",
        "mod_checked": "جانچے گئے پیغامات",
        "mod_flagged": "ایڈمن کی کارروائی کے لیے نشان زد",
        "col_warning_shown": "انتباہ",
        "col_edited": "ترمیم شدہ",
        "col_override": "پھر بھی پوسٹ",
        "col_not_a_problem": "یہ مسئلہ نہیں ہے",
        "col_ignored": "نظر انداز",
        "col_opted_out": "جانچ سے نکالے گئے خانے",
        "h_settings": "تمام سیٹنگز",
        "col_source": "ماخذ",
        "source_locked": "آپ کے آئی ٹی شعبے کی طے کردہ",
        "source_user": "آپ کی سیٹنگ یا پہلے سے طے شدہ",
        "yes": "ہاں",
        "no": "نہیں",
        "org_terms": "{n} اصطلاحات",
        "org_terms_one": "{n} اصطلاح",
        "tray_checking": "Conduct Guard: جانچ جاری ہے (قواعد کا مجموعہ: {pack})",
        "tray_paused": "Conduct Guard: جانچ {time} تک رکی ہوئی ہے",
        "tray_error": "Conduct Guard: کام نہیں کر رہا (نیچے دیکھیں)",
        "tray_starting": "Conduct Guard: شروع ہو رہا ہے",
        "pause_minutes": "{n} منٹ کے لیے جانچ روکیں",
        "pause_hour": "ایک گھنٹے کے لیے جانچ روکیں",
        "resume": "جانچ دوبارہ شروع کریں",
        "pack_locked": "قواعد کا مجموعہ: {pack} (آئی ٹی شعبے کا طے کردہ)",
        "no_packs": "(کوئی مجموعہ نہیں)",
        "open_status": "صورتِ حال کا صفحہ کھولیں",
        "open_logs": "لاگ فولڈر کھولیں",
        "quit": "بند کریں",
        "retry": "دوبارہ کوشش کریں",
        "log_line": "لاگ: {path}",
        "log_none": "لاگ: (کوئی نہیں)",
        "notify_title": "Conduct Guard کام نہیں کر رہا",
        "err_port_in_use": "پورٹ {port} پہلے ہی کوئی اور پروگرام استعمال کر رہا ہے (شاید Conduct Guard کی "
                           "ایک اور کاپی)۔ اسے بند کریں، پھر “دوبارہ کوشش کریں” چنیں۔",
        "err_port_denied": "Conduct Guard کو پورٹ {port} استعمال کرنے کی اجازت نہیں۔",
        "err_model": "جانچ کا ماڈل موجود نہیں یا خراب ہے: {detail}۔ Conduct Guard دوبارہ انسٹال کریں۔",
        "err_policy": "آئی ٹی شعبے کی پالیسی فائل درست نہیں: {detail}",
        "err_start": "جانچ کی سروس شروع نہیں ہو سکی: {detail}",
    },
    "hi": {
        "page_title": "Conduct Guard की स्थिति",
        "state_running": "चल रही है",
        "state_paused": "जाँच रुकी हुई है",
        "intro_running": "सेवा {version}।",
        "intro_paused": "सेवा {version}, जाँच {until} तक रुकी हुई है।",
        "counts_only": "यह पेज केवल गिनती दिखाता है; किसी भी पोस्ट का पाठ कभी नहीं दिखाता।",
        "counts_hidden": "आज की गिनती तभी दिखाई जाती है जब यह पेज ट्रे आइकन ({open}) से या {command} से खोला जाए।",
        "language": "भाषा",
        "h_service": "सेवा और मॉडल",
        "model": "मॉडल",
        "pack": "नियम संग्रह",
        "pausing": "जाँच रोकना",
        "pause_allowed": "अनुमति है",
        "pause_off": "आईटी विभाग ने बंद किया है",
        "machine_policy": "आईटी विभाग की नीति फ़ाइल",
        "not_present": "(मौजूद नहीं)",
        "log_file": "लॉग फ़ाइल",
        "h_locked": "आईटी विभाग द्वारा तय सेटिंग",
        "col_setting": "सेटिंग",
        "col_value": "मान",
        "col_set_by": "कहाँ तय की गई",
        "no_locked": "आईटी विभाग की नीति ने कोई सेटिंग तय नहीं की है।",
        "h_today": "आज ({date})",
        "checks": "जाँचें",
        "warnings": "दिखाई गई चेतावनियाँ",
        "edits": "चेतावनी के बाद बदली गई पोस्ट",
        "overrides": "फिर भी पोस्ट की गईं",
        "not_a_problem": "“यह समस्या नहीं है” चिह्नित",
        "verdicts": "परिणाम: ठीक / चेतावनी / अनुमति नहीं",
        "ignored": "किसी पोस्ट के लिए अनदेखी की गई आपत्तियाँ",
        "opted_out": "जाँच से हटाए गए बॉक्स",
        "h_categories": "श्रेणी के अनुसार (आज)",
        "col_category": "श्रेणी",
        "col_flagged": "आपत्तियाँ",
        "col_moderated": "दूसरों के चिह्नित संदेश",
        "h_moderation": "मॉडरेशन सहायता: आपके प्रबंधित समूहों और पेजों में दूसरों के संदेश (आज)",
        "mod_checked": "जाँचे गए संदेश",
        "mod_flagged": "एडमिन की कार्रवाई के लिए चिह्नित",
        "col_warning_shown": "चेतावनियाँ",
        "col_edited": "बदली गईं",
        "col_override": "फिर भी पोस्ट",
        "col_not_a_problem": "यह समस्या नहीं है",
        "col_ignored": "अनदेखी",
        "col_opted_out": "जाँच से हटाए गए बॉक्स",
        "h_settings": "सभी सेटिंग",
        "col_source": "स्रोत",
        "source_locked": "आपके आईटी विभाग द्वारा तय",
        "source_user": "आपकी सेटिंग या पहले से तय",
        "yes": "हाँ",
        "no": "नहीं",
        "org_terms": "{n} शब्द",
        "org_terms_one": "{n} शब्द",
        "tray_checking": "Conduct Guard: जाँच हो रही है (नियम संग्रह: {pack})",
        "tray_paused": "Conduct Guard: जाँच {time} तक रुकी हुई है",
        "tray_error": "Conduct Guard: काम नहीं कर रहा (नीचे देखें)",
        "tray_starting": "Conduct Guard: शुरू हो रहा है",
        "pause_minutes": "{n} मिनट के लिए जाँच रोकें",
        "pause_hour": "एक घंटे के लिए जाँच रोकें",
        "resume": "जाँच फिर से शुरू करें",
        "pack_locked": "नियम संग्रह: {pack} (आईटी विभाग द्वारा तय)",
        "no_packs": "(कोई नियम संग्रह नहीं)",
        "open_status": "स्थिति पेज खोलें",
        "open_logs": "लॉग फ़ोल्डर खोलें",
        "quit": "बंद करें",
        "retry": "फिर से कोशिश करें",
        "log_line": "लॉग: {path}",
        "log_none": "लॉग: (कोई नहीं)",
        "notify_title": "Conduct Guard काम नहीं कर रहा",
        "err_port_in_use": "पोर्ट {port} पहले से किसी दूसरे प्रोग्राम के उपयोग में है (शायद Conduct Guard "
                           "की दूसरी कॉपी)। उसे बंद करें, फिर “फिर से कोशिश करें” चुनें।",
        "err_port_denied": "Conduct Guard को पोर्ट {port} इस्तेमाल करने की अनुमति नहीं है।",
        "err_model": "जाँच का मॉडल मौजूद नहीं है या खराब है: {detail}। Conduct Guard फिर से इंस्टॉल करें।",
        "err_policy": "आईटी विभाग की नीति फ़ाइल सही नहीं है: {detail}",
        "err_start": "जाँच सेवा शुरू नहीं हो सकी: {detail}",
    },
    "bn": {
        "page_title": "Conduct Guard-এর অবস্থা",
        "state_running": "চালু আছে",
        "state_paused": "যাচাই বন্ধ",
        "intro_running": "সার্ভিস {version}।",
        "intro_paused": "সার্ভিস {version}, {until} পর্যন্ত যাচাই বন্ধ।",
        "counts_only": "এই পেজে শুধু গণনা দেখানো হয়; কোনো পোস্টের লেখা কখনো দেখানো হয় না।",
        "counts_hidden": "আজকের গণনা তখনই দেখানো হয় যখন এই পেজ ট্রে আইকন ({open}) থেকে বা {command} দিয়ে খোলা হয়।",
        "language": "ভাষা",
        "h_service": "সার্ভিস ও মডেল",
        "model": "মডেল",
        "pack": "বিধিমালা",
        "pausing": "যাচাই বন্ধ রাখা",
        "pause_allowed": "অনুমতি আছে",
        "pause_off": "আইটি বিভাগ বন্ধ করেছে",
        "machine_policy": "আইটি বিভাগের নীতি ফাইল",
        "not_present": "(নেই)",
        "log_file": "লগ ফাইল",
        "h_locked": "আইটি বিভাগের নির্ধারিত সেটিংস",
        "col_setting": "সেটিং",
        "col_value": "মান",
        "col_set_by": "কোথায় নির্ধারিত",
        "no_locked": "আইটি বিভাগের নীতি কোনো সেটিং নির্ধারণ করেনি।",
        "h_today": "আজ ({date})",
        "checks": "যাচাই",
        "warnings": "দেখানো সতর্কতা",
        "edits": "সতর্কতার পর সম্পাদিত পোস্ট",
        "overrides": "তবুও পোস্ট করা হয়েছে",
        "not_a_problem": "“এটি সমস্যা নয়” হিসেবে চিহ্নিত",
        "verdicts": "ফলাফল: ঠিক আছে / সতর্কতা / অনুমতি নেই",
        "ignored": "কোনো পোস্টের জন্য উপেক্ষা করা আপত্তি",
        "opted_out": "যাচাই থেকে বাদ দেওয়া বক্স",
        "h_categories": "শ্রেণি অনুযায়ী (আজ)",
        "col_category": "শ্রেণি",
        "col_flagged": "আপত্তি",
        "col_moderated": "অন্যদের চিহ্নিত বার্তা",
        "h_moderation": "মডারেশন সহায়তা: আপনার পরিচালিত গ্রুপ ও পেজে অন্যদের বার্তা (আজ)",
        "mod_checked": "যাচাই করা বার্তা",
        "mod_flagged": "অ্যাডমিনের ব্যবস্থার জন্য চিহ্নিত",
        "col_warning_shown": "সতর্কতা",
        "col_edited": "সম্পাদিত",
        "col_override": "তবুও পোস্ট",
        "col_not_a_problem": "এটি সমস্যা নয়",
        "col_ignored": "উপেক্ষিত",
        "col_opted_out": "যাচাই থেকে বাদ দেওয়া বক্স",
        "h_settings": "সব সেটিংস",
        "col_source": "উৎস",
        "source_locked": "আপনার আইটি বিভাগ নির্ধারণ করেছে",
        "source_user": "আপনার সেটিং বা পূর্বনির্ধারিত",
        "yes": "হ্যাঁ",
        "no": "না",
        "org_terms": "{n}টি শব্দ",
        "org_terms_one": "{n}টি শব্দ",
        "tray_checking": "Conduct Guard: যাচাই চলছে (বিধিমালা: {pack})",
        "tray_paused": "Conduct Guard: {time} পর্যন্ত যাচাই বন্ধ",
        "tray_error": "Conduct Guard: কাজ করছে না (নিচে দেখুন)",
        "tray_starting": "Conduct Guard: চালু হচ্ছে",
        "pause_minutes": "{n} মিনিটের জন্য যাচাই বন্ধ রাখুন",
        "pause_hour": "এক ঘণ্টার জন্য যাচাই বন্ধ রাখুন",
        "resume": "আবার যাচাই শুরু করুন",
        "pack_locked": "বিধিমালা: {pack} (আইটি বিভাগ নির্ধারণ করেছে)",
        "no_packs": "(কোনো বিধিমালা নেই)",
        "open_status": "অবস্থার পেজ খুলুন",
        "open_logs": "লগ ফোল্ডার খুলুন",
        "quit": "বন্ধ করুন",
        "retry": "আবার চেষ্টা করুন",
        "log_line": "লগ: {path}",
        "log_none": "লগ: (নেই)",
        "notify_title": "Conduct Guard কাজ করছে না",
        "err_port_in_use": "পোর্ট {port} আগে থেকেই অন্য একটি প্রোগ্রাম ব্যবহার করছে (হয়তো Conduct Guard-এর "
                           "আরেকটি কপি)। সেটি বন্ধ করে “আবার চেষ্টা করুন” বেছে নিন।",
        "err_port_denied": "Conduct Guard-কে পোর্ট {port} ব্যবহারের অনুমতি দেওয়া হয়নি।",
        "err_model": "যাচাইয়ের মডেলটি নেই বা নষ্ট হয়ে গেছে: {detail}। Conduct Guard আবার ইনস্টল করুন।",
        "err_policy": "আইটি বিভাগের নীতি ফাইলটি সঠিক নয়: {detail}",
        "err_start": "যাচাইয়ের সার্ভিস চালু করা যায়নি: {detail}",
    },
    "gu": {
        "page_title": "Conduct Guardની સ્થિતિ",
        "state_running": "ચાલુ છે",
        "state_paused": "ચકાસણી થોભાવેલી છે",
        "intro_running": "સેવા {version}.",
        "intro_paused": "સેવા {version}, {until} સુધી ચકાસણી થોભાવેલી છે.",
        "counts_only": "આ પેજ ફક્ત ગણતરી બતાવે છે; કોઈ પણ પોસ્ટનું લખાણ ક્યારેય બતાવતું નથી.",
        "counts_hidden": "આજની ગણતરી ત્યારે જ બતાવાય છે જ્યારે આ પેજ ટ્રે આઇકન ({open}) પરથી અથવા {command} વડે ખોલવામાં આવે.",
        "language": "ભાષા",
        "h_service": "સેવા અને મૉડલ",
        "model": "મૉડલ",
        "pack": "નિયમસંગ્રહ",
        "pausing": "ચકાસણી થોભાવવી",
        "pause_allowed": "મંજૂરી છે",
        "pause_off": "IT વિભાગે બંધ કર્યું છે",
        "machine_policy": "IT વિભાગની નીતિ ફાઇલ",
        "not_present": "(હાજર નથી)",
        "log_file": "લૉગ ફાઇલ",
        "h_locked": "IT વિભાગે નક્કી કરેલાં સેટિંગ્સ",
        "col_setting": "સેટિંગ",
        "col_value": "મૂલ્ય",
        "col_set_by": "ક્યાં નક્કી કર્યું",
        "no_locked": "IT વિભાગની નીતિએ કોઈ સેટિંગ નક્કી કર્યું નથી.",
        "h_today": "આજે ({date})",
        "checks": "ચકાસણીઓ",
        "warnings": "બતાવેલી ચેતવણીઓ",
        "edits": "ચેતવણી પછી ફેરફાર કરેલી પોસ્ટ",
        "overrides": "છતાં પોસ્ટ કરી",
        "not_a_problem": "“આ સમસ્યા નથી” તરીકે ચિહ્નિત",
        "verdicts": "પરિણામ: બરાબર / ચેતવણી / મંજૂરી નથી",
        "ignored": "કોઈ પોસ્ટ માટે અવગણેલા વાંધા",
        "opted_out": "ચકાસણીમાંથી કાઢેલાં બૉક્સ",
        "h_categories": "શ્રેણી મુજબ (આજે)",
        "col_category": "શ્રેણી",
        "col_flagged": "વાંધા",
        "col_moderated": "બીજાના ચિહ્નિત સંદેશા",
        "h_moderation": "મોડરેશન સહાય: તમે સંચાલિત કરો છો તે જૂથો અને પેજમાં બીજાના સંદેશા (આજે)",
        "mod_checked": "તપાસેલા સંદેશા",
        "mod_flagged": "એડમિનનાં પગલાં માટે ચિહ્નિત",
        "col_warning_shown": "ચેતવણીઓ",
        "col_edited": "ફેરફાર કર્યો",
        "col_override": "છતાં પોસ્ટ",
        "col_not_a_problem": "આ સમસ્યા નથી",
        "col_ignored": "અવગણેલા",
        "col_opted_out": "ચકાસણીમાંથી કાઢેલાં બૉક્સ",
        "h_settings": "બધાં સેટિંગ્સ",
        "col_source": "સ્રોત",
        "source_locked": "તમારા IT વિભાગે નક્કી કરેલું",
        "source_user": "તમારું સેટિંગ અથવા પહેલેથી નક્કી",
        "yes": "હા",
        "no": "ના",
        "org_terms": "{n} શબ્દો",
        "org_terms_one": "{n} શબ્દ",
        "tray_checking": "Conduct Guard: ચકાસણી ચાલુ છે (નિયમસંગ્રહ: {pack})",
        "tray_paused": "Conduct Guard: {time} સુધી ચકાસણી થોભાવેલી છે",
        "tray_error": "Conduct Guard: કામ કરતું નથી (નીચે જુઓ)",
        "tray_starting": "Conduct Guard: શરૂ થઈ રહ્યું છે",
        "pause_minutes": "{n} મિનિટ માટે ચકાસણી થોભાવો",
        "pause_hour": "એક કલાક માટે ચકાસણી થોભાવો",
        "resume": "ચકાસણી ફરી શરૂ કરો",
        "pack_locked": "નિયમસંગ્રહ: {pack} (IT વિભાગે નક્કી કરેલો)",
        "no_packs": "(કોઈ નિયમસંગ્રહ નથી)",
        "open_status": "સ્થિતિનું પેજ ખોલો",
        "open_logs": "લૉગ ફોલ્ડર ખોલો",
        "quit": "બંધ કરો",
        "retry": "ફરી પ્રયાસ કરો",
        "log_line": "લૉગ: {path}",
        "log_none": "લૉગ: (નથી)",
        "notify_title": "Conduct Guard કામ કરતું નથી",
        "err_port_in_use": "પોર્ટ {port} પહેલેથી બીજો પ્રોગ્રામ વાપરે છે (કદાચ Conduct Guardની બીજી નકલ). "
                           "તેને બંધ કરો, પછી “ફરી પ્રયાસ કરો” પસંદ કરો.",
        "err_port_denied": "Conduct Guardને પોર્ટ {port} વાપરવાની મંજૂરી નથી.",
        "err_model": "ચકાસણીનું મૉડલ નથી અથવા બગડેલું છે: {detail}. Conduct Guard ફરી ઇન્સ્ટોલ કરો.",
        "err_policy": "IT વિભાગની નીતિ ફાઇલ માન્ય નથી: {detail}",
        "err_start": "ચકાસણી સેવા શરૂ થઈ શકી નહીં: {detail}",
    },
}

# The category names: English is categories.PLAIN_NAMES (their one home); the others are the
# extension's (extension/_locales/<lang>/messages.json, category_<id>), in the glossary's terms.
_CATEGORY_NAMES = {
    "ur": {
        "official_information": "سرکاری معلومات",
        "political_opinion": "سیاسی رائے",
        "criticism_of_government": "حکومت پر تنقید",
        "misinformation": "غیر مصدقہ یا گمراہ کن دعویٰ",
        "hate_speech": "نفرت انگیز مواد",
        "national_security": "قومی سلامتی",
        "incitement_defamation": "اشتعال انگیزی یا ہتکِ عزت",
        "privacy": "دوسروں کی ذاتی معلومات",
        "self_promotion": "ذاتی تشہیر یا کاروبار",
    },
    "hi": {
        "official_information": "सरकारी सूचना",
        "political_opinion": "राजनीतिक राय",
        "criticism_of_government": "सरकार की आलोचना",
        "misinformation": "असत्यापित या भ्रामक दावा",
        "hate_speech": "घृणा फैलाने वाली सामग्री",
        "national_security": "राष्ट्रीय सुरक्षा",
        "incitement_defamation": "उकसावा या मानहानि",
        "privacy": "दूसरों की व्यक्तिगत जानकारी",
        "self_promotion": "आत्म-प्रचार या व्यवसाय",
    },
    "bn": {
        "official_information": "সরকারি তথ্য",
        "political_opinion": "রাজনৈতিক মতামত",
        "criticism_of_government": "সরকারের সমালোচনা",
        "misinformation": "যাচাই না করা বা বিভ্রান্তিকর দাবি",
        "hate_speech": "বিদ্বেষমূলক বক্তব্য",
        "national_security": "জাতীয় নিরাপত্তা",
        "incitement_defamation": "উসকানি বা মানহানি",
        "privacy": "অন্যের ব্যক্তিগত তথ্য",
        "self_promotion": "আত্মপ্রচার বা ব্যবসা",
    },
    "gu": {
        "official_information": "સરકારી માહિતી",
        "political_opinion": "રાજકીય અભિપ્રાય",
        "criticism_of_government": "સરકારની ટીકા",
        "misinformation": "ચકાસ્યા વગરનો કે ગેરમાર્ગે દોરતો દાવો",
        "hate_speech": "નફરત ફેલાવતી સામગ્રી",
        "national_security": "રાષ્ટ્રીય સુરક્ષા",
        "incitement_defamation": "ઉશ્કેરણી કે બદનક્ષી",
        "privacy": "બીજાની અંગત માહિતી",
        "self_promotion": "સ્વપ્રચાર કે વ્યવસાય",
    },
}
STRINGS["en"].update({f"cat_{c}": PLAIN_NAMES[c] for c in CATEGORIES})
for _lang, _names in _CATEGORY_NAMES.items():
    STRINGS[_lang].update({f"cat_{c}": name for c, name in _names.items()})

# The status page's Quit button and the page it leaves (status_controls.py); its pause and
# resume buttons use the tray's words (pause_minutes, pause_hour, resume).
_CONTROL_WORDS = {
    "en": {"quit_service": "Quit Conduct Guard",
           "stopped": "Conduct Guard has stopped: posts are not checked until it starts again (at your "
                      "next sign-in, or with {command})."},
    "ur": {"quit_service": "Conduct Guard بند کریں",
           "stopped": "Conduct Guard بند ہو گیا ہے: دوبارہ شروع ہونے تک پوسٹس کی جانچ نہیں ہو گی (اگلی بار "
                      "سائن اِن پر، یا {command} سے)۔"},
    "hi": {"quit_service": "Conduct Guard बंद करें",
           "stopped": "Conduct Guard बंद हो गया है: फिर से शुरू होने तक पोस्ट की जाँच नहीं होगी (अगली बार "
                      "साइन इन करने पर, या {command} से)।"},
    "bn": {"quit_service": "Conduct Guard বন্ধ করুন",
           "stopped": "Conduct Guard বন্ধ হয়েছে: আবার চালু না হওয়া পর্যন্ত পোস্ট যাচাই হবে না (পরের বার "
                      "সাইন ইন করলে, অথবা {command} দিয়ে)।"},
    "gu": {"quit_service": "Conduct Guard બંધ કરો",
           "stopped": "Conduct Guard બંધ થયું છે: ફરી શરૂ ન થાય ત્યાં સુધી પોસ્ટની ચકાસણી નહીં થાય (આગલી વાર "
                      "સાઇન ઇન કરો ત્યારે, અથવા {command} વડે)."},
}
for _lang, _words in _CONTROL_WORDS.items():
    STRINGS[_lang].update(_words)


def direction(lang: str) -> str:
    """``rtl`` for Urdu, ``ltr`` otherwise (the ``dir`` of the page)."""
    return "rtl" if lang in RTL_LANGS else "ltr"


def number(value: Any, lang: str) -> str:
    """A number (or a date or time made of digits) in the language's digits: Bengali digits for
    bn, Gujarati for gu (as the extension and the packs write them), Western otherwise."""
    s = str(value)
    digits = _DIGITS.get(lang)
    return s.translate(str.maketrans("0123456789", digits)) if digits else s


def t(lang: str, key: str, count: int | None = None, **values: Any) -> str:
    """The text of ``key`` in ``lang`` (English where the language or the key is unknown), its
    ``{placeholders}`` filled with ``values``. With ``count``, the ``_one`` form is taken for 1 and
    ``{n}`` is the count in the language's digits."""
    table = STRINGS.get(lang) or STRINGS[BASE_LANG]
    if count is not None:
        values["n"] = number(count, lang)
        if count == 1 and f"{key}_one" in table:
            key = f"{key}_one"
    text = table.get(key)
    if text is None:
        text = STRINGS[BASE_LANG][key]
    return text.format(**values) if values else text


def pause_label(minutes: int, lang: str = BASE_LANG) -> str:
    """The words for pausing ``minutes`` (the tray's menu item, the status page's button)."""
    return t(lang, "pause_hour") if minutes == 60 else t(lang, "pause_minutes", count=minutes)


def normalize_lang(value: Any) -> str | None:
    """One of LANGS from a tag such as ``ur``, ``ur-PK``, ``bn_BD.UTF-8`` or ``Gujarati_India``
    (a Windows locale name); None when it is none of them."""
    if not isinstance(value, str) or not value.strip():
        return None
    tag = value.strip().lower().replace("_", "-").split(".")[0]
    primary = tag.split("-")[0]
    if primary in LANGS:
        return primary
    by_name = {"english": "en", "urdu": "ur", "hindi": "hi", "bangla": "bn", "bengali": "bn", "gujarati": "gu"}
    return by_name.get(primary)


_QUALITY = re.compile(r"^\s*q\s*=\s*([0-9.]+)\s*$", re.IGNORECASE)


def lang_from_accept_language(header: str | None) -> str | None:
    """The first of LANGS an ``Accept-Language`` header asks for, by its q values; None if none."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, *params = part.split(";")
        q = 1.0
        for p in params:
            m = _QUALITY.match(p)
            if m:
                try:
                    q = float(m.group(1))
                except ValueError:
                    q = 0.0
        lang = normalize_lang(tag)
        if lang and q > 0:
            ranked.append((-q, index, lang))
    return min(ranked)[2] if ranked else None


def pick_lang(candidates: Iterable[Any]) -> str:
    """The first candidate that is (or names) one of LANGS, else English."""
    for c in candidates:
        lang = normalize_lang(c)
        if lang:
            return lang
    return BASE_LANG


def system_lang(getlocale=locale.getlocale) -> str | None:
    """The system locale's language where it is one of LANGS (``ur_PK`` -> ``ur``), else None."""
    try:
        name = getlocale()[0]
    except (ValueError, TypeError, IndexError):
        name = None
    return normalize_lang(name)


def check_complete(strings: Mapping[str, Mapping[str, str]] = STRINGS) -> list[str]:
    """What is missing or inconsistent (for the tests): a key English has that a language lacks, a
    key only a language has, placeholders that differ from English's."""
    out = []
    fields = re.compile(r"\{(\w*)\}")
    en = strings[BASE_LANG]
    for lang in LANGS:
        table = strings.get(lang, {})
        for key in sorted(set(en) - set(table)):
            out.append(f"{lang}: missing {key}")
        for key in sorted(set(table) - set(en)):
            out.append(f"{lang}: unknown key {key}")
        for key in sorted(set(en) & set(table)):
            if not table[key].strip():
                out.append(f"{lang}: {key} is empty")
            if set(fields.findall(table[key])) != set(fields.findall(en[key])):
                out.append(f"{lang}: {key} placeholders differ from English")
    return out
