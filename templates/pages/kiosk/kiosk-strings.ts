/** The kiosk's own words per language; the consent text itself comes from templates/consent. */
export interface KioskStrings {
  languageName: string
  read: string
  readAloud: string
  stopReading: string
  next: string
  choose: string
  chooseHelp: string
  recipients: string
  categories: string
  special: string
  specialHelp: string
  summary: string
  sign: string
  signHere: string
  clear: string
  typedName: string
  agree: string
  decline: string
  receipt: string
  bindingNote: string
  language: string
  /** The optional reason offered with "Nicht zustimmen". */
  declineReason: string
  /** Heading when a young adult confirms at majority a consent a guardian co-signed. */
  confirmHeading: string
}

const de: KioskStrings = {
  languageName: 'Deutsch',
  read: 'Bitte lesen Sie in Ruhe',
  readAloud: 'Vorlesen',
  stopReading: 'Vorlesen beenden',
  next: 'Weiter',
  choose: 'Was darf weitergegeben werden?',
  chooseHelp: 'Entfernen Sie den Haken bei allem, was nicht weitergegeben werden soll.',
  recipients: 'Wer darf die Daten bekommen?',
  categories: 'Welche Daten?',
  special: 'Besonders geschützte Daten',
  specialHelp: 'Diese Daten sind nicht angekreuzt. Kreuzen Sie sie nur an, wenn Sie das wollen.',
  summary: 'Das wird übermittelt (Beratungsvermerk)',
  sign: 'Unterschrift',
  signHere: 'Bitte unterschreiben Sie hier mit dem Finger oder der Maus',
  clear: 'Unterschrift löschen',
  typedName: 'Ihr Name',
  agree: 'Zustimmen',
  decline: 'Nicht zustimmen',
  receipt: 'Ihr Beleg',
  bindingNote: '',
  language: 'Sprache',
  declineReason: 'Möchten Sie sagen, warum? (freiwillig)',
  confirmHeading: 'Selbst bestätigen (ab 18)',
}

