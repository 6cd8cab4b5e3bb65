import { stringsFor } from '../i18n/person-language.ts'

/**
 * The signing widget's words, grouped for the widget: the choice between drawing and typing, the
 * typed signature's confirmation and the sign page's error messages. The texts live in the
 * person catalogues (`templates/pages/i18n/<language>.ts`, keys `signing…`). `typedConfirm` is the sentence the person confirms with the
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

/** The signing widget's words in `language` (German for a language the kiosk does not offer). */
export function signingStringsFor(language: string): SigningStrings {
  const s = stringsFor(language)
  return {
    methodLegend: s.signingMethodLegend,
    methodDrawn: s.signingMethodDrawn,
    methodTyped: s.signingMethodTyped,
    typedHelp: s.signingTypedHelp,
    typedConfirm: s.signingTypedConfirm,
    errorName: s.signingErrorName,
    errorNameInvalid: s.signingErrorNameInvalid,
    errorDrawing: s.signingErrorDrawing,
    errorConfirm: s.signingErrorConfirm,
  }
}
