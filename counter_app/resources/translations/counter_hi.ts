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
    <name>ClosingTexts</name>
    <message>
        <source>SHORT by %1</source>
        <translation>%1 कम</translation>
    </message>
    <message>
        <source>EXCESS by %1</source>
        <translation>%1 अधिक</translation>
    </message>
    <message>
        <source>no variance</source>
        <translation>कोई अंतर नहीं</translation>
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
        <source>One account (Alt+&amp;G)</source>
        <translation>एक खाता (Alt+&amp;G)</translation>
    </message>
    <message>
        <source>Several accounts, one cheque/DD (Alt+&amp;G)</source>
        <translation>कई खाते, एक चेक/डीडी (Alt+&amp;G)</translation>
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
    <message>
        <source>CANCELLED:</source>
        <translation>रद्द:</translation>
    </message>
    <message>
        <source>GIVE CHANGE: %1.</source>
        <translation>बाकी लौटाएँ: %1।</translation>
    </message>
    <message>
        <source>Nothing found for “%1”: no mobile number ends in these digits, and an account number has 10 digits.</source>
        <translation>“%1” से कुछ नहीं मिला: कोई मोबाइल नंबर इन अंकों पर समाप्त नहीं होता, और खाता संख्या 10 अंकों की होती है।</translation>
    </message>
    <message>
        <source>Nothing found for “%1”: no account, meter or mobile number, name or address matches.</source>
        <translation>“%1” से कुछ नहीं मिला: कोई खाता, मीटर या मोबाइल नंबर, नाम या पता मेल नहीं खाता।</translation>
    </message>
    <message>
        <source>An account number has 10 digits. Consumers whose mobile number ends in “%1” are listed: press Down to choose.</source>
        <translation>खाता संख्या 10 अंकों की होती है। जिन उपभोक्ताओं का मोबाइल नंबर “%1” पर समाप्त होता है, वे सूची में हैं: चुनने के लिए नीचे का तीर दबाएँ।</translation>
    </message>
