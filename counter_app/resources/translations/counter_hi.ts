<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="hi_IN">
<context>
    <name>AlertLabel</name>
    <message>
        <source>Error:</source>
        <translation>त्रुटि:</translation>
    </message>
    <message>
        <source>Done:</source>
        <translation>हो गया:</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>सूचना:</translation>
    </message>
</context>
<context>
    <name>CollectPage</name>
    <message>
        <source>Account no. or search (F2)</source>
        <translation>खाता सं. या खोज (F2)</translation>
    </message>
    <message>
        <source>account number, or name / address / mobile</source>
        <translation>खाता संख्या, या नाम / पता / मोबाइल</translation>
    </message>
    <message>
        <source>Search results: Up and Down to move, Enter to choose</source>
        <translation>खोज परिणाम: ऊपर-नीचे तीर से चलें, Enter से चुनें</translation>
    </message>
    <message>
        <source>More consumers match: type more of the name or address.</source>
        <translation>और उपभोक्ता मिलते हैं: नाम या पता और लिखें।</translation>
    </message>
    <message>
        <source>Save and print receipt (F9)</source>
        <translation>रसीद सहेजें और छापें (F9)</translation>
    </message>
    <message>
        <source>Save and print receipt</source>
        <translation>रसीद सहेजें और छापें</translation>
    </message>
    <message>
        <source>Clear (Esc)</source>
        <translation>साफ़ करें (Esc)</translation>
    </message>
    <message>
        <source>Print again (Ctrl+P)</source>
        <translation>फिर से छापें (Ctrl+P)</translation>
    </message>
    <message>
        <source>No receipt yet in this session.</source>
        <translation>इस सत्र में अभी कोई रसीद नहीं।</translation>
    </message>
    <message>
        <source>Last receipt: %1, %2, account %3</source>
        <translation>पिछली रसीद: %1, %2, खाता %3</translation>
    </message>
    <message>
        <source>No consumer matches “%1”.</source>
        <translation>“%1” से कोई उपभोक्ता नहीं मिला।</translation>
    </message>
    <message>
        <source>Press F9 (or Ctrl+Enter) to save and print the receipt.</source>
        <translation>रसीद सहेजने और छापने के लिए F9 (या Ctrl+Enter) दबाएँ।</translation>
    </message>
    <message>
        <source>Saving...</source>
        <translation>सहेजी जा रही है...</translation>
    </message>
    <message>
        <source>Receipt %1 saved: %2. Printing...</source>
        <translation>रसीद %1 सहेजी गई: %2। छप रही है...</translation>
    </message>
    <message>
        <source>Receipt %1 printed again (DUPLICATE, reprint %2).</source>
        <translation>रसीद %1 फिर से छपी (दूसरी प्रति, पुनर्मुद्रण %2)।</translation>
    </message>
    <message>
        <source>Receipt %1 saved and printed.</source>
        <translation>रसीद %1 सहेजी गई और छप गई।</translation>
    </message>
    <message>
        <source>Press Ctrl+P to print it again.</source>
        <translation>फिर से छापने के लिए Ctrl+P दबाएँ।</translation>
    </message>
    <message>
        <source>Printing...</source>
        <translation>छप रही है...</translation>
    </message>
