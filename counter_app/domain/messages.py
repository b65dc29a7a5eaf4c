"""English and Hindi texts for every message key the core raises or reports.

The UI shows these through Qt's translation layer; the CLI prints them directly. A test checks that
every key has both languages and that each text's {placeholders} agree."""

from __future__ import annotations

from typing import Any

# key: (English, Hindi)
MESSAGES: dict[str, tuple[str, str]] = {
    "error.unknown": ("Something went wrong.", "कुछ गड़बड़ हो गई।"),
    "error.invalid": ("The input is not valid.", "दर्ज की गई जानकारी सही नहीं है।"),
    "error.not_found": ("Not found.", "नहीं मिला।"),
    "error.state": ("This cannot be done now.", "यह अभी नहीं किया जा सकता।"),
    # --- auth ---
    "auth.failed": ("Wrong user name or PIN.", "उपयोगकर्ता नाम या पिन गलत है।"),
    "auth.locked": (
        "This user is locked after too many wrong PINs. Try again after {minutes} minutes or ask a supervisor.",
        "बहुत बार गलत पिन डालने से यह उपयोगकर्ता बंद है। {minutes} मिनट बाद प्रयास करें या सुपरवाइज़र से कहें।",
    ),
    "auth.permission_denied": ("You are not allowed to do this.", "आपको यह करने की अनुमति नहीं है।"),
    "auth.supervisor_required": (
        "A supervisor's approval is needed.",
        "सुपरवाइज़र की स्वीकृति आवश्यक है।",
    ),
    "auth.pin_too_short": (
        "The PIN must have at least {min} digits.",
        "पिन में कम से कम {min} अंक होने चाहिए।",
    ),
    "auth.user_exists": ("The user {username} already exists.", "उपयोगकर्ता {username} पहले से मौजूद है।"),
    "auth.bad_role": ("Unknown role: {role}.", "अज्ञात भूमिका: {role}।"),
    "auth.bad_username": (
        "A user name has 2 to 32 letters, digits, dots or dashes.",
        "उपयोगकर्ता नाम में 2 से 32 अक्षर, अंक, बिंदु या डैश हों।",
    ),
    # --- storage ---
    "storage.error": ("The local database cannot be used.", "स्थानीय डेटाबेस उपयोग नहीं हो सकता।"),
    "storage.damaged": (
        "The local database is damaged ({detail}). Nothing more will be written to it. Call IT: restore from the latest backup.",
        "स्थानीय डेटाबेस खराब है ({detail})। इसमें अब कुछ नहीं लिखा जाएगा। आईटी को बुलाएँ: नवीनतम बैकअप से पुनर्स्थापित करें।",
    ),
    "storage.disk_full": (
        "The disk is full: the receipt was NOT saved. Free disk space and try again.",
        "डिस्क भरी है: रसीद सहेजी नहीं गई। डिस्क में जगह खाली करके फिर प्रयास करें।",
    ),
    "storage.newer_schema": (
        "This database was made by a newer version of the counter software (schema {found}). Install that version or newer; this one understands up to {known}.",
        "यह डेटाबेस काउंटर सॉफ़्टवेयर के नए संस्करण (स्कीमा {found}) से बना है। वही या नया संस्करण स्थापित करें; यह संस्करण {known} तक समझता है।",
    ),
    "storage.locked_by_other": (
        "Another copy of the counter software is already using {path}. Close it first.",
        "काउंटर सॉफ़्टवेयर की एक और प्रति पहले से {path} का उपयोग कर रही है। पहले उसे बंद करें।",
    ),
    "storage.busy": ("The database is busy. Try again.", "डेटाबेस व्यस्त है। फिर प्रयास करें।"),
    "storage.not_initialised": (
        "This counter is not set up yet. Run 'counter-app init' first.",
        "यह काउंटर अभी सेट अप नहीं है। पहले 'counter-app init' चलाएँ।",
    ),
    # --- integrity ---
    "integrity.error": ("Stored data failed verification.", "संग्रहीत डेटा सत्यापन में विफल रहा।"),
    "integrity.chain_broken": (
        "The receipt chain is broken at sequence {seq}.",
        "रसीद श्रृंखला क्रम {seq} पर टूटी है।",
    ),
    "integrity.sequence_gap": (
        "Receipt numbers are missing: {missing}.",
        "रसीद क्रमांक गायब हैं: {missing}।",
    ),
    # --- consumers ---
    "consumer.not_found": ("No consumer with account {account}.", "खाता {account} का कोई उपभोक्ता नहीं मिला।"),
    "consumer.bad_account": (
        "An account number has 10 digits.",
        "खाता संख्या 10 अंकों की होती है।",
    ),
    "consumer.query_too_short": (
        "Type at least {min} letters to search.",
        "खोजने के लिए कम से कम {min} अक्षर लिखें।",
    ),
    "counter.bad_code": (
        "A counter code has 2 to 16 capital letters, digits or dashes, like K07.",
        "काउंटर कोड में 2 से 16 बड़े अक्षर, अंक या डैश हों, जैसे K07।",
    ),
    "counter.code_fixed": (
        "This counter already issued receipts as {code}; its code cannot change.",
        "यह काउंटर {code} के रूप में रसीदें जारी कर चुका है; इसका कोड नहीं बदल सकता।",
    ),
    "consumer.query_too_long": ("The search text is too long.", "खोज का पाठ बहुत लंबा है।"),
    "consumer.warn_paid_today": (
        "Already paid today at this counter.",
        "आज इस काउंटर पर पहले ही भुगतान हो चुका है।",
    ),
    "consumer.warn_disconnected": ("Connection is DISCONNECTED.", "कनेक्शन कटा हुआ है।"),
    "consumer.warn_closed": ("Connection is CLOSED (permanently).", "कनेक्शन स्थायी रूप से बंद है।"),
    "consumer.warn_dishonoured": (
        "A cheque from this consumer was dishonoured before.",
        "इस उपभोक्ता का एक चेक पहले अनादरित हो चुका है।",
    ),
    "integrity.outbox_missing": (
        "Receipts without a sync queue entry: {seqs}.",
        "बिना सिंक कतार प्रविष्टि की रसीदें: {seqs}।",
    ),
    "amount.tendered_short": (
        "The cash handed over is less than the amount.",
        "दी गई नकद राशि भुगतान राशि से कम है।",
    ),
    "amount.tendered_too_much": (
        "The cash handed over is more than Rs 2,000 above the amount: check it.",
        "दी गई नकद राशि भुगतान से ₹2,000 से अधिक है: जाँच करें।",
    ),
    # --- shifts ---
    "shift.none_open": ("Open a shift first.", "पहले पाली (शिफ़्ट) खोलें।"),
    "shift.already_open": ("A shift is already open.", "एक पाली पहले से खुली है।"),
    "shift.closed": ("This shift is closed; nothing can be added to it.", "यह पाली बंद है; इसमें कुछ नहीं जोड़ा जा सकता।"),
    "shift.not_found": ("Shift {shift_id} does not exist.", "पाली {shift_id} मौजूद नहीं है।"),
    # --- receipts ---
    "receipt.not_found": ("Receipt {receipt} not found.", "रसीद {receipt} नहीं मिली।"),
    "receipt.already_voided": ("Receipt {receipt} is already cancelled.", "रसीद {receipt} पहले ही रद्द है।"),
    "receipt.void_other_shift": (
        "Only receipts of the open shift can be cancelled here.",
        "यहाँ केवल खुली पाली की रसीदें रद्द हो सकती हैं।",
    ),
    "receipt.reason_required": ("Give a reason.", "कारण लिखें।"),
    "receipt.mode_invalid": ("Unknown payment mode: {mode}.", "अज्ञात भुगतान प्रकार: {mode}।"),
    "receipt.reference_required": (
        "Enter the transaction reference for {mode}.",
        "{mode} के लिए लेन-देन संदर्भ संख्या दर्ज करें।",
    ),
    "receipt.reference_invalid": (
        "The reference may have 4 to 40 letters and digits.",
        "संदर्भ में 4 से 40 अक्षर और अंक हो सकते हैं।",
    ),
    "receipt.not_cheque": ("Receipt {receipt} was not paid by cheque or DD.", "रसीद {receipt} चेक या डीडी से नहीं थी।"),
    "receipt.already_dishonoured": ("This cheque is already recorded as dishonoured.", "यह चेक पहले से अनादरित दर्ज है।"),
    "instrument.number_invalid": (
        "A cheque or DD number has 6 digits.",
        "चेक या डीडी संख्या 6 अंकों की होती है।",
    ),
    "instrument.date_invalid": ("Enter the cheque date as DD-MM-YYYY.", "चेक की तारीख DD-MM-YYYY के रूप में लिखें।"),
    "instrument.stale": (
        "The cheque is dated {date}: older than three months, it cannot be accepted.",
        "चेक {date} का है: तीन महीने से पुराना चेक स्वीकार नहीं हो सकता।",
    ),
    "instrument.post_dated": (
        "The cheque is dated {date}, in the future: post-dated cheques are not accepted.",
        "चेक {date} का है, आगे की तारीख का: आगे की तारीख के चेक स्वीकार नहीं होते।",
    ),
    "instrument.bank_required": ("Enter the bank's name.", "बैंक का नाम दर्ज करें।"),
    "instrument.ifsc_invalid": (
        "Enter a valid IFSC (like SBIN0001234) or a 9-digit MICR.",
        "सही IFSC (जैसे SBIN0001234) या 9 अंकों का MICR दर्ज करें।",
    ),
    # --- money (counter_app.domain.money) ---
    "amount.invalid": ("The amount is not valid.", "राशि सही नहीं है।"),
    "amount.empty": ("Enter an amount.", "राशि दर्ज करें।"),
    "amount.too_long": (
        "The amount is too long (more than {max} characters).",
        "राशि बहुत लंबी है ({max} से अधिक अक्षर)।",
    ),
    "amount.not_a_number": (
        "“{text}” is not an amount. Type it in digits, like 1234.50.",
        "“{text}” राशि नहीं है। अंकों में लिखें, जैसे 1234.50।",
    ),
    "amount.bad_grouping": (
        "The commas in “{text}” are in the wrong place. Write 1,23,456.50 or leave the commas out.",
        "“{text}” में कॉमा (अल्पविराम) गलत जगह पर हैं। 1,23,456.50 लिखें या कॉमा न लगाएँ।",
    ),
    "amount.too_many_decimals": (
        "“{text}” has more than two digits after the decimal point; paise have two digits.",
        "“{text}” में दशमलव के बाद दो से अधिक अंक हैं; पैसे के दो ही अंक होते हैं।",
    ),
    "amount.negative": ("The amount cannot be negative.", "राशि ऋणात्मक (माइनस) नहीं हो सकती।"),
    "amount.zero": ("The amount must be more than zero.", "राशि शून्य से अधिक होनी चाहिए।"),
    "amount.over_limit": (
        "The amount is more than the limit of {limit}.",
        "राशि {limit} की सीमा से अधिक है।",
    ),
    # --- end ---
}


def render(key: str, lang: str = "en", **params: Any) -> str:
    """The text for `key` in `lang` ("en" or "hi"), with params filled in; unknown keys fall back."""
    en, hi = MESSAGES.get(key, MESSAGES["error.unknown"])
    text = hi if lang == "hi" else en
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
