/**
 * The receipt's own words per kiosk language (the page i18n catalogue, like
 * kiosk/kiosk-strings.ts): the same words on the kiosk's receipt page, in its print and in the
 * sealed PDF at `/me`. The consent texts themselves come from templates/consent; the German
 * legal terms (Einwilligung, Schweigepflichtsentbindung) stay beside every translation.
 * `{url}` and `{agency}` are filled in by the view.
 */
export interface ReceiptStrings {
  /** The document's title, per kind of declaration. */
  title: Record<'einwilligung' | 'schweigepflichtsentbindung', string>
  /** The kind's own name, per kind. */
  kind: Record<'einwilligung' | 'schweigepflichtsentbindung', string>
  /** "It is given", per kind (the kiosk page after signing). */
  given: Record<'einwilligung' | 'schweigepflichtsentbindung', string>
  receiptNumber: string
  code: string
  codeHelp: string
  qrAlt: string
  issuedBy: string
  issuedAt: string
  status: string
  statuses: Record<'active' | 'revoked' | 'expired' | 'lapsed' | 'other', string>
  validity: string
  until: string
  senders: string
  recipients: string
  purposes: string
  categories: string
  notChosen: string
  released: string
  entrustingPerson: string
  singleTransfer: string
  signatures: string
  roles: Record<'youth' | 'guardian' | 'entrusting_person', string>
  methods: Record<'kiosk_drawn' | 'kiosk_typed' | 'paper_scan' | 'staff_attested', string>
  drawnAlt: string
  confirmedSentence: string
  circumstances: string
  textRead: string
  revokeHeading: string
  revokeText: string
  revokeWays: string[]
  textHeading: string
  bindingHeading: string
  bindingNote: string
  textMatches: string
  textDiffers: string
  checksums: string
  textChecksum: string
  recordChecksum: string
  sealHeading: string
  sealText: string
  pdfAtMe: string
  print: string
  finish: string
  meDownload: string
}

const de: ReceiptStrings = {
  title: {
    einwilligung: 'Beleg: Einwilligung',
    schweigepflichtsentbindung: 'Beleg: Schweigepflichtsentbindung',
  },
  kind: {
    einwilligung: 'Einwilligung (§ 67b SGB X)',
    schweigepflichtsentbindung: 'Schweigepflichtsentbindung (§ 203 StGB, § 65 SGB VIII)',
  },
  given: {
    einwilligung: 'Vielen Dank. Ihre Einwilligung ist erteilt.',
    schweigepflichtsentbindung: 'Vielen Dank. Ihre Schweigepflichtsentbindung ist erteilt.',
  },
  receiptNumber: 'Beleg-Nr.',
  code: 'Belegcode',
  codeHelp:
    'Mit diesem Code und Ihrem Geburtsdatum sehen Sie unter {url}, wer was über Sie bekommen hat. Heben Sie den Code gut auf.',
  qrAlt: 'QR-Code zur Selbstauskunft mit Ihrem Belegcode',
  issuedBy: 'Ausgestellt von',
  issuedAt: 'Ausgestellt am',
  status: 'Stand',
  statuses: {
    active: 'gültig',
    revoked: 'widerrufen',
    expired: 'abgelaufen',
    lapsed: 'erloschen (nach dem 18. Geburtstag nicht bestätigt)',
    other: 'nicht in Kraft',
  },
  validity: 'Gültig',
  until: 'bis einschließlich',
  senders: 'Wer gibt Daten weiter',
  recipients: 'Wer darf die Daten bekommen',
  purposes: 'Wofür',
  categories: 'Welche Daten',
  notChosen: 'Von Ihnen abgewählt',
  released: 'Von der Schweigepflicht entbunden',
  entrustingPerson: 'Person, die die Daten dem Jugendamt anvertraut hat',
  singleTransfer: 'Nur für eine Übermittlung: die Zusammenfassung mit der Prüfsumme',
  signatures: 'Unterschriften',
  roles: {
    youth: 'Junge Person',
    guardian: 'Erziehungsberechtigte Person',
    entrusting_person: 'Anvertrauende Person (§ 65 SGB VIII)',
  },
  methods: {
    kiosk_drawn: 'am Kiosk mit dem Finger oder der Maus unterschrieben',
    kiosk_typed: 'am Kiosk den Namen getippt und die Zustimmung mit einem Haken bestätigt',
    paper_scan: 'auf Papier unterschrieben (der Scan liegt bei der Stelle)',
    staff_attested: 'persönlich gegenüber einer Fachkraft erklärt; die Fachkraft hat es bestätigt',
  },
  drawnAlt: 'Gezeichnete Unterschrift',
  confirmedSentence: 'Bestätigter Satz',
  circumstances: 'Von der Fachkraft notiert',
  textRead: 'Gelesener Text',
  revokeHeading: 'So widerrufen Sie',
  revokeText:
    'Sie können jederzeit widerrufen, ohne Gründe zu nennen. Ab dem Widerruf wird nichts mehr übermittelt, auch nichts, was schon vorbereitet war. Was vorher rechtmäßig übermittelt wurde, bleibt davon unberührt.',
  revokeWays: [
    'auf der Seite {url} mit Belegcode und Geburtsdatum,',
    'am Tablet (Kiosk) Ihrer Stelle mit Belegcode und Geburtsdatum,',
    'oder persönlich oder schriftlich bei jeder oben genannten Stelle.',
  ],
  textHeading: 'Der Text, den Sie unterschrieben haben',
  bindingHeading: 'Verbindlicher deutscher Text',
  bindingNote: 'Verbindlich ist der deutsche Text.',
  textMatches: 'Die Prüfsumme stimmt mit der Unterschrift überein.',
  textDiffers:
    'Achtung: Dieser Text weicht von der unterschriebenen Fassung ab. Maßgeblich ist die Prüfsumme der Unterschrift.',
  checksums: 'Prüfsummen (SHA-256)',
  textChecksum: 'Text',
  recordChecksum: 'Erklärung (gespeicherter Datensatz)',
  sealHeading: 'Digitales Siegel',
  sealText:
    'Dieses PDF ist von {agency} mit ihrem Zertifikat digital signiert (PAdES). Jede Änderung macht die Signatur ungültig. Ein PDF-Programm zeigt Ihnen, ob sie gültig ist.',
  pdfAtMe:
    'Den Beleg als PDF mit digitalem Siegel bekommen Sie jederzeit unter {url} mit Belegcode und Geburtsdatum.',
  print: 'Drucken',
  finish: 'Fertig',
  meDownload: 'Beleg als PDF (mit digitalem Siegel)',
}