</context>
<context>
    <name>ConsumerCard</name>
    <message>
        <source>Domestic</source>
        <translation>घरेलू</translation>
    </message>
    <message>
        <source>Commercial</source>
        <translation>वाणिज्यिक</translation>
    </message>
    <message>
        <source>Public institution</source>
        <translation>सार्वजनिक संस्था</translation>
    </message>
    <message>
        <source>Small/medium industry</source>
        <translation>लघु/मध्यम उद्योग</translation>
    </message>
    <message>
        <source>Type or scan the account number from the bill and press Enter, or type a name, address or mobile number to search.</source>
        <translation>बिल से खाता संख्या लिखें या स्कैन करें और Enter दबाएँ, या खोजने के लिए नाम, पता या मोबाइल नंबर लिखें।</translation>
    </message>
    <message>
        <source>No consumer chosen</source>
        <translation>कोई उपभोक्ता नहीं चुना गया</translation>
    </message>
    <message>
        <source>Account no.</source>
        <translation>खाता सं.</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>श्रेणी</translation>
    </message>
    <message>
        <source>Meter no.</source>
        <translation>मीटर सं.</translation>
    </message>
    <message>
        <source>Last bill</source>
        <translation>पिछला बिल</translation>
    </message>
    <message>
        <source>Bill amount</source>
        <translation>बिल राशि</translation>
    </message>
    <message>
        <source>Arrears in bill</source>
        <translation>बिल में बकाया</translation>
    </message>
    <message>
        <source>Last payment</source>
        <translation>पिछला भुगतान</translation>
    </message>
    <message>
        <source>Amount due</source>
        <translation>देय राशि</translation>
    </message>
    <message>
        <source>%1 of %2, due %3</source>
        <translation>%1, दिनांक %2, देय तिथि %3</translation>
    </message>
    <message>
        <source>no bill yet</source>
        <translation>अभी कोई बिल नहीं</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1, %2 को</translation>
    </message>
    <message>
        <source>nothing (advance of %1)</source>
        <translation>कुछ नहीं (%1 अग्रिम)</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>अज्ञात</translation>
    </message>
    <message>
        <source>Balances as of %1</source>
        <translation>बकाया %1 की स्थिति के अनुसार</translation>
    </message>
    <message>
        <source>WARNING: %1</source>
        <translation>चेतावनी: %1</translation>
    </message>
    <message>
        <source>Consumer %1, account %2</source>
        <translation>उपभोक्ता %1, खाता %2</translation>
    </message>
    <message>
        <source>Account %1 is not in the local consumer data. To collect anyway, type the consumer&apos;s name from the bill:</source>
        <translation>खाता %1 स्थानीय उपभोक्ता डेटा में नहीं है। फिर भी राशि लेने के लिए बिल से उपभोक्ता का नाम लिखें:</translation>
    </message>
    <message>
        <source>Consumer name from the bill</source>
        <translation>बिल से उपभोक्ता का नाम</translation>
    </message>
