"""English and Hindi texts of the ledger mirror (storage/mirror.py), the rebuild from it
(ops/mirror_restore.py) and the recovery from the central server (ops/recover.py); merged into
domain/messages.MESSAGES."""

from __future__ import annotations

MIRROR_MESSAGES: dict[str, tuple[str, str]] = {
    "mirror.ok": ("Second copy of the ledger: up to date ({path}).", "लेजर की दूसरी प्रति: अद्यतन ({path})।"),
    "mirror.off": ("No second copy of the ledger is configured (mirror_dir).",
                   "लेजर की दूसरी प्रति सेट नहीं है (mirror_dir)।"),
    "mirror.waiting": ("Second copy of the ledger: waiting for the counter to be set up.",
                       "लेजर की दूसरी प्रति: काउंटर सेट होने की प्रतीक्षा।"),
    "mirror.behind": (
        "SECOND COPY BEHIND: {behind} records are not yet on the mirror ({path}); it is catching up.",
        "दूसरी प्रति पीछे: {behind} रिकॉर्ड अभी मिरर ({path}) पर नहीं हैं; वह बराबर हो रही है।",
    ),
    "mirror.missing": (
        "SECOND COPY MISSING: the mirror disk {path} is not there. Receipts are still saved on this PC; plug the mirror disk back in (it catches up by itself) or call IT.",
        "दूसरी प्रति नहीं: मिरर डिस्क {path} नहीं मिली। रसीदें इस पीसी पर सहेजी जा रही हैं; मिरर डिस्क वापस लगाएँ (वह अपने-आप बराबर हो जाएगी) या आईटी को बुलाएँ।",
    ),
    "mirror.full": (
        "SECOND COPY STOPPED: the mirror disk {path} is full. Receipts are still saved on this PC; call IT to free space or replace the mirror disk.",
        "दूसरी प्रति रुकी: मिरर डिस्क {path} भर गई है। रसीदें इस पीसी पर सहेजी जा रही हैं; जगह खाली करवाने या मिरर डिस्क बदलने के लिए आईटी को बुलाएँ।",
    ),
    "mirror.foreign": (
        "SECOND COPY STOPPED: the mirror disk {path} holds another counter's ledger. Use this counter's own mirror disk; call IT.",
        "दूसरी प्रति रुकी: मिरर डिस्क {path} पर किसी और काउंटर का लेजर है। इसी काउंटर की मिरर डिस्क लगाएँ; आईटी को बुलाएँ।",
    ),
    "mirror.damaged": (
        "SECOND COPY STOPPED: the journal on {path} is damaged ({detail}). Call IT.",
        "दूसरी प्रति रुकी: {path} पर जर्नल खराब है ({detail})। आईटी को बुलाएँ।",
    ),
    "mirror.error": (
        "SECOND COPY STOPPED: the mirror {path} cannot be written ({detail}). Receipts are still saved on this PC; call IT.",
        "दूसरी प्रति रुकी: मिरर {path} पर लिखा नहीं जा सकता ({detail})। रसीदें इस पीसी पर सहेजी जा रही हैं; आईटी को बुलाएँ।",
    ),
    "mirror.same_disk": (
        "The mirror {path} is on the same disk as the ledger: it is no second copy if this disk dies. Put it on another disk or a USB stick.",
        "मिरर {path} उसी डिस्क पर है जिस पर लेजर है: यह डिस्क खराब हुई तो यह दूसरी प्रति नहीं बचेगी। इसे दूसरी डिस्क या यूएसबी स्टिक पर रखें।",
    ),
    "mirror.do.fix": (
        "Plug in or replace the mirror disk named by mirror_dir in config.toml; the counter copies what it lacks at the next receipt or start.",
        "config.toml के mirror_dir वाली मिरर डिस्क लगाएँ या बदलें; अगली रसीद या शुरुआत पर काउंटर जो कमी है वह कॉपी कर देगा।",
    ),
    "cli.restore_what": (
        "Name a backup file, or --from-mirror DIR.", "बैकअप फ़ाइल बताएँ, या --from-mirror DIR।",
    ),
    "recover.refused": ("The recovery was refused; nothing was changed.", "पुनर्प्राप्ति अस्वीकृत; कुछ नहीं बदला गया।"),
    "recover.not_enrolled": (
        "This counter is not set up: run 'counter-app init --code CODE --server URL --enroll CODE' with the same counter code first (headquarters: 'central-server counters reissue CODE').",
        "यह काउंटर सेट नहीं है: पहले उसी काउंटर कोड से 'counter-app init --code CODE --server URL --enroll CODE' चलाएँ (मुख्यालय: 'central-server counters reissue CODE')।",
    ),
    "recover.target_not_empty": (
        "Refused: this ledger already holds {count} records. A recovery only fills an empty ledger on a new or restored PC.",
        "अस्वीकृत: इस लेजर में पहले से {count} रिकॉर्ड हैं। पुनर्प्राप्ति केवल नए या पुनर्स्थापित पीसी के खाली लेजर को भरती है।",
    ),
    "recover.wrong_counter": (
        "Refused, nothing changed: the answer holds records of counter {found}, not {counter}.",
        "अस्वीकृत, कुछ नहीं बदला: उत्तर में काउंटर {found} के रिकॉर्ड हैं, {counter} के नहीं।",
    ),
    "recover.tampered": (
        "Refused, nothing changed: receipt {seq} from the server does not verify ({detail}). Call headquarters.",
        "अस्वीकृत, कुछ नहीं बदला: सर्वर की रसीद {seq} सत्यापित नहीं होती ({detail})। मुख्यालय को बुलाएँ।",
    ),
    "recover.incomplete": (
        "Refused, nothing changed: the receipts are incomplete ({detail}).",
        "अस्वीकृत, कुछ नहीं बदला: रसीदें अधूरी हैं ({detail})।",
    ),
    "recover.source_disagrees": (
        "Refused, nothing changed: the backup or mirror holds another receipt {seq} than the central server.",
        "अस्वीकृत, कुछ नहीं बदला: बैकअप या मिरर में रसीद {seq} केंद्रीय सर्वर से अलग है।",
    ),
    "recover.source_unreadable": (
        "Refused, nothing changed: {path} cannot be read ({detail}).",
        "अस्वीकृत, कुछ नहीं बदला: {path} पढ़ा नहीं जा सकता ({detail})।",
    ),
    "recover.done": (
        "Recovered {server} receipts from the central server and {source} not yet synced from {name}; the next receipt is number {next}.",
        "केंद्रीय सर्वर से {server} रसीदें और {name} से {source} बिना सिंक वाली रसीदें वापस मिलीं; अगली रसीद का क्रमांक {next} है।",
    ),
    "mirror.restore_failed": ("The ledger could not be rebuilt from the mirror.", "मिरर से लेजर दोबारा नहीं बन सका।"),
    "mirror.restore_no_journal": (
        "No single counter journal in {path} (found {found}). Name the counter with --counter.",
        "{path} में एक काउंटर जर्नल नहीं मिला ({found} मिले)। --counter से काउंटर बताएँ।",
    ),
    "mirror.restore_target_exists": (
        "Refused: a ledger already exists at {path}. Rebuild into an empty data folder (or move this one aside first).",
        "अस्वीकृत: {path} पर लेजर पहले से है। खाली डेटा फ़ोल्डर में दोबारा बनाएँ (या पहले इसे हटाकर रखें)।",
    ),
    "mirror.restore_unusable": (
        "The journal {path} cannot be used: {detail}.", "जर्नल {path} उपयोग नहीं हो सकता: {detail}।",
    ),
    "mirror.restored": (
        "Rebuilt the ledger of {counter} from the mirror: {receipts} receipts (last number {seq}), {records} records. The journal was kept as {kept}.",
        "मिरर से {counter} का लेजर दोबारा बना: {receipts} रसीदें (अंतिम क्रमांक {seq}), {records} रिकॉर्ड। जर्नल {kept} के रूप में रखा गया।",
    ),
    "mirror.restore_stopped": (
        "WARNING: the journal is damaged at frame {frame} (byte {offset}, {problem}): the rebuild stopped at the last good frame before it. Anything after it must come from the central server or a backup (counter-app recover --from-server).",
        "चेतावनी: जर्नल फ़्रेम {frame} (बाइट {offset}, {problem}) पर खराब है: पुनर्निर्माण उससे पहले के अंतिम सही फ़्रेम पर रुका। उसके बाद का सब केंद्रीय सर्वर या बैकअप से लाना होगा (counter-app recover --from-server)।",
    ),
}
