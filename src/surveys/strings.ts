// Every text of the answer page that the survey's author does not write, in the survey's
// language: buttons, the ends of the scales, hints and errors. Zod-free (the web app's preview
// reads it too).

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'nl', 'it', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];

export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español', nl: 'Nederlands', it: 'Italiano', pt: 'Português' };

export interface PageStrings {
  next: string;
  submit: string;
  confirm: string;
  skip: string;
  notLikely: string;
  extremelyLikely: string;
  stronglyDisagree: string;
  stronglyAgree: string;
  veryDissatisfied: string;
  verySatisfied: string;
  other: string;
  otherPlaceholder: string;
  chooseAny: string;
  required: string;
  tooLong: (max: number) => string;
  notAChoice: string;
  outOfRange: (min: number, max: number) => string;
  alreadyAnswered: string;
  alreadyAnsweredBody: string;
  closed: string;
  closedBody: string;
  notRecognized: string;
  notRecognizedBody: string;
  notRecorded: string;
  notRecordedBody: string;
  yourAnswer: string;
  step: (n: number, of: number) => string;
  stars: (n: number) => string;
  preview: string;
}

const en: PageStrings = {
  next: 'Next',
  submit: 'Submit',
  confirm: 'Confirm my answer',
  skip: 'Skip',
  notLikely: 'Not at all likely',
  extremelyLikely: 'Extremely likely',
  stronglyDisagree: 'Strongly disagree',
  stronglyAgree: 'Strongly agree',
  veryDissatisfied: 'Very dissatisfied',
  verySatisfied: 'Very satisfied',
  other: 'Other',
  otherPlaceholder: 'Please say what',
  chooseAny: 'Choose all that apply.',
  required: 'This question needs an answer.',
  tooLong: (max) => `Please keep your answer under ${max} characters.`,
  notAChoice: 'Please choose one of the answers shown.',
  outOfRange: (min, max) => `Please choose a number from ${min} to ${max}.`,
  alreadyAnswered: 'You have already answered',
  alreadyAnsweredBody: 'Thank you: we have your answers.',
  closed: 'This survey is closed',
  closedBody: 'It no longer takes answers. Thank you for your time.',
  notRecognized: 'This link is not recognized',
  notRecognizedBody: 'It may have been cut short or changed. Use the link in the email again.',
  notRecorded: 'Your answer was not recorded',
  notRecordedBody: 'Please open the link from your email again and confirm your answer.',
  yourAnswer: 'Your answer',
  step: (n, of) => `Question ${n} of ${of}`,
  stars: (n) => (n === 1 ? '1 star' : `${n} stars`),
  preview: 'This is a preview: answers are not recorded.',
};