export const receiptStrings: Record<string, ReceiptStrings> = {
  de,
  'de-ls': {
    ...de,
    given: {
      einwilligung: 'Danke. Sie haben Ja gesagt. Ihre Einwilligung gilt jetzt.',
      schweigepflichtsentbindung:
        'Danke. Sie haben Ja gesagt. Ihre Schweigepflichtsentbindung gilt jetzt.',
    },
    codeHelp:
      'Mit diesem Code und Ihrem Geburtstag sehen Sie auf {url}: Wer hat welche Daten bekommen? Heben Sie den Code gut auf.',
    senders: 'Diese Ämter geben Daten weiter',
    recipients: 'Diese Ämter bekommen die Daten',
    purposes: 'Dafür',
    categories: 'Diese Daten',
    notChosen: 'Das wollten Sie nicht',
    methods: {
      kiosk_drawn: 'am Tablet mit dem Finger unterschrieben',
      kiosk_typed: 'am Tablet den Namen geschrieben und einen Haken gemacht',
      paper_scan: 'auf Papier unterschrieben',
      staff_attested: 'bei einer Fachkraft Ja gesagt. Die Fachkraft hat das aufgeschrieben.',
    },
    revokeHeading: 'So sagen Sie Nein',
    revokeText:
      'Sie können immer Nein sagen. Sie müssen nicht sagen, warum. Dann wird nichts mehr weitergegeben.',
    revokeWays: [
      'auf der Seite {url} mit Belegcode und Geburtstag,',
      'am Tablet im Amt mit Belegcode und Geburtstag,',
      'oder bei einem der Ämter oben.',
    ],
    textHeading: 'Diesen Text haben Sie unterschrieben',
    bindingNote: 'Gültig ist der Text auf Deutsch in Standard-Sprache.',
    sealText:
      'Dieses PDF hat ein digitales Siegel von {agency}. Wenn jemand etwas ändert, ist das Siegel kaputt.',
    pdfAtMe: 'Den Beleg als PDF bekommen Sie auf {url} mit Belegcode und Geburtstag.',
  },
  en: {
    title: {
      einwilligung: 'Receipt: consent (Einwilligung)',
      schweigepflichtsentbindung:
        'Receipt: release from confidentiality (Schweigepflichtsentbindung)',
    },
    kind: {
      einwilligung: 'Consent – Einwilligung (§ 67b SGB X)',
      schweigepflichtsentbindung:
        'Release from confidentiality – Schweigepflichtsentbindung (§ 203 StGB, § 65 SGB VIII)',
    },
    given: {
      einwilligung: 'Thank you. Your consent is given.',
      schweigepflichtsentbindung: 'Thank you. Your release from confidentiality is given.',
    },
    receiptNumber: 'Receipt no.',
    code: 'Receipt code',
    codeHelp:
      'With this code and your date of birth you can see at {url} who received what about you. Keep the code safe.',
    qrAlt: 'QR code for the self-service page with your receipt code',
    issuedBy: 'Issued by',
    issuedAt: 'Issued on',
    status: 'Status',
    statuses: {
      active: 'valid',
      revoked: 'revoked',
      expired: 'expired',
      lapsed: 'lapsed (not confirmed after your 18th birthday)',
      other: 'not in force',
    },
    validity: 'Valid',
    until: 'up to and including',
    senders: 'Who passes data on',
    recipients: 'Who may receive the data',
    purposes: 'What for',
    categories: 'Which data',
    notChosen: 'You deselected',
    released: 'Released from confidentiality',
    entrustingPerson: 'Person who entrusted the data to the Jugendamt',
    singleTransfer: 'For one transfer only: the summary with the checksum',
    signatures: 'Signatures',
    roles: {
      youth: 'Young person',
      guardian: 'Parent or guardian',
      entrusting_person: 'Entrusting person (§ 65 SGB VIII)',
    },
    methods: {
      kiosk_drawn: 'signed at the kiosk with a finger or the mouse',
      kiosk_typed: 'name typed at the kiosk and the consent confirmed with a tick',
      paper_scan: 'signed on paper (the scan is kept by the agency)',
      staff_attested: 'declared in person to a member of staff, who confirmed it',
    },
    drawnAlt: 'Drawn signature',
    confirmedSentence: 'Confirmed sentence',
    circumstances: 'Noted by the member of staff',
    textRead: 'Text read',
    revokeHeading: 'How to revoke',
    revokeText:
      'You can revoke at any time without giving reasons. From then on nothing more is sent, not even what was already prepared. What was lawfully sent before stays unaffected.',
    revokeWays: [
      'on the page {url} with your receipt code and date of birth,',
      'at the tablet (kiosk) of your agency with your receipt code and date of birth,',
      'or in person or in writing at any agency named above.',
    ],
    textHeading: 'The text you signed',
    bindingHeading: 'Binding German text',
    bindingNote: 'Only the German text is legally binding.',
    textMatches: 'The checksum matches the signature.',
    textDiffers:
      'Note: this text differs from the version signed. The checksum of the signature is what counts.',
    checksums: 'Checksums (SHA-256)',
    textChecksum: 'Text',
    recordChecksum: 'Declaration (stored record)',
    sealHeading: 'Digital seal',
    sealText:
      'This PDF is digitally signed by {agency} with its certificate (PAdES). Any change makes the signature invalid. A PDF reader shows you whether it is valid.',
    pdfAtMe:
      'You can get the receipt as a PDF with a digital seal at any time at {url} with your receipt code and date of birth.',
    print: 'Print',
    finish: 'Done',
    meDownload: 'Receipt as PDF (with digital seal)',
  },
  ar: {
    title: {
      einwilligung: 'إيصال: موافقة (Einwilligung)',
      schweigepflichtsentbindung: 'إيصال: إعفاء من واجب السرية (Schweigepflichtsentbindung)',
    },
    kind: {
      einwilligung: 'موافقة – Einwilligung (§ 67b SGB X)',
      schweigepflichtsentbindung:
        'إعفاء من واجب السرية – Schweigepflichtsentbindung (§ 203 StGB, § 65 SGB VIII)',
    },
    given: {
      einwilligung: 'شكراً لك. لقد أعطيت موافقتك.',
      schweigepflichtsentbindung: 'شكراً لك. لقد أعطيت الإعفاء من واجب السرية.',
    },
    receiptNumber: 'رقم الإيصال',
    code: 'رمز الإيصال',
    codeHelp:
      'بهذا الرمز وتاريخ ميلادك ترى على {url} من حصل على أي بيانات عنك. احتفظ بالرمز في مكان آمن.',
    qrAlt: 'رمز QR لصفحة الخدمة الذاتية مع رمز إيصالك',
    issuedBy: 'صادر عن',
    issuedAt: 'تاريخ الإصدار',
    status: 'الحالة',
    statuses: {
      active: 'سارية',
      revoked: 'مسحوبة',
      expired: 'منتهية',
      lapsed: 'سقطت (لم تُؤكَّد بعد بلوغ 18 عاماً)',
      other: 'غير سارية',
    },
    validity: 'صالحة',
    until: 'حتى',
    senders: 'من ينقل البيانات',
    recipients: 'من يجوز له استلام البيانات',
    purposes: 'لأي غرض',
    categories: 'أي بيانات',
    notChosen: 'ما ألغيت اختياره',
    released: 'المُعفَون من واجب السرية',
    entrustingPerson: 'الشخص الذي ائتمن مكتب رعاية الشباب على البيانات',
    singleTransfer: 'لعملية نقل واحدة فقط: الملخص ذو المجموع الاختباري',
    signatures: 'التوقيعات',
    roles: {
      youth: 'الشاب / الشابة',
      guardian: 'ولي الأمر',
      entrusting_person: 'الشخص المؤتمِن (§ 65 SGB VIII)',
    },
    methods: {
      kiosk_drawn: 'وُقّع على الجهاز بالإصبع أو بالفأرة',
      kiosk_typed: 'كُتب الاسم على الجهاز وأُكّدت الموافقة بعلامة',
      paper_scan: 'وُقّع على الورق (النسخة الممسوحة محفوظة لدى الجهة)',
      staff_attested: 'أُعلن شخصياً أمام موظف وأكّده الموظف',
    },
    drawnAlt: 'التوقيع المرسوم',
    confirmedSentence: 'الجملة المؤكَّدة',
    circumstances: 'ما دوّنه الموظف',
    textRead: 'النص المقروء',
    revokeHeading: 'كيف تسحب موافقتك',
    revokeText:
      'يمكنك السحب في أي وقت دون ذكر الأسباب. بعد السحب لا يُرسل شيء، حتى ما كان قد أُعدّ. ما أُرسل قبل ذلك بشكل قانوني يبقى كما هو.',
    revokeWays: [
      'على الصفحة {url} برمز الإيصال وتاريخ الميلاد،',
      'على الجهاز اللوحي (الكشك) في جهتك برمز الإيصال وتاريخ الميلاد،',
      'أو شخصياً أو كتابياً لدى أي جهة مذكورة أعلاه.',
    ],
    textHeading: 'النص الذي وقّعت عليه',
    bindingHeading: 'النص الألماني الملزم',
    bindingNote: 'النص الألماني وحده هو الملزم قانونياً.',
    textMatches: 'المجموع الاختباري يطابق التوقيع.',
    textDiffers: 'تنبيه: هذا النص يختلف عن النسخة الموقّعة. المعتمد هو المجموع الاختباري للتوقيع.',
    checksums: 'المجاميع الاختبارية (SHA-256)',
    textChecksum: 'النص',
    recordChecksum: 'الإقرار (السجل المحفوظ)',
    sealHeading: 'الختم الرقمي',
    sealText:
      'هذا الملف موقّع رقمياً من {agency} بشهادتها (PAdES). أي تغيير يجعل التوقيع غير صالح. يُظهر لك برنامج PDF ما إذا كان صالحاً.',
    pdfAtMe:
      'يمكنك الحصول على الإيصال كملف PDF بختم رقمي في أي وقت على {url} برمز الإيصال وتاريخ الميلاد.',
    print: 'طباعة',
    finish: 'تم',
    meDownload: 'الإيصال كملف PDF (بختم رقمي)',
  },
  tr: {
    title: {
      einwilligung: 'Makbuz: onay (Einwilligung)',
      schweigepflichtsentbindung:
        'Makbuz: sır saklama yükümlülüğünden muafiyet (Schweigepflichtsentbindung)',
    },
    kind: {
      einwilligung: 'Onay – Einwilligung (§ 67b SGB X)',
      schweigepflichtsentbindung:
        'Sır saklama yükümlülüğünden muafiyet – Schweigepflichtsentbindung (§ 203 StGB, § 65 SGB VIII)',
    },
    given: {
      einwilligung: 'Teşekkürler. Onayınız verildi.',
      schweigepflichtsentbindung: 'Teşekkürler. Sır saklama muafiyetiniz verildi.',
    },
    receiptNumber: 'Makbuz no.',
    code: 'Makbuz kodu',
    codeHelp:
      'Bu kod ve doğum tarihinizle {url} adresinde kimin sizinle ilgili neyi aldığını görebilirsiniz. Kodu iyi saklayın.',
    qrAlt: 'Makbuz kodunuzla öz hizmet sayfası için QR kodu',
    issuedBy: 'Düzenleyen',
    issuedAt: 'Düzenlenme tarihi',
    status: 'Durum',
    statuses: {
      active: 'geçerli',
      revoked: 'geri alındı',
      expired: 'süresi doldu',
      lapsed: 'düştü (18 yaşından sonra onaylanmadı)',
      other: 'yürürlükte değil',
    },
    validity: 'Geçerli',
    until: 'dahil olmak üzere şu tarihe kadar:',
    senders: 'Verileri kim aktarıyor',
    recipients: 'Verileri kim alabilir',
    purposes: 'Ne için',
    categories: 'Hangi veriler',
    notChosen: 'Seçimini kaldırdıklarınız',
    released: 'Sır saklama yükümlülüğünden muaf tutulanlar',
    entrustingPerson: 'Verileri Jugendamt’a emanet eden kişi',
    singleTransfer: 'Yalnızca bir aktarım için: sağlama toplamlı özet',
    signatures: 'İmzalar',
    roles: {
      youth: 'Genç',
      guardian: 'Veli / vasi',
      entrusting_person: 'Emanet eden kişi (§ 65 SGB VIII)',
    },
    methods: {
      kiosk_drawn: 'kioskta parmakla veya fareyle imzalandı',
      kiosk_typed: 'kioskta ad yazıldı ve onay bir işaretle teyit edildi',
      paper_scan: 'kâğıt üzerinde imzalandı (tarama kurumda saklanıyor)',
      staff_attested: 'bir çalışana yüz yüze beyan edildi; çalışan bunu onayladı',
    },
    drawnAlt: 'Çizilmiş imza',
    confirmedSentence: 'Onaylanan cümle',
    circumstances: 'Çalışanın notu',
    textRead: 'Okunan metin',
    revokeHeading: 'Nasıl geri alırsınız',
    revokeText:
      'İstediğiniz zaman, gerekçe göstermeden geri alabilirsiniz. Geri almadan sonra hiçbir şey aktarılmaz, hazırlanmış olanlar bile. Daha önce hukuka uygun olarak aktarılanlar bundan etkilenmez.',
    revokeWays: [
      '{url} sayfasında makbuz kodu ve doğum tarihinizle,',
      'kurumunuzdaki tablette (kiosk) makbuz kodu ve doğum tarihinizle,',
      'ya da yukarıda adı geçen herhangi bir kurumda yüz yüze veya yazılı olarak.',
    ],
    textHeading: 'İmzaladığınız metin',
    bindingHeading: 'Bağlayıcı Almanca metin',
    bindingNote: 'Yalnızca Almanca metin hukuken bağlayıcıdır.',
    textMatches: 'Sağlama toplamı imzayla eşleşiyor.',
    textDiffers:
      'Dikkat: Bu metin imzalanan sürümden farklı. Esas olan imzanın sağlama toplamıdır.',
    checksums: 'Sağlama toplamları (SHA-256)',
    textChecksum: 'Metin',
    recordChecksum: 'Beyan (kayıtlı veri)',
    sealHeading: 'Dijital mühür',
    sealText:
      'Bu PDF, {agency} tarafından sertifikasıyla dijital olarak imzalanmıştır (PAdES). Her değişiklik imzayı geçersiz kılar. Bir PDF programı geçerli olup olmadığını gösterir.',
    pdfAtMe:
      'Dijital mühürlü PDF makbuzu istediğiniz zaman {url} adresinden makbuz kodu ve doğum tarihinizle alabilirsiniz.',
    print: 'Yazdır',
    finish: 'Bitti',
    meDownload: 'PDF makbuz (dijital mühürlü)',
  },
  uk: {
    title: {
      einwilligung: 'Квитанція: згода (Einwilligung)',
      schweigepflichtsentbindung:
        'Квитанція: звільнення від обов’язку зберігати таємницю (Schweigepflichtsentbindung)',
    },
    kind: {
      einwilligung: 'Згода – Einwilligung (§ 67b SGB X)',
      schweigepflichtsentbindung:
        'Звільнення від обов’язку зберігати таємницю – Schweigepflichtsentbindung (§ 203 StGB, § 65 SGB VIII)',
    },
    given: {
      einwilligung: 'Дякуємо. Вашу згоду надано.',
      schweigepflichtsentbindung: 'Дякуємо. Звільнення від обов’язку зберігати таємницю надано.',
    },
    receiptNumber: 'Квитанція №',
    code: 'Код квитанції',
    codeHelp:
      'З цим кодом і вашою датою народження ви бачите на {url}, хто що отримав про вас. Зберігайте код у безпечному місці.',
    qrAlt: 'QR-код для сторінки самообслуговування з вашим кодом квитанції',
    issuedBy: 'Видано',
    issuedAt: 'Дата видачі',
    status: 'Стан',
    statuses: {
      active: 'чинна',
      revoked: 'відкликана',
      expired: 'закінчилася',
      lapsed: 'втратила силу (не підтверджена після 18-річчя)',
      other: 'не діє',
    },
    validity: 'Чинна',
    until: 'до включно',
    senders: 'Хто передає дані',
    recipients: 'Хто може отримати дані',
    purposes: 'Для чого',
    categories: 'Які дані',
    notChosen: 'Ви зняли позначку',
    released: 'Звільнені від обов’язку зберігати таємницю',
    entrustingPerson: 'Особа, яка довірила дані Jugendamt',
    singleTransfer: 'Лише для однієї передачі: резюме з контрольною сумою',
    signatures: 'Підписи',
    roles: {
      youth: 'Молода людина',
      guardian: 'Батьки або опікун',
      entrusting_person: 'Особа, яка довірила дані (§ 65 SGB VIII)',
    },
    methods: {
      kiosk_drawn: 'підписано в кіоску пальцем або мишею',
      kiosk_typed: 'ім’я введено в кіоску, а згоду підтверджено позначкою',
      paper_scan: 'підписано на папері (скан зберігається в установі)',
      staff_attested: 'заявлено особисто працівникові, який це підтвердив',
    },
    drawnAlt: 'Намальований підпис',
    confirmedSentence: 'Підтверджене речення',
    circumstances: 'Записано працівником',
    textRead: 'Прочитаний текст',
    revokeHeading: 'Як відкликати',
    revokeText:
      'Ви можете відкликати будь-коли без пояснення причин. Після цього нічого більше не передається, навіть те, що вже було підготовлено. Те, що було законно передано раніше, залишається чинним.',
    revokeWays: [
      'на сторінці {url} з кодом квитанції та датою народження,',
      'на планшеті (кіоску) вашої установи з кодом квитанції та датою народження,',
      'або особисто чи письмово в будь-якій установі, названій вище.',
    ],
    textHeading: 'Текст, який ви підписали',
    bindingHeading: 'Обов’язковий німецький текст',
    bindingNote: 'Юридичну силу має лише німецький текст.',
    textMatches: 'Контрольна сума збігається з підписом.',
    textDiffers:
      'Увага: цей текст відрізняється від підписаної версії. Вирішальною є контрольна сума підпису.',
    checksums: 'Контрольні суми (SHA-256)',
    textChecksum: 'Текст',
    recordChecksum: 'Заява (збережений запис)',
    sealHeading: 'Цифрова печатка',
    sealText:
      'Цей PDF цифрово підписано {agency} її сертифікатом (PAdES). Будь-яка зміна робить підпис недійсним. Програма для PDF покаже, чи він дійсний.',
    pdfAtMe:
      'Квитанцію як PDF із цифровою печаткою ви можете будь-коли отримати на {url} з кодом квитанції та датою народження.',
    print: 'Друкувати',
    finish: 'Готово',
    meDownload: 'Квитанція у PDF (з цифровою печаткою)',
  },
  ru: {
    title: {
      einwilligung: 'Квитанция: согласие (Einwilligung)',
      schweigepflichtsentbindung:
        'Квитанция: освобождение от обязанности хранить тайну (Schweigepflichtsentbindung)',
    },
    kind: {
      einwilligung: 'Согласие – Einwilligung (§ 67b SGB X)',
      schweigepflichtsentbindung:
        'Освобождение от обязанности хранить тайну – Schweigepflichtsentbindung (§ 203 StGB, § 65 SGB VIII)',
    },
    given: {
      einwilligung: 'Спасибо. Ваше согласие дано.',
      schweigepflichtsentbindung: 'Спасибо. Освобождение от обязанности хранить тайну дано.',
    },
    receiptNumber: 'Квитанция №',
    code: 'Код квитанции',
    codeHelp:
      'С этим кодом и вашей датой рождения вы видите на {url}, кто что получил о вас. Храните код в надёжном месте.',
    qrAlt: 'QR-код для страницы самообслуживания с вашим кодом квитанции',
    issuedBy: 'Выдано',
    issuedAt: 'Дата выдачи',
    status: 'Состояние',
    statuses: {
      active: 'действует',
      revoked: 'отозвано',
      expired: 'истекло',
      lapsed: 'утратило силу (не подтверждено после 18-летия)',
      other: 'не действует',
    },
    validity: 'Действует',
    until: 'по',
    senders: 'Кто передаёт данные',
    recipients: 'Кто может получить данные',
    purposes: 'Для чего',
    categories: 'Какие данные',
    notChosen: 'Вы сняли отметку',
    released: 'Освобождены от обязанности хранить тайну',
    entrustingPerson: 'Лицо, доверившее данные Jugendamt',
    singleTransfer: 'Только для одной передачи: сводка с контрольной суммой',
    signatures: 'Подписи',
    roles: {
      youth: 'Молодой человек',
      guardian: 'Родитель или опекун',
      entrusting_person: 'Доверившее лицо (§ 65 SGB VIII)',
    },
    methods: {
      kiosk_drawn: 'подписано в киоске пальцем или мышью',
      kiosk_typed: 'имя введено в киоске, согласие подтверждено галочкой',
      paper_scan: 'подписано на бумаге (скан хранится в учреждении)',
      staff_attested: 'заявлено лично сотруднику, который это подтвердил',
    },
    drawnAlt: 'Нарисованная подпись',
    confirmedSentence: 'Подтверждённое предложение',
    circumstances: 'Записано сотрудником',
    textRead: 'Прочитанный текст',
    revokeHeading: 'Как отозвать',
    revokeText:
      'Вы можете отозвать в любое время без объяснения причин. После отзыва ничего больше не передаётся, даже то, что уже было подготовлено. То, что было законно передано раньше, остаётся в силе.',
    revokeWays: [
      'на странице {url} с кодом квитанции и датой рождения,',
      'на планшете (киоске) вашего учреждения с кодом квитанции и датой рождения,',
      'или лично либо письменно в любом учреждении, названном выше.',
    ],
    textHeading: 'Текст, который вы подписали',
    bindingHeading: 'Обязательный немецкий текст',
    bindingNote: 'Юридическую силу имеет только немецкий текст.',
    textMatches: 'Контрольная сумма совпадает с подписью.',
    textDiffers:
      'Внимание: этот текст отличается от подписанной версии. Решающей является контрольная сумма подписи.',
    checksums: 'Контрольные суммы (SHA-256)',
    textChecksum: 'Текст',
    recordChecksum: 'Заявление (сохранённая запись)',
    sealHeading: 'Цифровая печать',
    sealText:
      'Этот PDF подписан цифровой подписью {agency} с её сертификатом (PAdES). Любое изменение делает подпись недействительной. Программа для PDF покажет, действительна ли она.',
    pdfAtMe:
      'Квитанцию в PDF с цифровой печатью вы можете в любое время получить на {url} с кодом квитанции и датой рождения.',
    print: 'Печать',
    finish: 'Готово',
    meDownload: 'Квитанция в PDF (с цифровой печатью)',
  },
  fa: {
    title: {
      einwilligung: 'رسید: رضایت (Einwilligung)',
      schweigepflichtsentbindung: 'رسید: معافیت از وظیفهٔ رازداری (Schweigepflichtsentbindung)',
    },
    kind: {
      einwilligung: 'رضایت – Einwilligung (§ 67b SGB X)',
      schweigepflichtsentbindung:
        'معافیت از وظیفهٔ رازداری – Schweigepflichtsentbindung (§ 203 StGB, § 65 SGB VIII)',
    },
    given: {
      einwilligung: 'سپاس. رضایت شما داده شد.',
      schweigepflichtsentbindung: 'سپاس. معافیت از وظیفهٔ رازداری داده شد.',
    },
    receiptNumber: 'شمارهٔ رسید',
    code: 'کد رسید',
    codeHelp:
      'با این کد و تاریخ تولد خود در {url} می‌بینید چه کسی چه اطلاعاتی دربارهٔ شما دریافت کرده است. کد را خوب نگه دارید.',
    qrAlt: 'کد QR برای صفحهٔ خودخدمت با کد رسید شما',
    issuedBy: 'صادرکننده',
    issuedAt: 'تاریخ صدور',
    status: 'وضعیت',
    statuses: {
      active: 'معتبر',
      revoked: 'پس گرفته شده',
      expired: 'منقضی شده',
      lapsed: 'از اعتبار افتاده (پس از ۱۸ سالگی تأیید نشد)',
      other: 'نامعتبر',
    },
    validity: 'معتبر',
    until: 'تا پایان',
    senders: 'چه کسی اطلاعات را منتقل می‌کند',
    recipients: 'چه کسی می‌تواند اطلاعات را دریافت کند',
    purposes: 'برای چه',
    categories: 'کدام اطلاعات',
    notChosen: 'آنچه شما برداشتید',
    released: 'معاف‌شدگان از وظیفهٔ رازداری',
    entrustingPerson: 'شخصی که اطلاعات را به Jugendamt سپرده است',
    singleTransfer: 'فقط برای یک انتقال: خلاصه با جمع کنترلی',
    signatures: 'امضاها',
    roles: {
      youth: 'جوان',
      guardian: 'والد یا سرپرست',
      entrusting_person: 'شخص سپارنده (§ 65 SGB VIII)',
    },
    methods: {
      kiosk_drawn: 'در کیوسک با انگشت یا ماوس امضا شد',
      kiosk_typed: 'نام در کیوسک نوشته شد و رضایت با یک علامت تأیید شد',
      paper_scan: 'روی کاغذ امضا شد (اسکن نزد اداره نگهداری می‌شود)',
      staff_attested: 'حضوری به یک کارمند اعلام شد و کارمند آن را تأیید کرد',
    },
    drawnAlt: 'امضای کشیده‌شده',
    confirmedSentence: 'جملهٔ تأییدشده',
    circumstances: 'یادداشت کارمند',
    textRead: 'متن خوانده‌شده',
    revokeHeading: 'چگونه پس بگیرید',
    revokeText:
      'می‌توانید هر زمان بدون ذکر دلیل پس بگیرید. از آن پس چیزی منتقل نمی‌شود، حتی آنچه آماده شده بود. آنچه پیش از آن به‌طور قانونی منتقل شده، به قوت خود باقی می‌ماند.',
    revokeWays: [
      'در صفحهٔ {url} با کد رسید و تاریخ تولد،',
      'در تبلت (کیوسک) ادارهٔ خود با کد رسید و تاریخ تولد،',
      'یا حضوری یا کتبی نزد هر یک از اداره‌های نام‌برده.',
    ],
    textHeading: 'متنی که امضا کردید',
    bindingHeading: 'متن آلمانی معتبر',
    bindingNote: 'فقط متن آلمانی از نظر حقوقی معتبر است.',
    textMatches: 'جمع کنترلی با امضا مطابقت دارد.',
    textDiffers: 'توجه: این متن با نسخهٔ امضاشده فرق دارد. ملاک جمع کنترلی امضا است.',
    checksums: 'جمع‌های کنترلی (SHA-256)',
    textChecksum: 'متن',
    recordChecksum: 'اظهارنامه (رکورد ذخیره‌شده)',
    sealHeading: 'مهر دیجیتال',
    sealText:
      'این PDF توسط {agency} با گواهی‌اش به‌صورت دیجیتال امضا شده است (PAdES). هر تغییری امضا را نامعتبر می‌کند. یک برنامهٔ PDF به شما نشان می‌دهد که آیا معتبر است.',
    pdfAtMe:
      'رسید را به‌صورت PDF با مهر دیجیتال هر زمان در {url} با کد رسید و تاریخ تولد دریافت می‌کنید.',
    print: 'چاپ',
    finish: 'پایان',
    meDownload: 'رسید به‌صورت PDF (با مهر دیجیتال)',
  },
}

export function receiptStringsFor(language: string): ReceiptStrings {
  return receiptStrings[language] ?? de
}
