/**
 * The signing widget's own words per kiosk language (the page i18n catalogue, like
 * kiosk-strings.ts): the choice between drawing and typing, the typed signature's confirmation
 * and the sign page's error messages. `typedConfirm` is the sentence the person confirms with the
 * checkbox; it is recorded with a typed signature as displayed.
 */
export interface SigningStrings {
  methodLegend: string
  methodDrawn: string
  methodTyped: string
  typedHelp: string
  typedConfirm: string
  errorName: string
  errorNameInvalid: string
  errorDrawing: string
  errorConfirm: string
}

const de: SigningStrings = {
  methodLegend: 'Wie möchten Sie unterschreiben?',
  methodDrawn: 'Mit dem Finger oder der Maus unterschreiben',
  methodTyped:
    'Namen tippen und mit einem Haken bestätigen (auch mit Tastatur oder Vorlese-Programm)',
  typedHelp:
    'Ihr getippter Name gilt zusammen mit dem Haken als Ihre Unterschrift. Er wird mit Datum und Uhrzeit gespeichert.',
  typedConfirm: 'Ich stimme zu. Mein Name im Feld oben gilt als meine Unterschrift.',
  errorName: 'Bitte schreiben Sie Ihren Namen in das Feld.',
  errorNameInvalid:
    'Dieser Name kann nicht gespeichert werden. Bitte schreiben Sie ihn noch einmal, nur mit Buchstaben.',
  errorDrawing:
    'Bitte unterschreiben Sie im Feld. Oder wählen Sie: Namen tippen und mit einem Haken bestätigen.',
  errorConfirm: 'Bitte setzen Sie den Haken, damit Ihr Name als Unterschrift gilt.',
}