</context>
<context>
    <name>CounterStatusBar</name>
    <message>
        <source>Online</source>
        <translation>ऑनलाइन</translation>
    </message>
    <message>
        <source>OFFLINE: receipts are kept here and sent later</source>
        <translation>ऑफ़लाइन: रसीदें यहीं सुरक्षित हैं, बाद में भेजी जाएँगी</translation>
    </message>
    <message>
        <source>Server closing the month: receipts are kept and sent later</source>
        <translation>सर्वर पर माह-अंत क्लोज़िंग: रसीदें सुरक्षित हैं, बाद में भेजी जाएँगी</translation>
    </message>
    <message>
        <source>SYNC STOPPED: this counter&apos;s key was refused; call IT</source>
        <translation>सिंक रुका: इस काउंटर की कुंजी अस्वीकार हुई; आईटी को बुलाएँ</translation>
    </message>
    <message>
        <source>Server problem: retrying</source>
        <translation>सर्वर में समस्या: फिर से प्रयास हो रहा है</translation>
    </message>
    <message>
        <source>Not connected to the central server</source>
        <translation>केंद्रीय सर्वर से नहीं जुड़ा</translation>
    </message>
    <message>
        <source>Connecting...</source>
        <translation>जुड़ रहा है...</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 मिनट</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 घंटे %2 मिनट</translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation>%1 दिन</translation>
    </message>
    <message>
        <source>Connection: %1</source>
        <translation>कनेक्शन: %1</translation>
    </message>
    <message>
        <source>Pending receipts: none</source>
        <translation>भेजने को बाकी रसीदें: कोई नहीं</translation>
    </message>
    <message>
        <source>Pending receipts: %1</source>
        <translation>भेजने को बाकी रसीदें: %1</translation>
    </message>
    <message>
        <source>(oldest %1)</source>
        <translation>(सबसे पुरानी %1)</translation>
    </message>
    <message>
        <source>LATE</source>
        <translation>देर</translation>
    </message>
    <message>
        <source>WAITING</source>
        <translation>प्रतीक्षा</translation>
    </message>
    <message>
        <source>- %1 need a supervisor</source>
        <translation>- %1 पर सुपरवाइज़र ध्यान दें</translation>
    </message>
    <message>
        <source>never</source>
        <translation>कभी नहीं</translation>
    </message>
    <message>
        <source>Last sync: %1</source>
        <translation>पिछला सिंक: %1</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>अभी नहीं</translation>
    </message>
    <message>
        <source>Consumer data as of %1</source>
        <translation>उपभोक्ता डेटा %1 तक का</translation>
    </message>
    <message>
        <source>Consumer data %p%</source>
        <translation>उपभोक्ता डेटा %p%</translation>
    </message>
    <message>
        <source>Consumer data download</source>
        <translation>उपभोक्ता डेटा डाउनलोड</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <source>KESCO cash counter</source>
        <translation>केस्को नकद काउंटर</translation>
    </message>
    <message>
        <source>Counter %1</source>
        <translation>काउंटर %1</translation>
    </message>
    <message>
        <source>&amp;User name</source>
        <translation>उपयोगकर्ता नाम (&amp;U)</translation>
    </message>
    <message>
        <source>&amp;PIN</source>
        <translation>पिन (&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>भाषा (&amp;L)</translation>
    </message>
    <message>
        <source>Log in (Enter)</source>
        <translation>लॉग इन (Enter)</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>लॉग इन</translation>
    </message>
    <message>
        <source>Enter your user name and PIN.</source>
        <translation>अपना उपयोगकर्ता नाम और पिन दर्ज करें।</translation>
    </message>
    <message>
        <source>Checking...</source>
        <translation>जाँच हो रही है...</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>KESCO cash counter %1</source>
        <translation>केस्को नकद काउंटर %1</translation>
    </message>
    <message>
        <source>Collect (F3)</source>
        <translation>संग्रह (F3)</translation>
    </message>
    <message>
        <source>Shift receipts (F4)</source>
        <translation>पाली की रसीदें (F4)</translation>
    </message>
    <message>
        <source>Switch language</source>
        <translation>भाषा बदलें</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>लॉग आउट</translation>
    </message>
    <message>
        <source>clerk</source>
        <translation>लिपिक</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>सुपरवाइज़र</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>एडमिन</translation>
    </message>
    <message>
        <source>Counter %1 | %2 (%3)</source>
        <translation>काउंटर %1 | %2 (%3)</translation>
    </message>
</context>
<context>
    <name>PaymentForm</name>
    <message>
        <source>DD-MM-YYYY</source>
        <translation>दिन-माह-वर्ष (DD-MM-YYYY)</translation>
    </message>
    <message>
        <source>&amp;Amount (₹)</source>
        <translation>राशि (₹) (&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Mode</source>
        <translation>भुगतान प्रकार (&amp;M)</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>नकद</translation>
    </message>
    <message>
        <source>Cheque</source>
        <translation>चेक</translation>
    </message>
    <message>
        <source>Demand draft (DD)</source>
        <translation>डिमांड ड्राफ्ट (डीडी)</translation>
    </message>
    <message>
        <source>UPI</source>
        <translation>यूपीआई</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>कार्ड</translation>
    </message>
    <message>
        <source>Cash &amp;handed over (₹)</source>
        <translation>दी गई नकदी (₹) (&amp;H)</translation>
    </message>
    <message>
        <source>same as the amount</source>
        <translation>राशि के बराबर</translation>
    </message>
    <message>
        <source>Change to return</source>
        <translation>लौटाने की राशि</translation>
    </message>
    <message>
        <source>Cheque/DD &amp;number</source>
        <translation>चेक/डीडी संख्या (&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Date on it</source>
        <translation>उस पर लिखी तारीख (&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Bank</source>
        <translation>बैंक (&amp;B)</translation>
    </message>
    <message>
        <source>&amp;IFSC or MICR</source>
        <translation>IFSC या MICR (&amp;I)</translation>
    </message>
    <message>
        <source>Transaction &amp;reference</source>
        <translation>लेन-देन संदर्भ (&amp;R)</translation>
    </message>
    <message>
        <source>Type the amount received.</source>
        <translation>प्राप्त राशि लिखें।</translation>
    </message>
    <message>
        <source>Not yet a valid amount: %1</source>
        <translation>अभी सही राशि नहीं: %1</translation>
    </message>
    <message>
        <source>short by %1</source>
        <translation>%1 कम</translation>
    </message>
</context>
<context>
    <name>ReceiptsPage</name>
    <message>
        <source>Receipts of this shift</source>
        <translation>इस पाली की रसीदें</translation>
    </message>
    <message>
        <source>Print again (Ctrl+P)</source>
        <translation>फिर से छापें (Ctrl+P)</translation>
    </message>
    <message>
        <source>Cancel receipt (Del)</source>
        <translation>रसीद रद्द करें (Del)</translation>
    </message>
    <message>
        <source>Back to collect (Esc)</source>
        <translation>संग्रह पर लौटें (Esc)</translation>
    </message>
    <message>
        <source>Cancel a receipt: supervisor&apos;s approval</source>
        <translation>रसीद रद्द करें: सुपरवाइज़र की स्वीकृति</translation>
    </message>
    <message>
        <source>&amp;Reason</source>
        <translation>कारण (&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Supervisor</source>
        <translation>सुपरवाइज़र (&amp;S)</translation>
    </message>
    <message>
        <source>Supervisor&apos;s &amp;PIN</source>
        <translation>सुपरवाइज़र का पिन (&amp;P)</translation>
    </message>
    <message>
        <source>Approve and cancel the receipt (Enter)</source>
        <translation>स्वीकृत करें और रसीद रद्द करें (Enter)</translation>
    </message>
    <message>
        <source>Receipt no.</source>
        <translation>रसीद सं.</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>समय</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>खाता</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>नाम</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>राशि</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>भुगतान प्रकार</translation>
    </message>
    <message>
        <source>State</source>
        <translation>स्थिति</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>नकद</translation>
    </message>
    <message>
        <source>Cheque</source>
        <translation>चेक</translation>
    </message>
    <message>
        <source>DD</source>
        <translation>डीडी</translation>
    </message>
    <message>
        <source>UPI</source>
        <translation>यूपीआई</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>कार्ड</translation>
    </message>
    <message>
        <source>CANCELLED</source>
        <translation>रद्द</translation>
    </message>
    <message>
        <source>%1 receipts, %2 collected (cash %3)</source>
        <translation>%1 रसीदें, कुल %2 प्राप्त (नकद %3)</translation>
    </message>
    <message>
        <source>Choose a receipt in the list first.</source>
        <translation>पहले सूची में से रसीद चुनें।</translation>
    </message>
    <message>
        <source>Printing...</source>
        <translation>छप रही है...</translation>
    </message>
    <message>
        <source>Receipt %1 printed again (DUPLICATE, reprint %2).</source>
        <translation>रसीद %1 फिर से छपी (दूसरी प्रति, पुनर्मुद्रण %2)।</translation>
    </message>
    <message>
        <source>Receipt %1 saved and printed.</source>
        <translation>रसीद %1 सहेजी गई और छप गई।</translation>
    </message>
    <message>
        <source>Receipt %1, account %2, %3</source>
        <translation>रसीद %1, खाता %2, %3</translation>
    </message>
    <message>
        <source>Receipt %1 cancelled, approved by %2. Printing the cancellation slip...</source>
        <translation>रसीद %1 रद्द, स्वीकृति %2 द्वारा। रद्दीकरण पर्ची छप रही है...</translation>
    </message>
</context>
<context>
    <name>SetupDialog</name>
    <message>
        <source>Counter setup (IT)</source>
        <translation>काउंटर सेटअप (आईटी)</translation>
    </message>
    <message>
        <source>Set up this counter once. The counter code is printed on every receipt and cannot change after the first receipt. The enrollment code comes from headquarters and works only once; the token it gives is kept in this Windows user&apos;s credential store, not in a file.</source>
        <translation>इस काउंटर को एक बार सेट करें। काउंटर कोड हर रसीद पर छपता है और पहली रसीद के बाद बदल नहीं सकता। नामांकन कोड मुख्यालय से मिलता है और केवल एक बार काम करता है; उससे मिला टोकन इस विंडोज़ उपयोगकर्ता के क्रेडेंशियल स्टोर में रखा जाता है, किसी फ़ाइल में नहीं।</translation>
    </message>
    <message>
        <source>&amp;Counter code (e.g. K07)</source>
        <translation>काउंटर कोड (जैसे K07) (&amp;C)</translation>
    </message>
    <message>
        <source>Counter &amp;location</source>
        <translation>काउंटर का स्थान (&amp;L)</translation>
    </message>
    <message>
        <source>Central &amp;server address</source>
        <translation>केंद्रीय सर्वर का पता (&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Enrollment code</source>
        <translation>नामांकन कोड (&amp;E)</translation>
    </message>
    <message>
        <source>Set up</source>
        <translation>सेट करें</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>रद्द करें</translation>
    </message>
    <message>
        <source>Setup failed: %1</source>
        <translation>सेटअप विफल: %1</translation>
    </message>
</context>
<context>
    <name>ShiftPage</name>
    <message>
        <source>Open your shift</source>
        <translation>अपनी पाली खोलें</translation>
    </message>
    <message>
        <source>%1, count the cash in the drawer and enter it as the opening float.</source>
        <translation>%1, दराज़ की नकदी गिनें और उसे प्रारंभिक नकदी के रूप में दर्ज करें।</translation>
    </message>
    <message>
        <source>Opening &amp;cash float (₹)</source>
        <translation>प्रारंभिक नकदी (₹) (&amp;C)</translation>
    </message>
    <message>
        <source>Open shift (Enter)</source>
        <translation>पाली खोलें (Enter)</translation>
    </message>
    <message>
        <source>Shift opened with %1.</source>
        <translation>पाली %1 के साथ खुली।</translation>
    </message>
</context>
</TS>
