/** The UI's language: choosing it (locale.ts) and its words (messages.ts). */
export {
  catalogueLanguages,
  chooseLanguage,
  hasCatalogue,
  languageFromEnv,
  languageOfLocale,
  localesDir,
  SOURCE_LANGUAGE,
} from './locale.js';
export {
  language,
  readCatalogue,
  setLanguage,
  t,
  tIn,
  type Catalogue,
  type MessageValues,
} from './messages.js';
export { english, phrase, phraseList, say, type Phrase, type PhraseValue } from './phrase.js';