export const signingStrings: Record<string, SigningStrings> = {
  de,
  'de-ls': {
    methodLegend: 'Wie wollen Sie unterschreiben?',
    methodDrawn: 'Mit dem Finger unterschreiben',
    methodTyped: 'Namen schreiben und einen Haken machen. Das geht auch mit der Tastatur.',
    typedHelp: 'Ihr Name und der Haken sind dann Ihre Unterschrift.',
    typedConfirm: 'Ich sage Ja. Mein Name oben ist meine Unterschrift.',
    errorName: 'Bitte schreiben Sie Ihren Namen in das Feld.',
    errorNameInvalid: 'Der Name geht so nicht. Bitte schreiben Sie nur Buchstaben.',
    errorDrawing:
      'Sie haben noch nicht unterschrieben. Unterschreiben Sie in dem Kasten. Oder: Namen schreiben und Haken machen.',
    errorConfirm: 'Bitte machen Sie den Haken.',
  },
  en: {
    methodLegend: 'How would you like to sign?',
    methodDrawn: 'Sign with your finger or the mouse',
    methodTyped: 'Type your name and confirm with a tick (works with a keyboard or screen reader)',
    typedHelp:
      'Your typed name together with the tick counts as your signature. It is saved with the date and time.',
    typedConfirm: 'I agree. My name in the field above counts as my signature.',
    errorName: 'Please write your name in the field.',
    errorNameInvalid: 'This name cannot be saved. Please type it again, using letters only.',
    errorDrawing: 'Please sign in the box. Or choose: type your name and confirm with a tick.',
    errorConfirm: 'Please tick the box so that your name counts as your signature.',
  },
  ar: {
    methodLegend: 'كيف تريد أن توقّع؟',
    methodDrawn: 'التوقيع بإصبعك أو بالفأرة',
    methodTyped: 'اكتب اسمك وأكّد بعلامة (يعمل أيضاً بلوحة المفاتيح أو قارئ الشاشة)',
    typedHelp: 'اسمك المكتوب مع العلامة يُعتبر توقيعك. يُحفظ مع التاريخ والوقت.',
    typedConfirm: 'أوافق. اسمي في الحقل أعلاه يُعتبر توقيعي.',
    errorName: 'يرجى كتابة اسمك في الحقل.',
    errorNameInvalid: 'لا يمكن حفظ هذا الاسم. يرجى كتابته مرة أخرى بالحروف فقط.',
    errorDrawing: 'يرجى التوقيع في المربع. أو اختر: اكتب اسمك وأكّد بعلامة.',
    errorConfirm: 'يرجى وضع العلامة حتى يُعتبر اسمك توقيعاً.',
  },
  tr: {
    methodLegend: 'Nasıl imzalamak istersiniz?',
    methodDrawn: 'Parmağınızla veya fareyle imzalayın',
    methodTyped: 'Adınızı yazın ve bir işaretle onaylayın (klavye veya ekran okuyucu ile de olur)',
    typedHelp:
      'Yazdığınız ad, işaretle birlikte imzanız sayılır. Tarih ve saatle birlikte kaydedilir.',
    typedConfirm: 'Kabul ediyorum. Yukarıdaki alana yazdığım ad imzam sayılır.',
    errorName: 'Lütfen adınızı alana yazın.',
    errorNameInvalid: 'Bu ad kaydedilemiyor. Lütfen yalnızca harflerle tekrar yazın.',
    errorDrawing: 'Lütfen kutuya imza atın. Ya da şunu seçin: adınızı yazın ve işaretle onaylayın.',
    errorConfirm: 'Adınızın imza sayılması için lütfen kutuyu işaretleyin.',
  },
  uk: {
    methodLegend: 'Як ви хочете підписати?',
    methodDrawn: 'Підписати пальцем або мишею',
    methodTyped:
      'Ввести ім’я та підтвердити позначкою (можна з клавіатурою або програмою читання з екрана)',
    typedHelp:
      'Ваше введене ім’я разом із позначкою вважається вашим підписом. Воно зберігається з датою та часом.',
    typedConfirm: 'Я погоджуюся. Моє ім’я в полі вище вважається моїм підписом.',
    errorName: 'Будь ласка, напишіть своє ім’я в полі.',
    errorNameInvalid: 'Це ім’я не можна зберегти. Будь ласка, введіть його ще раз лише літерами.',
    errorDrawing:
      'Будь ласка, підпишіться в полі. Або виберіть: ввести ім’я та підтвердити позначкою.',
    errorConfirm: 'Будь ласка, поставте позначку, щоб ваше ім’я вважалося підписом.',
  },
  ru: {
    methodLegend: 'Как вы хотите подписать?',
    methodDrawn: 'Подписать пальцем или мышью',
    methodTyped:
      'Ввести имя и подтвердить галочкой (можно с клавиатурой или программой чтения с экрана)',
    typedHelp:
      'Введённое имя вместе с галочкой считается вашей подписью. Оно сохраняется с датой и временем.',
    typedConfirm: 'Я согласен / согласна. Моё имя в поле выше считается моей подписью.',
    errorName: 'Пожалуйста, напишите своё имя в поле.',
    errorNameInvalid: 'Это имя нельзя сохранить. Пожалуйста, введите его ещё раз только буквами.',
    errorDrawing:
      'Пожалуйста, распишитесь в поле. Или выберите: ввести имя и подтвердить галочкой.',
    errorConfirm: 'Пожалуйста, поставьте галочку, чтобы ваше имя считалось подписью.',
  },
  fa: {
    methodLegend: 'چگونه می‌خواهید امضا کنید؟',
    methodDrawn: 'با انگشت یا ماوس امضا کنید',
    methodTyped:
      'نام خود را بنویسید و با یک علامت تأیید کنید (با صفحه‌کلید یا صفحه‌خوان هم ممکن است)',
    typedHelp:
      'نامی که نوشته‌اید همراه با علامت، امضای شما به حساب می‌آید. با تاریخ و ساعت ذخیره می‌شود.',
    typedConfirm: 'موافقم. نام من در خانهٔ بالا امضای من به حساب می‌آید.',
    errorName: 'لطفاً نام خود را در خانه بنویسید.',
    errorNameInvalid: 'این نام قابل ذخیره نیست. لطفاً آن را دوباره فقط با حروف بنویسید.',
    errorDrawing:
      'لطفاً در کادر امضا کنید. یا انتخاب کنید: نام خود را بنویسید و با علامت تأیید کنید.',
    errorConfirm: 'لطفاً علامت بزنید تا نام شما امضا به حساب آید.',
  },
}

export function signingStringsFor(language: string): SigningStrings {
  return signingStrings[language] ?? de
}
