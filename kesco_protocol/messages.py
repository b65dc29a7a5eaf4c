"""English and Hindi texts of the message keys the protocol itself raises (amounts, malformed
records, export seals). The counter's own keys live in counter_app.domain.messages."""

from __future__ import annotations

# key: (English, Hindi)
MESSAGES: dict[str, tuple[str, str]] = {
    "error.unknown": ("Something went wrong.", "कुछ गड़बड़ हो गई।"),
    "error.invalid": ("The input is not valid.", "दर्ज की गई जानकारी सही नहीं है।"),
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
    "sync.seal_invalid": (
        "The export file cannot be trusted: {detail}.",
        "निर्यात फ़ाइल पर भरोसा नहीं किया जा सकता: {detail}।",
    ),
    "verify.unreadable": (
        "This is not a KESCO receipt code that can be checked: {detail}.",
        "यह जाँचने योग्य KESCO रसीद कोड नहीं है: {detail}।",
    ),
}
