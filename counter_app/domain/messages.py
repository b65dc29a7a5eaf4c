"""English and Hindi texts for every message key the core raises or reports.

The UI shows these through Qt's translation layer; the CLI prints them directly. A test checks that
every key has both languages and that each text's {placeholders} agree."""

from __future__ import annotations

from counter_app.domain.messages_mirror import MIRROR_MESSAGES
from kesco_protocol.errors import add_messages, render
from kesco_protocol.messages import MESSAGES as PROTOCOL_MESSAGES

__all__ = ["MESSAGES", "render"]

# key: (English, Hindi); the protocol's keys (amounts, malformed records, seals) come from it.
MESSAGES: dict[str, tuple[str, str]] = {
    **PROTOCOL_MESSAGES,
    **MIRROR_MESSAGES,
    # What the window says for a failure the core did not foresee (the details go to the log).
    "error.unexpected": (
        "Something went wrong and nothing was changed. Try again; if it happens again, call IT.",
        "कुछ गड़बड़ हो गई, कुछ भी नहीं बदला गया। दोबारा प्रयास करें; फिर भी हो तो IT को बुलाएँ।",
    ),
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
    "storage.disk_full_write": (
        "The disk is full: this change was NOT saved (what was saved before is safe). Free disk space and try again.",
        "डिस्क भरी है: यह बदलाव सहेजा नहीं गया (पहले सहेजा गया सब सुरक्षित है)। डिस्क में जगह खाली करके फिर प्रयास करें।",
    ),
    "cli.unexpected": (
        "counter-app {command} failed: {error}. Details are in the log: {log}",
        "counter-app {command} विफल: {error}। विवरण लॉग में है: {log}",
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
    "counter.behind_server": (
        "This counter's database is behind: receipts up to number {known} were already issued here, but this database has only {local}. Receipt numbers would repeat, so no receipt can be issued. Call IT: restore the latest backup, or enrol this PC as a new counter.",
        "इस काउंटर का डेटाबेस पीछे है: यहाँ क्रमांक {known} तक की रसीदें पहले ही जारी हो चुकी हैं, पर इस डेटाबेस में केवल {local} तक हैं। रसीद क्रमांक दोहराए जाते, इसलिए रसीद जारी नहीं हो सकती। आईटी को बुलाएँ: नवीनतम बैकअप पुनर्स्थापित करें, या इस पीसी को नए काउंटर के रूप में जोड़ें।",
    ),
    "consumer.query_too_long": ("The search text is too long.", "खोज का पाठ बहुत लंबा है।"),
    "consumer.warn_paid_today": (
        "Already paid today at this counter.",
        "आज इस काउंटर पर पहले ही भुगतान हो चुका है।",
    ),
    "payment.recent_receipt": (
        "This account was paid {amount} at {time}, receipt {receipt} (within {hours} hours). A second payment needs a confirmation.",
        "इस खाते का {time} पर {amount} का भुगतान हो चुका है, रसीद {receipt} ({hours} घंटे के भीतर)। दूसरे भुगतान के लिए पुष्टि आवश्यक है।",
    ),
    "payment.recent_elsewhere": (
        "This account was paid {amount} on {date} (another counter or online, within {hours} hours). A second payment needs a confirmation.",
        "इस खाते का {date} को {amount} का भुगतान हो चुका है (किसी अन्य काउंटर या ऑनलाइन, {hours} घंटे के भीतर)। दूसरे भुगतान के लिए पुष्टि आवश्यक है।",
    ),
    "payment.far_above_due": (
        "{amount} is far above the amount due of {due}. Check the amount typed.",
        "{amount} देय राशि {due} से बहुत अधिक है। लिखी गई राशि जाँचें।",
    ),
    "payment.cash_to_take": (
        "Cash to take: {cash} (rounded to the rupee, round-off {round_off})",
        "लेनी है नकद: {cash} (रुपये तक पूर्णांकित, पूर्णांकन {round_off})",
    ),
    "payment.confirm": (
        "&Yes, take this payment (Alt+Y)",
        "हाँ, यह भुगतान लें (&Y / Alt+Y)",
    ),
    "group.line_check": ("Account {account}:", "खाता {account}:"),
    "payment.confirm_needed": (
        "Tick \"Yes, take this payment\" (Alt+Y) first, or change the amount.",
        "पहले \"हाँ, यह भुगतान लें\" (Alt+Y) चुनें, या राशि बदलें।",
    ),
    "config.bad_cash_rounding": (
        "cash_rounding must be \"rupee\" or \"none\", not {rule}.",
        "cash_rounding \"rupee\" या \"none\" होना चाहिए, {rule} नहीं।",
    ),
    "consumer.warn_disconnected": ("Connection is DISCONNECTED.", "कनेक्शन कटा हुआ है।"),
    "consumer.warn_closed": ("Connection is CLOSED (permanently).", "कनेक्शन स्थायी रूप से बंद है।"),
    "consumer.warn_dishonoured": (
        "A cheque from this consumer was dishonoured before.",
        "इस उपभोक्ता का एक चेक पहले अनादरित हो चुका है।",
    ),
    "integrity.anchor_mismatch": (
        "Receipt {seq} does not match its anchor ({source}: {expected}, the database has {found}): receipts up to {seq} were changed after the anchor was taken. Do not sync; call the supervisor and IT.",
        "रसीद {seq} अपने एंकर से मेल नहीं खाती ({source}: {expected}, डेटाबेस में {found}): एंकर के बाद {seq} तक की रसीदें बदली गईं। सिंक न करें; सुपरवाइज़र और आईटी को बुलाएँ।",
    ),
    "integrity.anchor_missing": (
        "Receipt {seq} named by an anchor ({source}) is not in the database: receipts were removed.",
        "एंकर ({source}) में दी गई रसीद {seq} डेटाबेस में नहीं है: रसीदें हटाई गईं।",
    ),
    "integrity.bad_anchor": (
        "'{anchor}' is not an anchor: type it as on the shift report, SEQ:HASH (e.g. 1234:9f86d081884c).",
        "'{anchor}' एंकर नहीं है: पाली रिपोर्ट जैसा लिखें, क्रम:हैश (जैसे 1234:9f86d081884c)।",
    ),
    "integrity.outbox_mismatch": (
        "The sync queue copy of receipts {seqs} differs from the sealed receipt: it was edited. Do not sync; call IT.",
        "रसीदों {seqs} की सिंक कतार प्रति मुहरबंद रसीद से अलग है: उसे बदला गया। सिंक न करें; आईटी को बुलाएँ।",
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
    "receipt.text_too_long": (
        "The receipt's {field} is longer than {limit} characters; the central server would refuse it. "
        "Shorten it, or ask IT to correct the consumer's record.",
        "रसीद का {field} {limit} अक्षरों से लंबा है; केंद्रीय सर्वर इसे स्वीकार नहीं करेगा। "
        "इसे छोटा करें, या उपभोक्ता का रिकॉर्ड ठीक करने के लिए आईटी से कहें।",
    ),
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
    # --- one cheque or DD for several accounts, reversals (issue 16) ---
    "group.no_accounts": (
        "Add the accounts this cheque or DD pays (account number, amount, Enter).",
        "यह चेक या डीडी जिन खातों का भुगतान करता है उन्हें जोड़ें (खाता संख्या, राशि, Enter)।",
    ),
    "group.too_many": (
        "At most {limit} accounts on one cheque or DD here: split the covering letter into several payments.",
        "यहाँ एक चेक या डीडी पर अधिकतम {limit} खाते: कवरिंग पत्र को कई भुगतानों में बाँटें।",
    ),
    "group.duplicate_account": (
        "Account {account} is already in the list: change its amount instead of adding it twice.",
        "खाता {account} पहले से सूची में है: इसे दोबारा जोड़ने के बजाय इसकी राशि बदलें।",
    ),
    "group.sum_mismatch": (
        "The cheque/DD is for {total} but the accounts add up to {sum} (difference {difference}). Nothing was saved: correct the amounts.",
        "चेक/डीडी {total} का है पर खातों का योग {sum} है (अंतर {difference})। कुछ सहेजा नहीं गया: राशियाँ ठीक करें।",
    ),
    "group.cheque_or_dd": (
        "One payment for several accounts is taken by cheque or DD only.",
        "कई खातों का एक भुगतान केवल चेक या डीडी से लिया जाता है।",
    ),
    "receipt.reversal_needed": (
        "Receipt {receipt} can no longer be cancelled: a receipt is cancelled only on its own day ({date}) while its shift is open. A supervisor's reversal with a reason is needed instead.",
        "रसीद {receipt} अब रद्द नहीं हो सकती: रसीद केवल अपने ही दिन ({date}) और पाली खुली रहते रद्द होती है। इसके बजाय कारण सहित सुपरवाइज़र का प्रत्यावर्तन (रिवर्सल) आवश्यक है।",
    ),
    "receipt.reversal_not_needed": (
        "Receipt {receipt} is of today's open shift: cancel it instead (Del).",
        "रसीद {receipt} आज की खुली पाली की है: इसके बजाय इसे रद्द करें (Del)।",
    ),
    "receipt.already_reversed": ("Receipt {receipt} is already reversed.", "रसीद {receipt} पहले ही प्रत्यावर्तित (रिवर्स) है।"),
    "receipt.already_dishonoured_no": (
        "Receipt {receipt} is recorded as dishonoured.",
        "रसीद {receipt} अनादरित दर्ज है।",
    ),
    # --- closing (shift and day close) ---
    "close.bad_denomination": ("Unknown denomination {denomination}.", "अज्ञात मूल्यवर्ग {denomination}।"),
    "close.bad_count": (
        "Enter a whole number of pieces for {denomination}.",
        "{denomination} के लिए नगों की पूर्ण संख्या दर्ज करें।",
    ),
    "close.remark_required": (
        "The count differs from what was expected ({variance}), or a cheque/DD is not ticked: write a remark.",
        "गिनती अपेक्षित से अलग है ({variance}), या कोई चेक/डीडी चिह्नित नहीं है: टिप्पणी लिखें।",
    ),
    "close.approval_required": (
        "A variance of {variance} is above {limit}: a supervisor must approve.",
        "{variance} का अंतर {limit} से अधिक है: सुपरवाइज़र की स्वीकृति आवश्यक है।",
    ),
    "close.instrument_unknown": (
        "Receipt {receipt} is not a cheque or DD of this shift.",
        "रसीद {receipt} इस पाली का चेक या डीडी नहीं है।",
    ),
    "close.shifts_open": (
        "Close these shifts first: {shifts}.",
        "पहले ये पालियाँ बंद करें: {shifts}।",
    ),
    "close.day_already_closed": ("The day {date} is already closed.", "दिन {date} पहले ही बंद हो चुका है।"),
    "close.day_closed": (
        "The day {date} is closed: no more shifts can be opened for it.",
        "दिन {date} बंद है: इसके लिए अब कोई पाली नहीं खुल सकती।",
    ),
    "close.nothing_to_close": ("There is nothing to close for {date}.", "{date} के लिए बंद करने को कुछ नहीं है।"),
    "close.bad_date": ("Enter the date as YYYY-MM-DD.", "तारीख YYYY-MM-DD के रूप में लिखें।"),
    "close.day_not_closed": ("The day {date} is not closed yet.", "दिन {date} अभी बंद नहीं हुआ है।"),
    "close.bad_range": ("The date range is not valid (at most 366 days).", "तारीख सीमा सही नहीं है (अधिकतम 366 दिन)।"),
    # --- cash pickups, cash limits, deposits (issue 16) ---
    "cash.count_not_number": (
        "The count of {denomination} is not a number: type how many pieces (digits only).",
        "{denomination} की गिनती संख्या नहीं है: कितने नग हैं, केवल अंकों में लिखें।",
    ),
    "cash.pickup_zero": (
        "Nothing counted: type how many notes and coins the supervisor takes.",
        "कुछ नहीं गिना गया: सुपरवाइज़र कितने नोट और सिक्के ले रहे हैं, लिखें।",
    ),
    "cash.pickup_too_much": (
        "A pickup of {amount} is more than the drawer holds ({drawer}). Count again.",
        "{amount} की निकासी दराज़ में मौजूद नकद ({drawer}) से अधिक है। फिर से गिनें।",
    ),
    "cash.bad_destination": (
        "Choose where the cash goes: the office safe or the bank.",
        "चुनें कि नकद कहाँ जाएगा: कार्यालय की तिजोरी या बैंक।",
    ),
    "cash.text_too_long": (
        "The {field} is too long (at most {limit} characters).",
        "{field} बहुत लंबा है (अधिकतम {limit} अक्षर)।",
    ),
    "cash.hard_limit": (
        "The drawer holds {drawer}, above the cash limit of {limit}: no cash receipt until a supervisor "
        "takes a pickup (F8). Cheque, DD, UPI and card payments can still be taken.",
        "दराज़ में {drawer} है, जो {limit} की नकद सीमा से अधिक है: सुपरवाइज़र द्वारा नकद निकासी (F8) तक कोई "
        "नकद रसीद नहीं। चेक, डीडी, यूपीआई और कार्ड भुगतान लिए जा सकते हैं।",
    ),
    "cash.pickup_during_close": (
        "Cash was picked up while the shift was being counted: count again.",
        "पाली की गिनती के दौरान नकद निकाला गया: फिर से गिनें।",
    ),
    "cash.deposit_fields_required": (
        "Enter the bank, the branch and the pay-in slip number.",
        "बैंक, शाखा और जमा पर्ची संख्या लिखें।",
    ),
    "cash.deposit_before_day": (
        "The deposit date cannot be before the business date it deposits.",
        "जमा की तारीख उस व्यावसायिक दिन से पहले नहीं हो सकती जिसका पैसा जमा हो रहा है।",
    ),
    "cash.deposit_zero": (
        "The deposit is empty: count the cash or keep at least one cheque or DD.",
        "जमा खाली है: नकद गिनें या कम से कम एक चेक या डीडी रखें।",
    ),
    "cash.deposit_too_many": (
        "Too many cheques and DDs for one pay-in slip.",
        "एक जमा पर्ची के लिए बहुत अधिक चेक और डीडी।",
    ),
    "cash.deposit_instrument_unknown": (
        "Cheque/DD {number} is not one of this day's cheques and DDs.",
        "चेक/डीडी {number} इस दिन के चेक और डीडी में नहीं है।",
    ),
    "cash.slip_used": (
        "Pay-in slip {slip} is already recorded.",
        "जमा पर्ची {slip} पहले ही दर्ज है।",
    ),
    # --- printing and the counter window (counter_app/printing, counter_app/ui) ---
    "print.failed": (
        "The receipt is saved but was NOT printed ({detail}). Check the printer and print it again.",
        "रसीद सहेज ली गई है पर छपी नहीं ({detail})। प्रिंटर जाँचें और फिर से छापें।",
    ),
    "print.no_printer": (
        "No printer is set up on this computer: the receipt is saved but was NOT printed.",
        "इस कंप्यूटर पर कोई प्रिंटर सेट नहीं है: रसीद सहेज ली गई है पर छपी नहीं।",
    ),
    "print.printer_missing": (
        "The printer {printer} is not available: the receipt is saved but was NOT printed.",
        "प्रिंटर {printer} उपलब्ध नहीं है: रसीद सहेज ली गई है पर छपी नहीं।",
    ),
    "print.pdf_failed": (
        "The PDF could not be written to {path} ({detail}). The receipt is saved.",
        "PDF {path} में नहीं लिखी जा सकी ({detail})। रसीद सहेज ली गई है।",
    ),
    "ui.consumer_name_required": (
        "This account is not in the local consumer data: enter the consumer's name from the bill.",
        "यह खाता स्थानीय उपभोक्ता डेटा में नहीं है: बिल से उपभोक्ता का नाम दर्ज करें।",
    ),
    "ui.lookup_first": ("Find the consumer first (F2).", "पहले उपभोक्ता खोजें (F2)।"),
    # --- operations: backup, restore, setup, doctor (counter_app/ops) ---
    "ops.backup_failed": (
        "The backup to {dest} failed: {detail}. Check that the backup disk or USB stick is connected and has space.",
        "{dest} में बैकअप विफल रहा: {detail}। जाँचें कि बैकअप डिस्क या यूएसबी स्टिक लगी है और उसमें जगह है।",
    ),
    "ops.no_database": ("There is no counter database at {path}.", "{path} पर कोई काउंटर डेटाबेस नहीं है।"),
    "ops.backup_source_damaged": (
        "The counter database is damaged ({detail}); no backup was made and the older backups were kept. Run 'counter-app doctor'.",
        "काउंटर डेटाबेस खराब है ({detail}); बैकअप नहीं बना और पुराने बैकअप रखे गए। 'counter-app doctor' चलाएँ।",
    ),
    "ops.backup_not_found": ("No backup at {path}.", "{path} पर कोई बैकअप नहीं है।"),
    "ops.backup_damaged": (
        "The backup {path} is damaged ({detail}) and will not be restored. Use an older backup.",
        "बैकअप {path} खराब है ({detail}) और पुनर्स्थापित नहीं होगा। कोई पुराना बैकअप लें।",
    ),
    "ops.backup_checksum": (
        "The backup file does not match its checksum: it changed after it was made.",
        "बैकअप फ़ाइल अपने चेकसम से मेल नहीं खाती: बनने के बाद यह बदली गई है।",
    ),
    "ops.restore_at_risk": (
        "Restore refused: {count} records ({receipts} receipts, numbers {seqs}) are in the current database, not in this backup, and NOT yet received by the central server. They would be lost. Sync first, or choose a newer backup; use --force only if you accept losing them.",
        "पुनर्स्थापना रोकी गई: {count} रिकॉर्ड ({receipts} रसीदें, क्रमांक {seqs}) वर्तमान डेटाबेस में हैं, इस बैकअप में नहीं, और केंद्रीय सर्वर को अभी नहीं मिले हैं। वे खो जाएँगे। पहले सिंक करें या नया बैकअप चुनें; --force तभी लगाएँ जब उन्हें खोना स्वीकार हो।",
    ),
    "ops.restore_current_unreadable": (
        "Restore refused: the current database cannot be read ({detail}), so nobody can tell which receipts would be lost. Check the central server's status for this counter, then use --force.",
        "पुनर्स्थापना रोकी गई: वर्तमान डेटाबेस पढ़ा नहीं जा सकता ({detail}), इसलिए पता नहीं चल सकता कि कौन-सी रसीदें खोएँगी। केंद्रीय सर्वर पर इस काउंटर की स्थिति देखें, फिर --force लगाएँ।",
    ),
    "ops.restore_other_counter": (
        "Restore refused: the backup belongs to counter {backup}, this counter is {current}.",
        "पुनर्स्थापना रोकी गई: बैकअप काउंटर {backup} का है, यह काउंटर {current} है।",
    ),
    "ops.restored": (
        "Restored {receipts} receipts from {path}. The replaced database was kept in {replaced}.",
        "{path} से {receipts} रसीदें पुनर्स्थापित हुईं। बदला गया डेटाबेस {replaced} में रखा गया।",
    ),
    "ops.restore_kept_on_server": (
        "{count} records (receipt numbers {seqs}) are not in the backup but the central server has them. Do not issue receipts on this counter until IT has run 'counter-app doctor'.",
        "{count} रिकॉर्ड (रसीद क्रमांक {seqs}) बैकअप में नहीं हैं पर केंद्रीय सर्वर के पास हैं। आईटी के 'counter-app doctor' चलाने तक इस काउंटर पर रसीद जारी न करें।",
    ),
    "ops.backup_made": (
        "Backup made: {path} ({receipts} receipts, {size_mb} MB).",
        "बैकअप बना: {path} ({receipts} रसीदें, {size_mb} MB)।",
    ),
    "ops.bad_server_url": (
        "The server address must start with https:// (http:// only for this computer itself).",
        "सर्वर पता https:// से शुरू हो (http:// केवल इसी कंप्यूटर के लिए)।",
    ),
    "ops.enrollment_code_required": (
        "Enter the enrollment code given by headquarters for this counter.",
        "मुख्यालय द्वारा इस काउंटर के लिए दिया गया नामांकन कोड दर्ज करें।",
    ),
    "ops.config_admin_only": (
        "{path} can only be changed by an administrator. Run the setup as administrator first; then enrol as the counter's Windows user.",
        "{path} केवल व्यवस्थापक (एडमिनिस्ट्रेटर) बदल सकता है। पहले व्यवस्थापक के रूप में सेटअप चलाएँ; फिर काउंटर के विंडोज़ उपयोगकर्ता के रूप में नामांकन करें।",
    ),
    # --- doctor: findings ---
    "doctor.summary": ("{fail} problems, {warn} warnings.", "{fail} समस्याएँ, {warn} चेतावनियाँ।"),
    "doctor.config_unreadable": ("config.toml cannot be read: {detail}.", "config.toml पढ़ी नहीं जा सकती: {detail}।"),
    "doctor.check_crashed": ("This check itself failed: {detail}.", "यह जाँच स्वयं विफल हुई: {detail}।"),
    "doctor.not_set_up": ("This counter is not set up (no counter code in {path}).", "यह काउंटर सेट अप नहीं है ({path} में काउंटर कोड नहीं)।"),
    "doctor.no_server_url": ("No central server address is configured.", "केंद्रीय सर्वर का पता सेट नहीं है।"),
    "doctor.config_ok": ("Counter {code}, server {url}.", "काउंटर {code}, सर्वर {url}।"),
    "doctor.no_database": ("There is no database at {path}.", "{path} पर कोई डेटाबेस नहीं है।"),
    "doctor.schema_older": (
        "The database is at schema {found}; this version will upgrade it to {known} at the next start (after a backup).",
        "डेटाबेस स्कीमा {found} पर है; यह संस्करण अगली शुरुआत पर (बैकअप के बाद) इसे {known} पर लाएगा।",
    ),
    "doctor.cache_ok": ("Consumer cache {path}: {consumers} consumers, {size_mb} MB, integrity check passed.",
                        "उपभोक्ता कैश {path}: {consumers} उपभोक्ता, {size_mb} MB, अखंडता जाँच सफल।"),
    "doctor.cache_missing": ("Consumer cache {path} is missing: consumer data is being fetched; receipts are taken by account number.",
                             "उपभोक्ता कैश {path} नहीं है: उपभोक्ता डेटा लाया जा रहा है; रसीदें खाता संख्या से ली जा रही हैं।"),
    "doctor.cache_damaged": ("Consumer cache {path} is damaged ({detail}); the ledger is not affected.",
                             "उपभोक्ता कैश {path} खराब है ({detail}); लेजर पर कोई असर नहीं।"),
    "doctor.cache_incomplete": ("Consumer cache {path}: {consumers} consumers so far, the full download is not complete yet.",
                                "उपभोक्ता कैश {path}: अभी तक {consumers} उपभोक्ता, पूरा डाउनलोड अभी पूरा नहीं हुआ।"),
    "doctor.do.cache_fetch": ("Start the counter while the server is reachable: it fetches the consumer data again (delete the cache file if it stays damaged).",
                              "सर्वर उपलब्ध रहते काउंटर चालू करें: यह उपभोक्ता डेटा फिर से लाता है (कैश फ़ाइल खराब ही रहे तो उसे हटा दें)।"),
    "doctor.db_ok": ("Database {path}: {size_mb} MB, schema {schema}, integrity check passed.", "डेटाबेस {path}: {size_mb} MB, स्कीमा {schema}, अखंडता जाँच सफल।"),
    "doctor.row_mismatch": (
        "Receipt rows differ from their sealed text (numbers {seqs}): someone changed the database.",
        "रसीद पंक्तियाँ अपने मुहरबंद पाठ से अलग हैं (क्रमांक {seqs}): डेटाबेस में किसी ने बदलाव किया है।",
    ),
    "doctor.records_ok": ("{receipts} receipts: chain intact, no numbers missing.", "{receipts} रसीदें: श्रृंखला अखंड, कोई क्रमांक गायब नहीं।"),
    "doctor.pending_old": ("{count} records waiting to sync, the oldest for {age}.", "{count} रिकॉर्ड सिंक की प्रतीक्षा में, सबसे पुराना {age} से।"),
    "doctor.pending": ("{count} records waiting to sync (oldest {age}).", "{count} रिकॉर्ड सिंक की प्रतीक्षा में (सबसे पुराना {age})।"),
    "doctor.nothing_pending": ("Nothing waiting to sync ({synced} records synced).", "सिंक के लिए कुछ बाकी नहीं ({synced} रिकॉर्ड सिंक हो चुके)।"),
    "doctor.outbox_conflicts": (
        "{count} records were flagged by the central server as conflicting or unreadable.",
        "केंद्रीय सर्वर ने {count} रिकॉर्ड को विरोधी या अपठनीय बताया है।",
    ),
    "doctor.outbox_parked": ("{count} receipts are held for review at headquarters.", "{count} रसीदें मुख्यालय में समीक्षा के लिए रोकी गई हैं।"),
    "doctor.restored_behind": (
        "This database was restored from a backup that ends at receipt {local}; the counter had issued up to {server} before, and the central server has those receipts.",
        "यह डेटाबेस ऐसे बैकअप से पुनर्स्थापित हुआ जो रसीद {local} पर समाप्त होता है; काउंटर पहले {server} तक जारी कर चुका था, और वे रसीदें केंद्रीय सर्वर के पास हैं।",
    ),
    "doctor.disk_low": ("Only {free_mb} MB free at {where}.", "{where} पर केवल {free_mb} MB खाली है।"),
    "doctor.disk_ok": ("{free_mb} MB free at {where}.", "{where} पर {free_mb} MB खाली है।"),
    "doctor.backup_dir_missing": ("The backup folder {path} is not there (disk or USB stick not connected?).", "बैकअप फ़ोल्डर {path} नहीं मिला (डिस्क या यूएसबी स्टिक नहीं लगी?)।"),
    "doctor.backup_dir_unwritable": ("The backup folder {path} cannot be written.", "बैकअप फ़ोल्डर {path} में लिखा नहीं जा सकता।"),
    "doctor.no_backup": ("No backup found in {path}.", "{path} में कोई बैकअप नहीं मिला।"),
    "doctor.backup_old": ("The latest backup is {age} old: {path} ({receipts} receipts).", "नवीनतम बैकअप {age} पुराना है: {path} ({receipts} रसीदें)।"),
    "doctor.backup_ok": ("Latest backup {age} ago: {path} ({receipts} receipts).", "नवीनतम बैकअप {age} पहले: {path} ({receipts} रसीदें)।"),
    "doctor.keyring_unusable": (
        "The system keyring ({backend}) cannot store the server token.",
        "सिस्टम कीरिंग ({backend}) सर्वर टोकन नहीं रख सकती।",
    ),
    "doctor.keyring_ok": ("Keyring: {backend}.", "कीरिंग: {backend}।"),
    "doctor.server_skipped": ("Server not checked (--offline).", "सर्वर की जाँच नहीं हुई (--offline)।"),
    "doctor.server_not_configured": ("Server not checked: no address configured.", "सर्वर की जाँच नहीं हुई: पता सेट नहीं है।"),
    "doctor.server_unreachable": ("The central server {url} cannot be reached: {detail}.", "केंद्रीय सर्वर {url} तक नहीं पहुँचा जा सका: {detail}।"),
    "doctor.server_ok": ("The central server {url} answers ({ms} ms).", "केंद्रीय सर्वर {url} उत्तर देता है ({ms} ms)।"),
    "doctor.clock_off": ("This computer's clock differs from the server's by {seconds} seconds.", "इस कंप्यूटर की घड़ी सर्वर से {seconds} सेकंड अलग है।"),
    "doctor.clock_ok": ("Clock agrees with the server (within {seconds} s).", "घड़ी सर्वर से मेल खाती है ({seconds} सेकंड के भीतर)।"),
    # --- doctor: what to do ---
    "doctor.do.config": ("Fix config.toml, or delete it and run 'counter-app init' again.", "config.toml ठीक करें, या उसे हटाकर 'counter-app init' फिर चलाएँ।"),
    "doctor.do.report": ("Send the log folder and this report to the software team.", "लॉग फ़ोल्डर और यह रिपोर्ट सॉफ़्टवेयर टीम को भेजें।"),
    "doctor.do.setup": ("Start the app for the setup dialog, or run 'counter-app init --counter-code K07 --server URL --enroll CODE'.", "सेटअप संवाद के लिए ऐप शुरू करें, या 'counter-app init --counter-code K07 --server URL --enroll CODE' चलाएँ।"),
    "doctor.do.restore": ("Close the app; run 'counter-app restore' with the latest backup (it refuses if receipts would be lost); keep the damaged file for investigation.", "ऐप बंद करें; नवीनतम बैकअप से 'counter-app restore' चलाएँ (रसीदें खोने पर यह रुक जाता है); खराब फ़ाइल जाँच के लिए रखें।"),
    "doctor.do.install_newer": ("Install the newer counter software version that made this database.", "काउंटर सॉफ़्टवेयर का वह नया संस्करण स्थापित करें जिसने यह डेटाबेस बनाया।"),
    "doctor.do.start_to_upgrade": ("Nothing to do: start the app once, it backs up and upgrades.", "कुछ नहीं करना: ऐप एक बार शुरू करें, वह बैकअप लेकर अपग्रेड करेगा।"),
    "doctor.do.gap": ("Do not issue receipts; report the missing numbers to headquarters with this report.", "रसीदें जारी न करें; गायब क्रमांक इस रिपोर्ट के साथ मुख्यालय को बताएँ।"),
    "doctor.do.chain": ("Stored receipts were altered: do not change anything, report to headquarters and keep this computer as evidence.", "संग्रहीत रसीदें बदली गई हैं: कुछ न बदलें, मुख्यालय को सूचित करें और यह कंप्यूटर सबूत के रूप में रखें।"),
    "doctor.do.network": ("Check the network cable, proxy and the server address in config.toml; receipts are safe locally meanwhile.", "नेटवर्क केबल, प्रॉक्सी और config.toml में सर्वर पता जाँचें; तब तक रसीदें यहाँ सुरक्षित हैं।"),
    "doctor.do.conflicts": ("Ask headquarters to review this counter's alarms on the server dashboard.", "मुख्यालय से सर्वर डैशबोर्ड पर इस काउंटर की चेतावनियों की समीक्षा करवाएँ।"),
    "doctor.do.parked": ("Headquarters reviews parked receipts; nothing to do at the counter.", "रोकी गई रसीदों की समीक्षा मुख्यालय करता है; काउंटर पर कुछ नहीं करना।"),
    "doctor.do.restored_behind": ("Do not issue receipts on this counter: its numbers would repeat. Ask headquarters to re-enrol it under a new counter code.", "इस काउंटर पर रसीदें जारी न करें: क्रमांक दोहराए जाएँगे। मुख्यालय से इसे नए काउंटर कोड से फिर नामांकित करवाएँ।"),
    "doctor.do.disk": ("Free disk space: remove old files (not the counter's data folder) or add a disk.", "डिस्क में जगह खाली करें: पुरानी फ़ाइलें हटाएँ (काउंटर का डेटा फ़ोल्डर नहीं) या डिस्क जोड़ें।"),
    "doctor.do.backup_dir": ("Connect the backup disk or USB stick, or set backup_dir in config.toml to a writable folder.", "बैकअप डिस्क या यूएसबी स्टिक लगाएँ, या config.toml में backup_dir को लिखने योग्य फ़ोल्डर पर सेट करें।"),
    "doctor.do.backup": ("Run 'counter-app backup' now and check the daily backup folder.", "अभी 'counter-app backup' चलाएँ और दैनिक बैकअप फ़ोल्डर जाँचें।"),
    "doctor.do.keyring": ("Run the app as the clerk's Windows user (Credential Manager); on Linux start a Secret Service (gnome-keyring).", "ऐप क्लर्क के विंडोज़ उपयोगकर्ता से चलाएँ (क्रेडेंशियल मैनेजर); लिनक्स पर सीक्रेट सर्विस (gnome-keyring) चालू करें।"),
    "doctor.do.clock": ("Set the clock to Indian Standard Time and enable automatic time sync (w32time / NTP).", "घड़ी भारतीय मानक समय पर सेट करें और स्वचालित समय सिंक (w32time / NTP) चालू करें।"),
    # --- sync (counter_app/sync) ---
    "sync.failed": ("Sync with the central server failed.", "केंद्रीय सर्वर से सिंक विफल रहा।"),
    "sync.offline": (
        "The central server cannot be reached. Keep collecting: receipts are saved here and sent later.",
        "केंद्रीय सर्वर से संपर्क नहीं हो पा रहा। वसूली जारी रखें: रसीदें यहाँ सहेजी हैं और बाद में भेजी जाएँगी।",
    ),
    "sync.timeout": (
        "The central server did not answer in time. Receipts are kept and sent later.",
        "केंद्रीय सर्वर ने समय पर उत्तर नहीं दिया। रसीदें सुरक्षित हैं और बाद में भेजी जाएँगी।",
    ),
    "sync.tls": (
        "The central server's certificate could not be verified ({detail}). Nothing was sent. Call IT.",
        "केंद्रीय सर्वर का प्रमाणपत्र सत्यापित नहीं हो सका ({detail})। कुछ नहीं भेजा गया। आईटी को बुलाएँ।",
    ),
    "sync.closing": (
        "The central server is closing the month. Keep collecting: receipts are sent when it reopens.",
        "केंद्रीय सर्वर पर माह की क्लोज़िंग चल रही है। वसूली जारी रखें: रसीदें उसके खुलने पर भेजी जाएँगी।",
    ),
    "sync.auth": (
        "The central server refused this counter's key ({detail}). Sending has stopped; all receipts are kept. Call IT to enrol the counter again.",
        "केंद्रीय सर्वर ने इस काउंटर की कुंजी अस्वीकार की ({detail})। भेजना रुका है; सभी रसीदें सुरक्षित हैं। काउंटर को फिर से नामांकित करने के लिए आईटी को बुलाएँ।",
    ),
    "sync.busy": (
        "The central server is busy with other counters. Receipts are kept and sent in a moment.",
        "केंद्रीय सर्वर अन्य काउंटरों में व्यस्त है। रसीदें सुरक्षित हैं और थोड़ी देर में भेजी जाएँगी।",
    ),
    "sync.server_error": (
        "The central server has a problem ({detail}). Receipts are kept and sent again later.",
        "केंद्रीय सर्वर में समस्या है ({detail})। रसीदें सुरक्षित हैं और बाद में फिर भेजी जाएँगी।",
    ),
    "sync.bad_answer": (
        "The central server's answer could not be read ({detail}). Receipts are kept and sent again later.",
        "केंद्रीय सर्वर का उत्तर पढ़ा नहीं जा सका ({detail})। रसीदें सुरक्षित हैं और बाद में फिर भेजी जाएँगी।",
    ),
    "sync.client_bug": (
        "The central server did not accept what this counter sent ({detail}). Call IT.",
        "केंद्रीय सर्वर ने इस काउंटर का भेजा हुआ स्वीकार नहीं किया ({detail})। आईटी को बुलाएँ।",
    ),
    "sync.batch_too_large": (
        "The central server takes fewer records at a time; sending in smaller parts.",
        "केंद्रीय सर्वर एक बार में कम रिकॉर्ड लेता है; छोटे हिस्सों में भेजा जा रहा है।",
    ),
    "sync.not_enrolled": (
        "This counter is not connected to a central server yet. IT: run 'counter-app init --server URL --enroll CODE'.",
        "यह काउंटर अभी केंद्रीय सर्वर से जुड़ा नहीं है। आईटी: 'counter-app init --server URL --enroll CODE' चलाएँ।",
    ),
    "sync.keyring_unavailable": (
        "This computer offers no safe place (keyring) for the counter's server key ({detail}). Call IT.",
        "इस कंप्यूटर पर काउंटर की सर्वर कुंजी रखने का कोई सुरक्षित स्थान (कीरिंग) नहीं है ({detail})। आईटी को बुलाएँ।",
    ),
    "sync.enroll_refused": (
        "The central server refused the enrolment code: unknown counter, or a wrong, used or expired code.",
        "केंद्रीय सर्वर ने नामांकन कोड अस्वीकार किया: अज्ञात काउंटर, या गलत, पहले से उपयोग किया हुआ या समाप्त कोड।",
    ),
    "sync.snapshot_cut": (
        "The consumer download was interrupted; it resumes where it stopped.",
        "उपभोक्ता डेटा का डाउनलोड बीच में रुक गया; यह वहीं से फिर शुरू होगा।",
    ),
    "sync.snapshot_loader_failed": (
        "The consumer download could not be written; the current consumer data stays in use and the download starts again.",
        "उपभोक्ता डेटा लिखा नहीं जा सका; अभी का उपभोक्ता डेटा काम में रहेगा और डाउनलोड फिर से शुरू होगा।",
    ),
    "sync.bad_server_url": (
        "The server address must start with https:// (or http:// for a test server).",
        "सर्वर का पता https:// (परीक्षण सर्वर के लिए http://) से शुरू होना चाहिए।",
    ),
    "sync.no_such_problem": (
        "Record {record} is not waiting for review.",
        "रिकॉर्ड {record} समीक्षा के लिए प्रतीक्षा में नहीं है।",
    ),
    # --- end ---
    # --- installation identity and the clock (issue 11 items 13, 14) ---
    "sync.wrong_installation": (
        "This PC is not the enrolled installation of counter {counter}: the central server knows another PC as this counter. Sending has stopped; all receipts are kept. Do not issue receipts here; call IT to re-enrol this PC.",
        "यह पीसी काउंटर {counter} का नामांकित इंस्टॉलेशन नहीं है: केंद्रीय सर्वर किसी और पीसी को यह काउंटर मानता है। भेजना रुका है; सभी रसीदें सुरक्षित हैं। यहाँ रसीदें जारी न करें; इस पीसी को फिर से नामांकित करने के लिए आईटी को बुलाएँ।",
    ),
    "doctor.not_enrolled_installation": (
        "This PC is not the enrolled installation of {counter}: re-enrol ({why}).",
        "यह पीसी {counter} का नामांकित इंस्टॉलेशन नहीं है: फिर से नामांकित करें ({why})।",
    ),
    "doctor.installation_ok": ("This PC is the enrolled installation of {counter}.", "यह पीसी {counter} का नामांकित इंस्टॉलेशन है।"),
    "doctor.do.reenrol": (
        "Do not issue receipts on this PC. Ask headquarters for a new counter code (or 'counters reissue' if the other PC is retired) and run 'counter-app init --enroll'; headquarters releases what this PC collected with 'central-server counters resolve-clone'.",
        "इस पीसी पर रसीदें जारी न करें। मुख्यालय से नया काउंटर कोड (या दूसरा पीसी हटाया गया हो तो 'counters reissue') लें और 'counter-app init --enroll' चलाएँ; इस पीसी की वसूली मुख्यालय 'central-server counters resolve-clone' से जारी करता है।",
    ),
    "clock.off_server": (
        "This computer's clock is {minutes} minutes off the central server's. Receipts cannot be issued with a wrong date and time. Ask IT to set the clock to Indian Standard Time (automatic time sync), then try again.",
        "इस कंप्यूटर की घड़ी केंद्रीय सर्वर से {minutes} मिनट अलग है। गलत तारीख और समय से रसीदें जारी नहीं हो सकतीं। आईटी से घड़ी भारतीय मानक समय पर (स्वचालित समय सिंक) सेट करवाएँ, फिर प्रयास करें।",
    ),
    "clock.before_last_receipt": (
        "This computer's clock ({now}) is behind the last receipt's time ({last}). The clock went back: ask IT to set it right, then try again.",
        "इस कंप्यूटर की घड़ी ({now}) पिछली रसीद के समय ({last}) से पीछे है। घड़ी पीछे चली गई है: आईटी से इसे ठीक करवाएँ, फिर प्रयास करें।",
    ),
    "shift.spans_days": (
        "This shift was opened on {opened}; today is {today}. Close the shift (count the cash), then open a new shift for today.",
        "यह पाली {opened} को खोली गई थी; आज {today} है। पाली बंद करें (नकद गिनें), फिर आज के लिए नई पाली खोलें।",
    ),
    # --- the least part payment (kesco_protocol.part_payment; issue 15) ---
    "part_payment.below_minimum": (
        "Below the least part payment: {amount} of {due} due. This consumer must pay at least {minimum} ({share}% of the amount due or {floor}, whichever is larger). Take at least {minimum}, or a supervisor may allow this amount here.",
        "न्यूनतम आंशिक भुगतान से कम: {due} देय में से {amount}। इस उपभोक्ता को कम से कम {minimum} देना होगा (देय राशि का {share}% या {floor}, जो भी अधिक हो)। कम से कम {minimum} लें, या सुपरवाइज़र यहीं यह राशि स्वीकृत कर सकते हैं।",
    ),
    "part_payment.needs_supervisor": (
        "{amount} is below the least part payment of {minimum}: nothing was saved. Take at least {minimum}, or a supervisor types their user name and PIN here to allow it.",
        "{amount} न्यूनतम आंशिक भुगतान {minimum} से कम है: कुछ भी सहेजा नहीं गया। कम से कम {minimum} लें, या स्वीकृति के लिए सुपरवाइज़र यहाँ अपना उपयोगकर्ता नाम और पिन डालें।",
    ),
    "part_payment.refused": (
        "Account {account}: {amount} is below the least part payment of {minimum} ({due} due; {share}% of it or {floor}, whichever is larger). Nothing was saved. Take at least {minimum}, or a supervisor allows this amount with their user name and PIN.",
        "खाता {account}: {amount} न्यूनतम आंशिक भुगतान {minimum} से कम है ({due} देय; उसका {share}% या {floor}, जो भी अधिक हो)। कुछ भी सहेजा नहीं गया। कम से कम {minimum} लें, या सुपरवाइज़र अपने उपयोगकर्ता नाम और पिन से यह राशि स्वीकृत करें।",
    ),
    "part_payment.supervisor": ("Supervisor allowing it", "स्वीकृति देने वाले सुपरवाइज़र"),
    "part_payment.pin": ("Supervisor's PIN", "सुपरवाइज़र का पिन"),
    "doctor.part_payment_built_in": (
        "No part-payment policy from the central server yet: the built-in UP rule applies (domestic {dom}, others {other}).",
        "केंद्रीय सर्वर से अभी कोई आंशिक भुगतान नीति नहीं मिली: अंतर्निहित यूपी नियम लागू है (घरेलू {dom}, अन्य {other})।",
    ),
    "doctor.part_payment_server": (
        "Part-payment policy {policy_id} from the central server ({received_at}): {rules}.",
        "केंद्रीय सर्वर से आंशिक भुगतान नीति {policy_id} ({received_at}): {rules}।",
    ),
    "doctor.do.sync_policy": (
        "Sync once with the central server (the policy comes with the counter status), or leave it if the UP rule is the utility's.",
        "केंद्रीय सर्वर से एक बार सिंक करें (नीति काउंटर स्थिति के साथ आती है), या यूपी नियम ही उपयोगिता का हो तो ऐसे ही रहने दें।",
    ),
}


# Every keyed error, the protocol's included, renders from this one table.
add_messages(MESSAGES)