export const kioskStrings: Record<string, KioskStrings> = {
  de,
  'de-ls': {
    ...de,
    languageName: 'Leichte Sprache',
    read: 'Bitte lesen Sie den Text',
    choose: 'Was dürfen die Ämter weitergeben?',
    chooseHelp: 'Nehmen Sie den Haken weg, wenn Sie etwas nicht wollen.',
    specialHelp: 'Hier ist noch kein Haken. Machen Sie nur einen Haken, wenn Sie das wollen.',
    bindingNote: 'Gültig ist der Text auf Deutsch in Standard-Sprache.',
    declineReason: 'Wollen Sie sagen: Warum nicht? Das müssen Sie nicht.',
    confirmHeading: 'Selbst Ja sagen (ab 18 Jahren)',
  },
  en: {
    languageName: 'English',
    read: 'Please take your time to read',
    readAloud: 'Read aloud',
    stopReading: 'Stop reading',
    next: 'Next',
    choose: 'What may be passed on?',
    chooseHelp: 'Untick everything that should not be passed on.',
    recipients: 'Who may receive the data?',
    categories: 'Which data?',
    special: 'Specially protected data',
    specialHelp: 'These are not ticked. Tick them only if you want to.',
    summary: 'This is what will be sent (case note)',
    sign: 'Signature',
    signHere: 'Please sign here with your finger or the mouse',
    clear: 'Clear signature',
    typedName: 'Your name',
    agree: 'I agree',
    decline: 'I do not agree',
    receipt: 'Your receipt',
    bindingNote: 'Only the German text is legally binding.',
    language: 'Language',
    declineReason: 'Would you like to say why? (optional)',
    confirmHeading: 'Confirm it yourself (now that you are 18)',
  },
  ar: {
    languageName: 'العربية',
    read: 'يرجى القراءة بهدوء',
    readAloud: 'اقرأ بصوت عالٍ',
    stopReading: 'إيقاف القراءة',
    next: 'التالي',
    choose: 'ما الذي يجوز نقله؟',
    chooseHelp: 'أزل العلامة عن كل ما لا تريد نقله.',
    recipients: 'من يجوز له استلام البيانات؟',
    categories: 'أي بيانات؟',
    special: 'بيانات محمية بشكل خاص',
    specialHelp: 'هذه البيانات غير محددة. حددها فقط إذا كنت تريد ذلك.',
    summary: 'هذا ما سيتم إرساله (ملاحظة الاستشارة)',
    sign: 'التوقيع',
    signHere: 'يرجى التوقيع هنا بإصبعك أو بالفأرة',
    clear: 'مسح التوقيع',
    typedName: 'اسمك',
    agree: 'أوافق',
    decline: 'لا أوافق',
    receipt: 'إيصالك',
    bindingNote: 'النص الألماني وحده هو الملزم قانونياً.',
    language: 'اللغة',
    declineReason: 'هل تريد أن تقول لماذا؟ (اختياري)',
    confirmHeading: 'التأكيد بنفسك (بعد بلوغك 18 عاماً)',
  },
  tr: {
    languageName: 'Türkçe',
    read: 'Lütfen acele etmeden okuyun',
    readAloud: 'Sesli oku',
    stopReading: 'Okumayı durdur',
    next: 'İleri',
    choose: 'Neler aktarılabilir?',
    chooseHelp: 'Aktarılmasını istemediğiniz her şeyin işaretini kaldırın.',
    recipients: 'Verileri kim alabilir?',
    categories: 'Hangi veriler?',
    special: 'Özel olarak korunan veriler',
    specialHelp: 'Bunlar işaretli değil. Yalnızca isterseniz işaretleyin.',
    summary: 'Gönderilecek olan (danışma notu)',
    sign: 'İmza',
    signHere: 'Lütfen buraya parmağınızla veya fareyle imzalayın',
    clear: 'İmzayı sil',
    typedName: 'Adınız',
    agree: 'Kabul ediyorum',
    decline: 'Kabul etmiyorum',
    receipt: 'Makbuzunuz',
    bindingNote: 'Yalnızca Almanca metin hukuken bağlayıcıdır.',
    language: 'Dil',
    declineReason: 'Nedenini söylemek ister misiniz? (isteğe bağlı)',
    confirmHeading: 'Kendiniz onaylayın (18 yaşını doldurduğunuz için)',
  },
  uk: {
    languageName: 'Українська',
    read: 'Будь ласка, прочитайте уважно',
    readAloud: 'Прочитати вголос',
    stopReading: 'Зупинити читання',
    next: 'Далі',
    choose: 'Що можна передати?',
    chooseHelp: 'Зніміть позначку з усього, що не слід передавати.',
    recipients: 'Хто може отримати дані?',
    categories: 'Які дані?',
    special: 'Особливо захищені дані',
    specialHelp: 'Ці дані не позначені. Позначте їх, лише якщо ви цього хочете.',
    summary: 'Ось що буде передано (консультаційна записка)',
    sign: 'Підпис',
    signHere: 'Будь ласка, підпишіться тут пальцем або мишею',
    clear: 'Стерти підпис',
    typedName: 'Ваше ім’я',
    agree: 'Погоджуюся',
    decline: 'Не погоджуюся',
    receipt: 'Ваша квитанція',
    bindingNote: 'Юридичну силу має лише німецький текст.',
    language: 'Мова',
    declineReason: 'Бажаєте сказати чому? (необов’язково)',
    confirmHeading: 'Підтвердіть самі (тепер вам 18)',
  },
  ru: {
    languageName: 'Русский',
    read: 'Пожалуйста, прочитайте спокойно',
    readAloud: 'Прочитать вслух',
    stopReading: 'Остановить чтение',
    next: 'Далее',
    choose: 'Что можно передать?',
    chooseHelp: 'Снимите отметку со всего, что не нужно передавать.',
    recipients: 'Кто может получить данные?',
    categories: 'Какие данные?',
    special: 'Особо защищённые данные',
    specialHelp: 'Эти данные не отмечены. Отметьте их, только если вы этого хотите.',
    summary: 'Вот что будет передано (консультационная запись)',
    sign: 'Подпись',
    signHere: 'Пожалуйста, распишитесь здесь пальцем или мышью',
    clear: 'Стереть подпись',
    typedName: 'Ваше имя',
    agree: 'Согласен / согласна',
    decline: 'Не согласен / не согласна',
    receipt: 'Ваша квитанция',
    bindingNote: 'Юридическую силу имеет только немецкий текст.',
    language: 'Язык',
    declineReason: 'Хотите сказать почему? (необязательно)',
    confirmHeading: 'Подтвердите сами (теперь вам 18)',
  },
  fa: {
    languageName: 'فارسی',
    read: 'لطفاً با آرامش بخوانید',
    readAloud: 'بلند خواندن',
    stopReading: 'توقف خواندن',
    next: 'بعدی',
    choose: 'چه چیزی می‌تواند منتقل شود؟',
    chooseHelp: 'علامت هر چیزی را که نباید منتقل شود بردارید.',
    recipients: 'چه کسی می‌تواند اطلاعات را دریافت کند؟',
    categories: 'کدام اطلاعات؟',
    special: 'اطلاعات با حفاظت ویژه',
    specialHelp: 'این موارد علامت نخورده‌اند. فقط اگر می‌خواهید آنها را علامت بزنید.',
    summary: 'این چیزی است که فرستاده می‌شود (یادداشت مشاوره)',
    sign: 'امضا',
    signHere: 'لطفاً اینجا با انگشت یا ماوس امضا کنید',
    clear: 'پاک کردن امضا',
    typedName: 'نام شما',
    agree: 'موافقم',
    decline: 'موافق نیستم',
    receipt: 'رسید شما',
    bindingNote: 'فقط متن آلمانی از نظر حقوقی معتبر است.',
    language: 'زبان',
    declineReason: 'می‌خواهید بگویید چرا؟ (اختیاری)',
    confirmHeading: 'خودتان تأیید کنید (اکنون ۱۸ ساله هستید)',
  },
}

export function stringsFor(language: string): KioskStrings {
  return kioskStrings[language] ?? de
}

/** Who signs, in German (the staff and guardian read it too). */
export const signatoryLabels: Record<string, string> = {
  youth: 'Junge Person',
  guardian: 'Erziehungsberechtigte Person',
  entrusting_person: 'Person, die die Daten dem Jugendamt anvertraut hat',
}