export const PAGE_STRINGS: Record<Language, PageStrings> = {
  en,
  de: {
    next: 'Weiter',
    submit: 'Absenden',
    confirm: 'Antwort bestätigen',
    skip: 'Überspringen',
    notLikely: 'Überhaupt nicht wahrscheinlich',
    extremelyLikely: 'Äußerst wahrscheinlich',
    stronglyDisagree: 'Stimme überhaupt nicht zu',
    stronglyAgree: 'Stimme voll und ganz zu',
    veryDissatisfied: 'Sehr unzufrieden',
    verySatisfied: 'Sehr zufrieden',
    other: 'Sonstiges',
    otherPlaceholder: 'Bitte angeben',
    chooseAny: 'Mehrfachauswahl möglich.',
    required: 'Bitte beantworten Sie diese Frage.',
    tooLong: (max) => `Bitte fassen Sie sich kürzer (höchstens ${max} Zeichen).`,
    notAChoice: 'Bitte wählen Sie eine der angezeigten Antworten.',
    outOfRange: (min, max) => `Bitte wählen Sie eine Zahl von ${min} bis ${max}.`,
    alreadyAnswered: 'Sie haben bereits geantwortet',
    alreadyAnsweredBody: 'Vielen Dank: Ihre Antworten liegen uns vor.',
    closed: 'Diese Umfrage ist beendet',
    closedBody: 'Sie nimmt keine Antworten mehr an. Vielen Dank für Ihre Zeit.',
    notRecognized: 'Dieser Link ist unbekannt',
    notRecognizedBody: 'Er wurde vielleicht gekürzt oder verändert. Bitte verwenden Sie den Link aus der E-Mail erneut.',
    notRecorded: 'Ihre Antwort wurde nicht gespeichert',
    notRecordedBody: 'Bitte öffnen Sie den Link aus Ihrer E-Mail erneut und bestätigen Sie Ihre Antwort.',
    yourAnswer: 'Ihre Antwort',
    step: (n, of) => `Frage ${n} von ${of}`,
    stars: (n) => (n === 1 ? '1 Stern' : `${n} Sterne`),
    preview: 'Dies ist eine Vorschau: Antworten werden nicht gespeichert.',
  },
  fr: {
    next: 'Suivant',
    submit: 'Envoyer',
    confirm: 'Confirmer ma réponse',
    skip: 'Passer',
    notLikely: 'Pas du tout probable',
    extremelyLikely: 'Très probable',
    stronglyDisagree: 'Pas du tout d’accord',
    stronglyAgree: 'Tout à fait d’accord',
    veryDissatisfied: 'Très insatisfait',
    verySatisfied: 'Très satisfait',
    other: 'Autre',
    otherPlaceholder: 'Précisez',
    chooseAny: 'Plusieurs réponses possibles.',
    required: 'Cette question demande une réponse.',
    tooLong: (max) => `Merci de répondre en moins de ${max} caractères.`,
    notAChoice: 'Merci de choisir l’une des réponses proposées.',
    outOfRange: (min, max) => `Merci de choisir un nombre de ${min} à ${max}.`,
    alreadyAnswered: 'Vous avez déjà répondu',
    alreadyAnsweredBody: 'Merci : nous avons bien vos réponses.',
    closed: 'Cette enquête est close',
    closedBody: 'Elle n’accepte plus de réponses. Merci de votre temps.',
    notRecognized: 'Ce lien n’est pas reconnu',
    notRecognizedBody: 'Il a peut-être été coupé ou modifié. Utilisez à nouveau le lien de l’e-mail.',
    notRecorded: 'Votre réponse n’a pas été enregistrée',
    notRecordedBody: 'Ouvrez à nouveau le lien de votre e-mail et confirmez votre réponse.',
    yourAnswer: 'Votre réponse',
    step: (n, of) => `Question ${n} sur ${of}`,
    stars: (n) => (n === 1 ? '1 étoile' : `${n} étoiles`),
    preview: 'Ceci est un aperçu : les réponses ne sont pas enregistrées.',
  },
  es: {
    next: 'Siguiente',
    submit: 'Enviar',
    confirm: 'Confirmar mi respuesta',
    skip: 'Omitir',
    notLikely: 'Nada probable',
    extremelyLikely: 'Muy probable',
    stronglyDisagree: 'Totalmente en desacuerdo',
    stronglyAgree: 'Totalmente de acuerdo',
    veryDissatisfied: 'Muy insatisfecho',
    verySatisfied: 'Muy satisfecho',
    other: 'Otro',
    otherPlaceholder: 'Indique cuál',
    chooseAny: 'Puede elegir varias.',
    required: 'Esta pregunta necesita una respuesta.',
    tooLong: (max) => `Por favor, responda en menos de ${max} caracteres.`,
    notAChoice: 'Por favor, elija una de las respuestas.',
    outOfRange: (min, max) => `Por favor, elija un número del ${min} al ${max}.`,
    alreadyAnswered: 'Ya ha respondido',
    alreadyAnsweredBody: 'Gracias: tenemos sus respuestas.',
    closed: 'Esta encuesta está cerrada',
    closedBody: 'Ya no admite respuestas. Gracias por su tiempo.',
    notRecognized: 'Este enlace no se reconoce',
    notRecognizedBody: 'Puede que esté cortado o modificado. Use de nuevo el enlace del correo.',
    notRecorded: 'Su respuesta no se ha guardado',
    notRecordedBody: 'Abra de nuevo el enlace de su correo y confirme su respuesta.',
    yourAnswer: 'Su respuesta',
    step: (n, of) => `Pregunta ${n} de ${of}`,
    stars: (n) => (n === 1 ? '1 estrella' : `${n} estrellas`),
    preview: 'Esto es una vista previa: las respuestas no se guardan.',
  },
  nl: {
    next: 'Volgende',
    submit: 'Versturen',
    confirm: 'Mijn antwoord bevestigen',
    skip: 'Overslaan',
    notLikely: 'Helemaal niet waarschijnlijk',
    extremelyLikely: 'Zeer waarschijnlijk',
    stronglyDisagree: 'Helemaal mee oneens',
    stronglyAgree: 'Helemaal mee eens',
    veryDissatisfied: 'Zeer ontevreden',
    verySatisfied: 'Zeer tevreden',
    other: 'Anders',
    otherPlaceholder: 'Namelijk',
    chooseAny: 'Meerdere antwoorden mogelijk.',
    required: 'Deze vraag heeft een antwoord nodig.',
    tooLong: (max) => `Houd uw antwoord korter dan ${max} tekens.`,
    notAChoice: 'Kies een van de getoonde antwoorden.',
    outOfRange: (min, max) => `Kies een getal van ${min} tot ${max}.`,
    alreadyAnswered: 'U heeft al geantwoord',
    alreadyAnsweredBody: 'Dank u: we hebben uw antwoorden.',
    closed: 'Deze enquête is gesloten',
    closedBody: 'Er kunnen geen antwoorden meer worden gegeven. Dank voor uw tijd.',
    notRecognized: 'Deze link wordt niet herkend',
    notRecognizedBody: 'Misschien is hij ingekort of gewijzigd. Gebruik de link in de e-mail opnieuw.',
    notRecorded: 'Uw antwoord is niet opgeslagen',
    notRecordedBody: 'Open de link in uw e-mail opnieuw en bevestig uw antwoord.',
    yourAnswer: 'Uw antwoord',
    step: (n, of) => `Vraag ${n} van ${of}`,
    stars: (n) => (n === 1 ? '1 ster' : `${n} sterren`),
    preview: 'Dit is een voorbeeld: antwoorden worden niet opgeslagen.',
  },
  it: {
    next: 'Avanti',
    submit: 'Invia',
    confirm: 'Conferma la mia risposta',
    skip: 'Salta',
    notLikely: 'Per niente probabile',
    extremelyLikely: 'Estremamente probabile',
    stronglyDisagree: 'Per niente d’accordo',
    stronglyAgree: 'Del tutto d’accordo',
    veryDissatisfied: 'Molto insoddisfatto',
    verySatisfied: 'Molto soddisfatto',
    other: 'Altro',
    otherPlaceholder: 'Specificare',
    chooseAny: 'Sono possibili più risposte.',
    required: 'Questa domanda richiede una risposta.',
    tooLong: (max) => `Risponda in meno di ${max} caratteri.`,
    notAChoice: 'Scelga una delle risposte proposte.',
    outOfRange: (min, max) => `Scelga un numero da ${min} a ${max}.`,
    alreadyAnswered: 'Ha già risposto',
    alreadyAnsweredBody: 'Grazie: abbiamo le sue risposte.',
    closed: 'Questo sondaggio è chiuso',
    closedBody: 'Non accetta più risposte. Grazie per il suo tempo.',
    notRecognized: 'Questo link non è riconosciuto',
    notRecognizedBody: 'Potrebbe essere stato troncato o modificato. Usi di nuovo il link dell’e-mail.',
    notRecorded: 'La sua risposta non è stata registrata',
    notRecordedBody: 'Apra di nuovo il link della sua e-mail e confermi la risposta.',
    yourAnswer: 'La sua risposta',
    step: (n, of) => `Domanda ${n} di ${of}`,
    stars: (n) => (n === 1 ? '1 stella' : `${n} stelle`),
    preview: 'Questa è un’anteprima: le risposte non vengono registrate.',
  },
  pt: {
    next: 'Seguinte',
    submit: 'Enviar',
    confirm: 'Confirmar a minha resposta',
    skip: 'Saltar',
    notLikely: 'Nada provável',
    extremelyLikely: 'Extremamente provável',
    stronglyDisagree: 'Discordo totalmente',
    stronglyAgree: 'Concordo totalmente',
    veryDissatisfied: 'Muito insatisfeito',
    verySatisfied: 'Muito satisfeito',
    other: 'Outro',
    otherPlaceholder: 'Qual?',
    chooseAny: 'Pode escolher várias.',
    required: 'Esta pergunta precisa de uma resposta.',
    tooLong: (max) => `Responda em menos de ${max} caracteres, por favor.`,
    notAChoice: 'Escolha uma das respostas apresentadas.',
    outOfRange: (min, max) => `Escolha um número de ${min} a ${max}.`,
    alreadyAnswered: 'Já respondeu',
    alreadyAnsweredBody: 'Obrigado: temos as suas respostas.',
    closed: 'Este inquérito está encerrado',
    closedBody: 'Já não aceita respostas. Obrigado pelo seu tempo.',
    notRecognized: 'Este link não é reconhecido',
    notRecognizedBody: 'Pode ter sido cortado ou alterado. Use novamente o link do e-mail.',
    notRecorded: 'A sua resposta não foi registada',
    notRecordedBody: 'Abra novamente o link do seu e-mail e confirme a sua resposta.',
    yourAnswer: 'A sua resposta',
    step: (n, of) => `Pergunta ${n} de ${of}`,
    stars: (n) => (n === 1 ? '1 estrela' : `${n} estrelas`),
    preview: 'Isto é uma pré-visualização: as respostas não são registadas.',
  },
};