</context>
<context>
    <name>ConsumerCard</name>
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
        <source>CASH LIMIT: the drawer holds %1, above %2. No cash receipts until a supervisor&apos;s pickup (F8).</source>
        <translation>नकद सीमा: दराज़ में %1 है, %2 से अधिक। सुपरवाइज़र की नकद निकासी (F8) तक कोई नकद रसीद नहीं।</translation>
    </message>
    <message>
        <source>Cash in the drawer %1 is above the limit of %2: call a supervisor for a pickup (F8).</source>
        <translation>दराज़ में नकद %1, %2 की सीमा से अधिक है: नकद निकासी (F8) के लिए सुपरवाइज़र को बुलाएँ।</translation>
    </message>
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
    <name>DayBookPage</name>
    <message>
        <source>Day book</source>
        <translation>रोकड़ बही</translation>
    </message>
    <message>
        <source>&amp;From (DD-MM-YYYY)</source>
        <translation>से (DD-MM-YYYY) (&amp;F)</translation>
    </message>
    <message>
        <source>&amp;To (DD-MM-YYYY)</source>
        <translation>तक (DD-MM-YYYY) (&amp;T)</translation>
    </message>
    <message>
        <source>Show (Enter)</source>
        <translation>दिखाएँ (Enter)</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>तारीख</translation>
    </message>
    <message>
        <source>Receipts</source>
        <translation>रसीदें</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>रद्द रसीदें</translation>
    </message>
    <message>
        <source>Cheque/DD</source>
        <translation>चेक/डीडी</translation>
    </message>
    <message>
        <source>UPI/card</source>
        <translation>यूपीआई/कार्ड</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>शुद्ध</translation>
    </message>
    <message>
        <source>&amp;Print the day book</source>
        <translation>रोकड़ बही छापें (&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Save as PDF...</source>
        <translation>PDF के रूप में सहेजें... (&amp;S)</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>योग</translation>
    </message>
    <message>
        <source>No receipts in these dates.</source>
        <translation>इन तारीखों में कोई रसीद नहीं।</translation>
    </message>
    <message>
        <source>Printing...</source>
        <translation>छप रही है...</translation>
    </message>
    <message>
        <source>Day book printed.</source>
        <translation>रोकड़ बही छप गई।</translation>
    </message>
    <message>
        <source>Save the day book</source>
        <translation>रोकड़ बही सहेजें</translation>
    </message>
    <message>
        <source>Day book saved as %1.</source>
        <translation>रोकड़ बही %1 के रूप में सहेजी गई।</translation>
    </message>
</context>
<context>
    <name>DayCloseConfirm</name>
    <message>
        <source>Yes, close the day (F9)</source>
        <translation>हाँ, दिवस समापन करें (F9)</translation>
    </message>
    <message>
        <source>Go back (Esc)</source>
        <translation>वापस जाएँ (Esc)</translation>
    </message>
    <message>
        <source>Close the day %1 at this counter? %2 receipts: net %3 (gross %4, %5 cancelled for %6). Nothing more can be collected on this day afterwards. Press F9 to close the day, Esc to go back.</source>
        <translation>इस काउंटर पर दिन %1 का समापन करें? %2 रसीदें: शुद्ध %3 (सकल %4, %5 रद्द, %6)। इसके बाद इस दिन कोई वसूली नहीं हो सकेगी। दिवस समापन के लिए F9 दबाएँ, वापस जाने के लिए Esc।</translation>
    </message>
    <message>
        <source>Day %1 closed and saved at this counter: %2 receipts, net %3 (gross %4, %5 cancelled).</source>
        <translation>दिन %1 का समापन हुआ और इस काउंटर पर सुरक्षित है: %2 रसीदें, शुद्ध %3 (सकल %4, %5 रद्द)।</translation>
    </message>
    <message>
        <source>It is waiting to be sent: this counter is not connected to the central server now.</source>
        <translation>यह भेजे जाने की प्रतीक्षा में है: यह काउंटर अभी केंद्रीय सर्वर से जुड़ा नहीं है।</translation>
    </message>
    <message>
        <source>Sending it to the central server...</source>
        <translation>केंद्रीय सर्वर को भेजा जा रहा है...</translation>
    </message>
    <message>
        <source>It is waiting to be sent: this counter is OFFLINE. It goes when the connection is back.</source>
        <translation>यह भेजे जाने की प्रतीक्षा में है: यह काउंटर ऑफ़लाइन है। कनेक्शन लौटते ही चला जाएगा।</translation>
    </message>
</context>
<context>
    <name>DayClosePage</name>
    <message>
        <source>Day close</source>
        <translation>दिवस समापन</translation>
    </message>
    <message>
        <source>Business da&amp;te (DD-MM-YYYY)</source>
        <translation>व्यावसायिक तारीख (DD-MM-YYYY) (&amp;T)</translation>
    </message>
    <message>
        <source>Show (Enter)</source>
        <translation>दिखाएँ (Enter)</translation>
    </message>
    <message>
        <source>The day at this counter</source>
        <translation>इस काउंटर पर आज का दिन</translation>
    </message>
    <message>
        <source>Receipts (all)</source>
        <translation>रसीदें (सभी)</translation>
    </message>
    <message>
        <source>Gross total</source>
        <translation>सकल योग</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>रद्द रसीदें</translation>
    </message>
    <message>
        <source>Net collection</source>
        <translation>शुद्ध संग्रह</translation>
    </message>
    <message>
        <source>Reprints</source>
        <translation>पुनर्मुद्रण</translation>
    </message>
    <message>
        <source>Cash variance</source>
        <translation>नकद अंतर</translation>
    </message>
    <message>
        <source>Central server</source>
        <translation>केंद्रीय सर्वर</translation>
    </message>
    <message>
        <source>By mode of payment</source>
        <translation>भुगतान प्रकार अनुसार</translation>
    </message>
    <message>
        <source>By consumer category</source>
        <translation>उपभोक्ता श्रेणी अनुसार</translation>
    </message>
    <message>
        <source>Shifts</source>
        <translation>पालियाँ</translation>
    </message>
    <message>
        <source>Cancelled receipts</source>
        <translation>रद्द रसीदें</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>प्रकार</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>राशि</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>श्रेणी</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>लिपिक</translation>
    </message>
    <message>
        <source>Open/closed</source>
        <translation>खुली/बंद</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>अपेक्षित</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>गिना गया</translation>
    </message>
    <message>
        <source>Variance</source>
        <translation>अंतर</translation>
    </message>
    <message>
        <source>Approved by</source>
        <translation>स्वीकृतकर्ता</translation>
    </message>
    <message>
        <source>Remark</source>
        <translation>टिप्पणी</translation>
    </message>
    <message>
        <source>Receipt no.</source>
        <translation>रसीद सं.</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>खाता</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>कारण</translation>
    </message>
    <message>
        <source>Central server&apos;s confirmation</source>
        <translation>केंद्रीय सर्वर की पुष्टि</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>फिर से भेजें</translation>
    </message>
    <message>
        <source>Print &amp;Z-report (Ctrl+P)</source>
        <translation>Z-रिपोर्ट छापें (Ctrl+P) (&amp;Z)</translation>
    </message>
    <message>
        <source>Print pay-&amp;in slip</source>
        <translation>बैंक जमा पर्ची छापें (&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Save Z-report as PDF...</source>
        <translation>Z-रिपोर्ट PDF में सहेजें... (&amp;S)</translation>
    </message>
    <message>
        <source>E&amp;xport receipts as CSV...</source>
        <translation>रसीदें CSV में निर्यात करें... (&amp;X)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1 acknowledged, %2 waiting to be sent</source>
        <translation>%1 स्वीकृत, %2 भेजी जानी बाकी</translation>
    </message>
    <message>
        <source>Net</source>
        <translation>शुद्ध</translation>
    </message>
    <message>
        <source>OPEN</source>
        <translation>खुली</translation>
    </message>
    <message>
        <source>Closing the day...</source>
        <translation>दिन बंद हो रहा है...</translation>
    </message>
    <message>
        <source>The central server confirmed the day close.</source>
        <translation>केंद्रीय सर्वर ने दिवस समापन की पुष्टि की।</translation>
    </message>
    <message>
        <source>The central server&apos;s count differs from this counter&apos;s: see the receipts named above.</source>
        <translation>केंद्रीय सर्वर की गिनती इस काउंटर से अलग है: ऊपर बताई गई रसीदें देखें।</translation>
    </message>
    <message>
        <source>The day is not closed yet.</source>
        <translation>दिन अभी बंद नहीं हुआ है।</translation>
    </message>
    <message>
        <source>Closed by %1 at %2.</source>
        <translation>%1 द्वारा %2 पर बंद किया गया।</translation>
    </message>
    <message>
        <source>CONFIRMED by the central server: %1 receipts, %2, the same as this counter.</source>
        <translation>केंद्रीय सर्वर ने पुष्टि की: %1 रसीदें, %2, इस काउंटर के समान।</translation>
    </message>
    <message>
        <source>MISMATCH: the central server holds %1 receipts, %2; this counter has %3 receipts, %4. Missing on the server: %5.</source>
        <translation>मेल नहीं: केंद्रीय सर्वर पर %1 रसीदें, %2 हैं; इस काउंटर पर %3 रसीदें, %4। सर्वर पर नहीं: %5।</translation>
    </message>
    <message>
        <source>The central server did not take the day close. Call IT.</source>
        <translation>केंद्रीय सर्वर ने दिवस समापन स्वीकार नहीं किया। आईटी को बुलाएँ।</translation>
    </message>
    <message>
        <source>Waiting for the central server&apos;s answer...</source>
        <translation>केंद्रीय सर्वर के उत्तर की प्रतीक्षा...</translation>
    </message>
    <message>
        <source>Not sent yet: this counter is not connected to the central server now. It goes when the connection is back.</source>
        <translation>अभी नहीं भेजा गया: यह काउंटर अभी केंद्रीय सर्वर से जुड़ा नहीं है। जुड़ते ही भेजा जाएगा।</translation>
    </message>
    <message>
        <source>not sent yet</source>
        <translation>अभी नहीं भेजी</translation>
    </message>
    <message>
        <source>sent, lost by the server</source>
        <translation>भेजी गई, सर्वर से खो गई</translation>
    </message>
    <message>
        <source>refused by the server</source>
        <translation>सर्वर ने अस्वीकार की</translation>
    </message>
    <message>
        <source>conflict</source>
        <translation>टकराव</translation>
    </message>
    <message>
        <source>Sending the day close again (with %1 refused receipts)...</source>
        <translation>दिवस समापन फिर से भेजा जा रहा है (%1 अस्वीकृत रसीदों के साथ)...</translation>
    </message>
    <message>
        <source>Printing...</source>
        <translation>छप रही है...</translation>
    </message>
    <message>
        <source>Z-report printed.</source>
        <translation>Z-रिपोर्ट छप गई।</translation>
    </message>
    <message>
        <source>Pay-in slip printed.</source>
        <translation>बैंक जमा पर्ची छप गई।</translation>
    </message>
    <message>
        <source>Save the Z-report</source>
        <translation>Z-रिपोर्ट सहेजें</translation>
    </message>
    <message>
        <source>Z-report saved as %1.</source>
        <translation>Z-रिपोर्ट %1 के रूप में सहेजी गई।</translation>
    </message>
    <message>
        <source>Export the day&apos;s receipts</source>
        <translation>दिन की रसीदें निर्यात करें</translation>
    </message>
    <message>
        <source>%1 receipts written to %2.</source>
        <translation>%1 रसीदें %2 में लिखी गईं।</translation>
    </message>
    <message>
        <source>&amp;Close the day...</source>
        <translation>दिन बंद करें... (&amp;C)</translation>
    </message>
    <message>
        <source>The day was not closed.</source>
        <translation>दिवस समापन नहीं किया गया।</translation>
    </message>
    <message>
        <source>Not sent yet: this counter is OFFLINE. It goes when the connection is back.</source>
        <translation>अभी भेजा नहीं गया: यह काउंटर ऑफ़लाइन है। कनेक्शन लौटते ही चला जाएगा।</translation>
    </message>
</context>
<context>
    <name>Denominations</name>
    <message>
        <source>₹%1 notes</source>
        <translation>₹%1 के नोट</translation>
    </message>
    <message>
        <source>₹%1 coins</source>
        <translation>₹%1 के सिक्के</translation>
    </message>
    <message>
        <source>Pieces of %1</source>
        <translation>%1 के नग</translation>
    </message>
</context>
<context>
    <name>DepositPage</name>
    <message>
        <source>Bank deposit (pay-in slip)</source>
        <translation>बैंक जमा (जमा पर्ची)</translation>
    </message>
    <message>
        <source>The day&apos;s cash and its cheques and DDs as they go to the bank. The count starts from the shift closes and the pickups to the safe; correct it if the bag differs, untick a cheque or DD that does not go (Space). F9 records the deposit and prints the pay-in slip.</source>
        <translation>दिन का नकद और उसके चेक व डीडी, जैसे वे बैंक जाते हैं। गिनती पाली समापनों और तिजोरी में गई निकासियों से शुरू होती है; थैले में अंतर हो तो सुधारें, जो चेक या डीडी नहीं जा रहा उसका निशान हटाएँ (Space)। F9 जमा दर्ज करता है और जमा पर्ची छापता है।</translation>
    </message>
    <message>
        <source>Collection da&amp;te (DD-MM-YYYY)</source>
        <translation>संग्रह की तारीख (DD-MM-YYYY) (&amp;T)</translation>
    </message>
    <message>
        <source>Show (Enter)</source>
        <translation>दिखाएँ (Enter)</translation>
    </message>
    <message>
        <source>Pay-in slip</source>
        <translation>जमा पर्ची</translation>
    </message>
    <message>
        <source>Ban&amp;k</source>
        <translation>बैंक (&amp;K)</translation>
    </message>
    <message>
        <source>B&amp;ranch</source>
        <translation>शाखा (&amp;R)</translation>
    </message>
    <message>
        <source>Slip &amp;number</source>
        <translation>पर्ची संख्या (&amp;N)</translation>
    </message>
    <message>
        <source>Deposit d&amp;ate (DD-MM-YYYY)</source>
        <translation>जमा की तारीख (DD-MM-YYYY) (&amp;A)</translation>
    </message>
    <message>
        <source>Cash deposited</source>
        <translation>जमा किया गया नकद</translation>
    </message>
    <message>
        <source>Cash: %1</source>
        <translation>नकद: %1</translation>
    </message>
    <message>
        <source>Cheques and DDs in the deposit</source>
        <translation>जमा में चेक और डीडी</translation>
    </message>
    <message>
        <source>Record the deposit and print the pay-in slip (F9)</source>
        <translation>जमा दर्ज करें और जमा पर्ची छापें (F9)</translation>
    </message>
    <message>
        <source>Print the pay-in slip again (Ctrl+P)</source>
        <translation>जमा पर्ची फिर से छापें (Ctrl+P)</translation>
    </message>
    <message>
        <source>Pickups that went straight to the bank (%1) are not in this count.</source>
        <translation>सीधे बैंक गई निकासियाँ (%1) इस गिनती में नहीं हैं।</translation>
    </message>
    <message>
        <source>Already recorded for this day: %1.</source>
        <translation>इस दिन के लिए पहले से दर्ज: %1।</translation>
    </message>
    <message>
        <source>No cheque or DD on this day.</source>
        <translation>इस दिन कोई चेक या डीडी नहीं।</translation>
    </message>
    <message>
        <source>Deposit: cash %1 + cheques/DDs %2 = %3</source>
        <translation>जमा: नकद %1 + चेक/डीडी %2 = %3</translation>
    </message>
    <message>
        <source>Deposit %1 of %2 recorded.</source>
        <translation>जमा %1, राशि %2, दर्ज हुआ।</translation>
    </message>
    <message>
        <source>Printing...</source>
        <translation>छप रही है...</translation>
    </message>
    <message>
        <source>Deposit %1 recorded and the pay-in slip printed (%2, %3).</source>
        <translation>जमा %1 दर्ज हुआ और जमा पर्ची छप गई (%2, %3)।</translation>
    </message>
</context>
<context>
    <name>DishonourPage</name>
    <message>
        <source>Cheque or DD dishonoured</source>
        <translation>चेक या डीडी अनादरित</translation>
    </message>
    <message>
        <source>The bank returned a cheque or DD: find it, press Enter on it, write the reason from the bank&apos;s memo and record it. The payment is reversed on the consumer&apos;s account.</source>
        <translation>बैंक ने चेक या डीडी लौटाया: उसे खोजें, उस पर Enter दबाएँ, बैंक के मेमो से कारण लिखें और दर्ज करें। उपभोक्ता के खाते में भुगतान उलट दिया जाता है।</translation>
    </message>
    <message>
        <source>Receipt da&amp;te (DD-MM-YYYY)</source>
        <translation>रसीद की तारीख (DD-MM-YYYY) (&amp;T)</translation>
    </message>
    <message>
        <source>Cheque/DD no., account or receipt no. (&amp;F)</source>
        <translation>चेक/डीडी सं., खाता या रसीद सं. (&amp;F)</translation>
    </message>
    <message>
        <source>Receipt no.</source>
        <translation>रसीद सं.</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>प्रकार</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>संख्या</translation>
    </message>
    <message>
        <source>Bank</source>
        <translation>बैंक</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>खाता</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>राशि</translation>
    </message>
    <message>
        <source>State</source>
        <translation>स्थिति</translation>
    </message>
    <message>
        <source>Cheques and DDs received</source>
        <translation>प्राप्त चेक और डीडी</translation>
    </message>
    <message>
        <source>Record the dishonour</source>
        <translation>अनादरण दर्ज करें</translation>
    </message>
    <message>
        <source>&amp;Reason (from the bank&apos;s memo)</source>
        <translation>कारण (बैंक के मेमो से) (&amp;R)</translation>
    </message>
    <message>
        <source>Record the dishonour (Enter)</source>
        <translation>अनादरण दर्ज करें (Enter)</translation>
    </message>
    <message>
        <source>No cheque or DD matches on that day.</source>
        <translation>उस दिन का कोई चेक या डीडी मेल नहीं खाता।</translation>
    </message>
    <message>
        <source>Cheque/DD %1 paid %2 accounts, %3. Its dishonour reverses every receipt of it:</source>
        <translation>चेक/डीडी %1 से %2 खातों का भुगतान हुआ, %3। इसके अनादरण से इसकी हर रसीद प्रत्यावर्तित होगी:</translation>
    </message>
    <message>
        <source>Receipt %1, account %2, %3: %4</source>
        <translation>रसीद %1, खाता %2, %3: %4</translation>
    </message>
    <message>
        <source>Dishonour of receipt %1 (%2) recorded; it goes to the central server, which reverses the payment on account %3.</source>
        <translation>रसीद %1 (%2) का अनादरण दर्ज हुआ; यह केंद्रीय सर्वर को जाता है, जो खाता %3 पर भुगतान उलट देता है।</translation>
    </message>
    <message>
        <source>Dishonour recorded for all %1 receipts of the cheque/DD (%2): %3; they go to the central server, which reverses each payment.</source>
        <translation>चेक/डीडी की सभी %1 रसीदों (%2) का अनादरण दर्ज हुआ: %3; ये केंद्रीय सर्वर को जाते हैं, जो हर भुगतान प्रत्यावर्तित करता है।</translation>
    </message>
</context>
<context>
    <name>GroupPaymentPanel</name>
    <message>
        <source>One cheque or DD for several accounts</source>
        <translation>कई खातों के लिए एक चेक या डीडी</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>भुगतान प्रकार</translation>
    </message>
    <message>
        <source>Cheque/DD number</source>
        <translation>चेक/डीडी संख्या</translation>
    </message>
    <message>
        <source>Date on it</source>
        <translation>उस पर तारीख</translation>
    </message>
    <message>
        <source>Bank</source>
        <translation>बैंक</translation>
    </message>
    <message>
        <source>IFSC or MICR</source>
        <translation>IFSC या MICR</translation>
    </message>
    <message>
        <source>Amount on it (₹)</source>
        <translation>उस पर राशि (₹)</translation>
    </message>
    <message>
        <source>Account no.</source>
        <translation>खाता सं.</translation>
    </message>
    <message>
        <source>Amount for it (₹)</source>
        <translation>इस खाते की राशि (₹)</translation>
    </message>
    <message>
        <source>DD-MM-YYYY</source>
        <translation>दिन-माह-वर्ष (DD-MM-YYYY)</translation>
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
        <source>Category</source>
        <translation>श्रेणी</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>राशि</translation>
    </message>
    <message>
        <source>Accounts paid by this cheque or DD: Del removes the chosen one</source>
        <translation>इस चेक या डीडी से भुगतान वाले खाते: Del चुना हुआ हटाता है</translation>
    </message>
    <message>
        <source>Account number, Enter, amount, Enter adds a line. Del removes the chosen line. F9 saves one receipt per account and prints them with a covering slip. Esc goes back to one account.</source>
        <translation>खाता संख्या, Enter, राशि, Enter से एक पंक्ति जुड़ती है। Del चुनी पंक्ति हटाता है। F9 हर खाते की एक रसीद सहेजकर कवरिंग पर्ची के साथ छापता है। Esc एक खाते पर लौटाता है।</translation>
    </message>
    <message>
        <source>%1 accounts, sum %2</source>
        <translation>%1 खाते, योग %2</translation>
    </message>
    <message>
        <source>type the amount on the cheque/DD</source>
        <translation>चेक/डीडी पर लिखी राशि दर्ज करें</translation>
    </message>
    <message>
        <source>equals the cheque/DD: ready (F9)</source>
        <translation>चेक/डीडी के बराबर: तैयार (F9)</translation>
    </message>
    <message>
        <source>cheque/DD %1, difference %2</source>
        <translation>चेक/डीडी %1, अंतर %2</translation>
    </message>
    <message>
        <source>Saving...</source>
        <translation>सहेजी जा रही है...</translation>
    </message>
    <message>
        <source>%1 receipts saved for cheque/DD %2 (%3): %4. Printing them and the covering slip...</source>
        <translation>चेक/डीडी %2 (%3) की %1 रसीदें सहेजी गईं: %4। ये और कवरिंग पर्ची छप रही हैं...</translation>
    </message>
    <message>
        <source>Receipts %1 to %2 and the covering slip printed.</source>
        <translation>रसीदें %1 से %2 और कवरिंग पर्ची छप गईं।</translation>
    </message>
    <message>
        <source>Press Ctrl+P to print them again.</source>
        <translation>इन्हें फिर छापने के लिए Ctrl+P दबाएँ।</translation>
    </message>
    <message>
        <source>Printing...</source>
        <translation>छप रही है...</translation>
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
        <source>Close shift (F6)</source>
        <translation>पाली बंद करें (F6)</translation>
    </message>
    <message>
        <source>Cash pickup (F8)</source>
        <translation>नकद निकासी (F8)</translation>
    </message>
    <message>
        <source>Day close (F7)</source>
        <translation>दिवस समापन (F7)</translation>
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
    <name>PendingWords</name>
    <message>
        <source>%1 receipt</source>
        <translation>%1 रसीद</translation>
    </message>
    <message>
        <source>%1 receipts</source>
        <translation>%1 रसीदें</translation>
    </message>
    <message>
        <source>%1 cancellation</source>
        <translation>%1 रद्दीकरण</translation>
    </message>
    <message>
        <source>%1 cancellations</source>
        <translation>%1 रद्दीकरण</translation>
    </message>
    <message>
        <source>%1 dishonoured cheque</source>
        <translation>%1 अनादरित चेक</translation>
    </message>
    <message>
        <source>%1 dishonoured cheques</source>
        <translation>%1 अनादरित चेक</translation>
    </message>
    <message>
        <source>%1 reversal</source>
        <translation>%1 प्रत्यावर्तन</translation>
    </message>
    <message>
        <source>%1 reversals</source>
        <translation>%1 प्रत्यावर्तन</translation>
    </message>
    <message>
        <source>%1 shift close</source>
        <translation>%1 पाली समापन</translation>
    </message>
    <message>
        <source>%1 shift closes</source>
        <translation>%1 पाली समापन</translation>
    </message>
    <message>
        <source>%1 day close</source>
        <translation>%1 दिवस समापन</translation>
    </message>
    <message>
        <source>%1 day closes</source>
        <translation>%1 दिवस समापन</translation>
    </message>
    <message>
        <source>%1 cash pickup</source>
        <translation>%1 नकद निकासी</translation>
    </message>
    <message>
        <source>%1 cash pickups</source>
        <translation>%1 नकद निकासियाँ</translation>
    </message>
    <message>
        <source>%1 deposit</source>
        <translation>%1 बैंक जमा</translation>
    </message>
    <message>
        <source>%1 deposits</source>
        <translation>%1 बैंक जमा</translation>
    </message>
    <message>
        <source>%1 other record</source>
        <translation>%1 अन्य रिकॉर्ड</translation>
    </message>
    <message>
        <source>%1 other records</source>
        <translation>%1 अन्य रिकॉर्ड</translation>
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
        <source>Pending: %1</source>
        <translation>भेजने को बाकी: %1</translation>
    </message>
    <message>
        <source> and </source>
        <translation> और </translation>
    </message>
</context>
<context>
    <name>PickupPage</name>
    <message>
        <source>Cash pickup: a supervisor takes cash from the drawer</source>
        <translation>नकद निकासी: सुपरवाइज़र दराज़ से नकद ले जाते हैं</translation>
    </message>
    <message>
        <source>Count what the supervisor takes: pieces of each note and coin (Enter: next). Choose where it goes, then the supervisor types their name and PIN. F9 records it and prints the pickup slip; the shift close will expect that much less.</source>
        <translation>सुपरवाइज़र जो नकद ले रहे हैं उसे गिनें: हर नोट और सिक्के के नग (Enter: अगला)। चुनें कि नकद कहाँ जाएगा, फिर सुपरवाइज़र अपना नाम और पिन लिखें। F9 इसे दर्ज करता है और निकासी पर्ची छापता है; पाली समापन में उतना कम नकद अपेक्षित होगा।</translation>
    </message>
    <message>
        <source>Cash taken out</source>
        <translation>निकाला गया नकद</translation>
    </message>
    <message>
        <source>Taken out: %1</source>
        <translation>निकाला गया: %1</translation>
    </message>
    <message>
        <source>Pickup</source>
        <translation>निकासी</translation>
    </message>
    <message>
        <source>Office safe</source>
        <translation>कार्यालय तिजोरी</translation>
    </message>
    <message>
        <source>Bank (cash van)</source>
        <translation>बैंक (कैश वैन)</translation>
    </message>
    <message>
        <source>&amp;Goes to</source>
        <translation>कहाँ जाएगा (&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Remark (optional)</source>
        <translation>टिप्पणी (वैकल्पिक) (&amp;R)</translation>
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
        <source>Record the pickup and print (F9)</source>
        <translation>निकासी दर्ज करें और छापें (F9)</translation>
    </message>
    <message>
        <source>Print the slip again (Ctrl+P)</source>
        <translation>पर्ची फिर से छापें (Ctrl+P)</translation>
    </message>
    <message>
        <source>Back to collection (Esc)</source>
        <translation>वसूली पर वापस (Esc)</translation>
    </message>
    <message>
        <source>Cash in the drawer now: %1</source>
        <translation>दराज़ में अभी नकद: %1</translation>
    </message>
    <message>
        <source>(picked up so far in this shift: %1)</source>
        <translation>(इस पाली में अब तक निकाला गया: %1)</translation>
    </message>
    <message>
        <source>Pickup of %1 recorded (taken by %2).</source>
        <translation>%1 की निकासी दर्ज हुई (%2 द्वारा ली गई)।</translation>
    </message>
    <message>
        <source>Pickup of %1 recorded and the slip printed. One copy stays in the drawer, one goes with the cash.</source>
        <translation>%1 की निकासी दर्ज हुई और पर्ची छप गई। एक प्रति दराज़ में रहती है, एक नकद के साथ जाती है।</translation>
    </message>
    <message>
        <source>Printing the pickup slip...</source>
        <translation>निकासी पर्ची छप रही है...</translation>
    </message>
</context>
<context>
    <name>ReceiptsPage</name>
    <message>
        <source>Receipts of this shift</source>
        <translation>इस पाली की रसीदें</translation>
    </message>
    <message>
        <source>Receipt %1</source>
        <translation>रसीद %1</translation>
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
        <source>Receipt of another shift or day: its number, Enter (Ctrl+F)</source>
        <translation>दूसरी पाली या दिन की रसीद: उसकी संख्या, Enter (Ctrl+F)</translation>
    </message>
    <message>
        <source>Reverse a receipt: supervisor&apos;s approval</source>
        <translation>रसीद प्रत्यावर्तन: सुपरवाइज़र की स्वीकृति</translation>
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
        <source>Approve the reversal (Enter)</source>
        <translation>प्रत्यावर्तन स्वीकृत करें (Enter)</translation>
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
    <message>
        <source>Receipt %1 reversed (%2), approved by %3; the reversal is dated %4 and goes to the central server.</source>
        <translation>रसीद %1 प्रत्यावर्तित (%2), स्वीकृतकर्ता %3; प्रत्यावर्तन %4 की तारीख का है और केंद्रीय सर्वर को जाता है।</translation>
    </message>
</context>
<context>
    <name>ReportErrors</name>
    <message>
        <source>shift report</source>
        <translation>पाली रिपोर्ट</translation>
    </message>
    <message>
        <source>Z-report</source>
        <translation>Z-रिपोर्ट</translation>
    </message>
    <message>
        <source>pay-in slip</source>
        <translation>बैंक जमा पर्ची</translation>
    </message>
    <message>
        <source>day book</source>
        <translation>रोकड़ बही</translation>
    </message>
    <message>
        <source>No printer is set up on this computer: the %2 was NOT printed.</source>
        <translation>इस कंप्यूटर पर कोई प्रिंटर नहीं लगा है: %2 नहीं छपी।</translation>
    </message>
    <message>
        <source>The printer %1 is not available: the %2 was NOT printed.</source>
        <translation>प्रिंटर %1 उपलब्ध नहीं है: %2 नहीं छपी।</translation>
    </message>
    <message>
        <source>The %2 was NOT printed (%1). Check the printer.</source>
        <translation>%2 नहीं छपी (%1)। प्रिंटर जाँचें।</translation>
    </message>
    <message>
        <source>Press Ctrl+P to print it again.</source>
        <translation>फिर से छापने के लिए Ctrl+P दबाएँ।</translation>
    </message>
    <message>
        <source>pickup slip</source>
        <translation>निकासी पर्ची</translation>
    </message>
</context>
<context>
    <name>SearchResultsModel</name>
    <message>
        <source>due %1</source>
        <translation>देय %1</translation>
    </message>
    <message>
        <source>mobile %1</source>
        <translation>मोबाइल %1</translation>
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
    <name>ShiftClosePage</name>
    <message>
        <source>Close your shift: count the cash</source>
        <translation>अपनी पाली बंद करें: नकद गिनें</translation>
    </message>
    <message>
        <source>Count the cash in the drawer and type how many pieces of each note and coin (Tab or Enter: next). Tick each cheque and DD that is in the drawer (Space). The system shows what it expected only after you press F9, Count done.</source>
        <translation>दराज़ का नकद गिनें और हर नोट व सिक्के के नग लिखें (Tab या Enter: अगला)। दराज़ में मौजूद हर चेक और डीडी पर निशान लगाएँ (Space)। सिस्टम अपेक्षित राशि तभी दिखाता है जब आप F9 (गिनती पूरी) दबाते हैं।</translation>
    </message>
    <message>
        <source>Shift closed</source>
        <translation>पाली बंद</translation>
    </message>
    <message>
        <source>The shift is locked: no receipt, cancellation or change can be made in it. Hand the cash, the cheques and DDs and the shift report to the supervisor.</source>
        <translation>पाली लॉक है: इसमें कोई रसीद, रद्दीकरण या बदलाव नहीं हो सकता। नकद, चेक व डीडी और पाली रिपोर्ट सुपरवाइज़र को सौंपें।</translation>
    </message>
    <message>
        <source>Cash in the drawer</source>
        <translation>दराज़ में नकद</translation>
    </message>
    <message>
        <source>Cheques and DDs of this shift</source>
        <translation>इस पाली के चेक और डीडी</translation>
    </message>
    <message>
        <source>Up and Down to move, Space to tick the ones in the drawer.</source>
        <translation>ऊपर-नीचे से चलें, दराज़ में मौजूद पर Space से निशान लगाएँ।</translation>
    </message>
    <message>
        <source>Count done (F9)</source>
        <translation>गिनती पूरी (F9)</translation>
    </message>
    <message>
        <source>Counted against expected</source>
        <translation>गिनती बनाम अपेक्षित</translation>
    </message>
    <message>
        <source>&amp;Remark</source>
        <translation>टिप्पणी (&amp;R)</translation>
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
        <source>Close the shift and print (F9)</source>
        <translation>पाली बंद करें और छापें (F9)</translation>
    </message>
    <message>
        <source>Count again (Esc)</source>
        <translation>फिर से गिनें (Esc)</translation>
    </message>
    <message>
        <source>Print the report again (Ctrl+P)</source>
        <translation>रिपोर्ट फिर से छापें (Ctrl+P)</translation>
    </message>
    <message>
        <source>Log out (Enter)</source>
        <translation>लॉग आउट (Enter)</translation>
    </message>
    <message>
        <source>Counted cash: %1</source>
        <translation>गिना गया नकद: %1</translation>
    </message>
    <message>
        <source>No cheque or DD in this shift.</source>
        <translation>इस पाली में कोई चेक या डीडी नहीं।</translation>
    </message>
    <message>
        <source>Press F9 when the count is done.</source>
        <translation>गिनती पूरी होने पर F9 दबाएँ।</translation>
    </message>
    <message>
        <source>Expected cash (float + cash receipts − cancelled): %1</source>
        <translation>अपेक्षित नकद (प्रारंभिक नकदी + नकद रसीदें − रद्द): %1</translation>
    </message>
    <message>
        <source>Picked up by supervisors during the shift (not expected in the drawer): %1</source>
        <translation>पाली के दौरान सुपरवाइज़र द्वारा निकाला गया (दराज़ में अपेक्षित नहीं): %1</translation>
    </message>
    <message>
        <source>SHORT by %1</source>
        <translation>%1 कम</translation>
    </message>
    <message>
        <source>EXCESS by %1</source>
        <translation>%1 अधिक</translation>
    </message>
    <message>
        <source>No variance: the count equals what was expected.</source>
        <translation>कोई अंतर नहीं: गिनती अपेक्षित के बराबर है।</translation>
    </message>
    <message>
        <source>Not ticked (not in the drawer): %1</source>
        <translation>निशान नहीं (दराज़ में नहीं): %1</translation>
    </message>
    <message>
        <source>The variance is above %1: a supervisor must approve here.</source>
        <translation>अंतर %1 से अधिक है: सुपरवाइज़र यहीं स्वीकृति दें।</translation>
    </message>
    <message>
        <source>Count again. The first count stays on record.</source>
        <translation>फिर से गिनें। पहली गिनती रिकॉर्ड में रहती है।</translation>
    </message>
    <message>
        <source>no variance</source>
        <translation>कोई अंतर नहीं</translation>
    </message>
    <message>
        <source>Shift closed and locked. Counted %1, expected %2: %3.</source>
        <translation>पाली बंद और लॉक। गिना गया %1, अपेक्षित %2: %3।</translation>
    </message>
    <message>
        <source>Printing the shift report...</source>
        <translation>पाली रिपोर्ट छप रही है...</translation>
    </message>
    <message>
        <source>Shift report printed. Keep it with the cash.</source>
        <translation>पाली रिपोर्ट छप गई। इसे नकद के साथ रखें।</translation>
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
    <message>
        <source>Only here for the day close? Day close (F7)</source>
        <translation>केवल दिवस समापन के लिए आए हैं? दिवस समापन (F7)</translation>
    </message>
</context>
<context>
    <name>ShiftTallyLabel</name>
    <message>
        <source>This shift: %1 receipts, %2</source>
        <translation>इस पाली में: %1 रसीदें, %2</translation>
    </message>
    <message>
        <source>(%1 cancelled, not counted)</source>
        <translation>(%1 रद्द, गिनी नहीं गईं)</translation>
    </message>
</context>
<context>
    <name>SupervisorPage</name>
    <message>
        <source>&amp;Day close</source>
        <translation>दिवस समापन (&amp;D)</translation>
    </message>
    <message>
        <source>Day &amp;book</source>
        <translation>रोकड़ बही (&amp;B)</translation>
    </message>
    <message>
        <source>Cheque dis&amp;honour</source>
        <translation>चेक अनादरण (&amp;H)</translation>
    </message>
    <message>
        <source>Dep&amp;osit (pay-in slip)</source>
        <translation>बैंक जमा (&amp;O)</translation>
    </message>
</context>
</TS>
