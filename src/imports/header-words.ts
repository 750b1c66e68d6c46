// The column names exporters write, per target, in the languages of the exports people bring:
// Outlook and Excel (English, German, French, Spanish, Italian, Dutch, Portuguese, Japanese),
// Google Contacts, Thunderbird, shop systems. Written as the exporters write them; they are
// compared after `headerKey` (lower case, no accents, letters and digits only). Within a
// target, earlier words are preferred: "Mobile Phone" is the phone before "Home Phone".

/** "E-Mail-Adresse" → "emailadresse", "電子メール アドレス" → "電子メールアトレス" (dakuten are marks). */
export function headerKey(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

export const CONTACT_HEADERS: Record<string, string[]> = {
  email: [
    'Email', 'E-mail', 'Email Address', 'E-mail Address', 'Primary Email', 'E-mail 1 - Value', 'Email 1', 'Mail', 'Emails', 'Personal Email', 'Work Email',
    'E-Mail-Adresse', 'E-Mail Adresse', 'Primäre E-Mail-Adresse', 'E-Mail', 'Mailadresse',
    'Courriel', 'Adresse de messagerie', 'Adresse électronique', 'Adresse e-mail', 'Adresse mail', 'Messagerie',
    'Correo electrónico', 'Dirección de correo electrónico', 'Correo', 'Dirección de email',
    'Indirizzo posta elettronica', 'Indirizzo di posta elettronica', 'Indirizzo e-mail', 'Posta elettronica',
    'E-mailadres', 'E-mail-adres', 'Emailadres',
    'Endereço de email', 'Endereço de e-mail', 'Endereço eletrônico', 'Correio eletrônico', 'Correio electrónico',
    '電子メール アドレス', '電子メール', 'メールアドレス', 'メール',
  ],
  external_id: [
    'External ID', 'Identifier', 'User ID', 'Customer ID', 'Client ID', 'Contact ID', 'Member ID', 'Customer Number', 'Account ID', 'UID', 'ID',
    'Kundennummer', 'Kunden-ID', 'Numéro client', 'Numéro de client', 'Número de cliente', 'Codice cliente', 'Klantnummer', 'Número do cliente', '顧客番号', '顧客ID',
  ],
  phone: [
    'Mobile Phone', 'Mobile Number', 'Mobile', 'Cell Phone', 'Cell', 'Phone', 'Phone Number', 'Phone 1 - Value', 'Primary Phone', 'Telephone', 'Tel', 'Phone 1', 'Home Phone',
    'Mobiltelefon', 'Mobil-Tel.-Nr.', 'Mobilnummer', 'Handy', 'Handynummer', 'Telefon', 'Telefonnummer', 'Telefon privat', 'Tel. privat',
    'Tél. mobile', 'Téléphone mobile', 'Portable', 'Mobile', 'Téléphone', 'Numéro de téléphone', 'Téléphone (domicile)', 'Téléphone personnel',
    'Teléfono móvil', 'Móvil', 'Celular', 'Teléfono', 'Teléfono particular',
    'Cellulare', 'Telefono cellulare', 'Telefono', 'Abitazione',
    'Mobiele telefoon', 'Mobiel', 'Telefoonnummer', 'Telefoon', 'Telefoon thuis',
    'Telefone celular', 'Telemóvel', 'Telefone', 'Telefone residencial',
    '携帯電話', '携帯', '電話番号', '電話', '自宅電話',
  ],
  first_name: [
    'First Name', 'Given Name', 'First', 'Forename', 'Firstname',
    'Vorname', 'Prénom', 'Nombre', 'Nome', 'Primeiro nome', 'Nome próprio', 'Voornaam', '名',
  ],
  last_name: [
    'Last Name', 'Surname', 'Family Name', 'Last', 'Lastname',
    'Nachname', 'Familienname', 'Nom', 'Nom de famille', 'Apellidos', 'Apellido', 'Cognome', 'Sobrenome', 'Último nome', 'Achternaam', '姓',
  ],
  name: [
    'Full Name', 'Name', 'Display Name', 'Contact Name', 'Contact',
    'Anzeigename', 'Vollständiger Name', 'Nom complet', "Nom d'affichage", 'Nombre completo', 'Nome completo', 'Volledige naam', 'Weergavenaam', '氏名', '名前', '表示名',
  ],
  lifecycle_stage: ['Lifecycle Stage', 'Lifecycle', 'Stage'],
  email_status: ['Email Status', 'Subscription Status', 'Email Subscription', 'Subscribed', 'Opt In', 'Email Opt In', 'Newsletter'],
};

/**
 * Columns that become a property with a fixed key whatever the language of their header, so
 * that "Firma", "Société" and "会社名" all fill `company`. Birthday parts (Thunderbird) are
 * matched separately: see BIRTHDAY_PART_HEADERS.
 */
export const PROPERTY_HEADERS: { key: string; label: string; type: 'string' | 'date' | 'country'; words: string[] }[] = [
  {
    key: 'company',
    label: 'Company',
    type: 'string',
    words: ['Company', 'Organization', 'Organization Name', 'Organisation', 'Firma', 'Unternehmen', 'Société', 'Entreprise', 'Organización', 'Compañía', 'Empresa', 'Società', 'Azienda', 'Bedrijf', 'Organisatie', '会社名', '会社', '勤務先'],
  },
  {
    key: 'job_title',
    label: 'Job title',
    type: 'string',
    words: ['Job Title', 'Organization Title', 'Position', 'Berufsbezeichnung', 'Poste', 'Fonction', 'Puesto', 'Cargo', 'Posizione', 'Qualifica', 'Functie', '役職'],
  },
  {
    key: 'country',
    label: 'Country',
    type: 'country',
    words: [
      'Country', 'Country/Region', 'Country Code', 'Home Country', 'Home Country/Region', 'Address 1 - Country', 'Business Country/Region', 'Work Country',
      'Land', 'Land/Region', 'Land/Region privat', 'Privat: Land', 'Land/Region geschäftlich',
      'Pays', 'Pays/Région', 'Pays/Région (domicile)', 'Pays/Région (bureau)',
      'País', 'País o región', 'País o región del domicilio', 'País o región del trabajo',
      'Paese', 'Paese/Area geografica', 'Paese (ab.)', 'Paese (uff.)', 'Nazione',
      'Land/regio', 'Land/regio (thuis)', 'Land/regio (werk)',
      'País/Região', 'País/Região residencial', 'País/Região comercial',
      '国', '国/地域', '国または地域', '国/地域 (自宅)', '国/地域 (勤務先)',
    ],
  },
  {
    key: 'city',
    label: 'City',
    type: 'string',
    words: ['City', 'Home City', 'Town', 'Ort', 'Stadt', 'Ort privat', 'Ville', 'Ville (domicile)', 'Ciudad', 'Ciudad del domicilio', 'Città', 'Città (ab.)', 'Plaats', 'Woonplaats', 'Cidade', 'Cidade residencial', '市区町村'],
  },
  {
    key: 'birthday',
    label: 'Birthday',
    type: 'date',
    words: ['Birthday', 'Birthdate', 'Date of Birth', 'DOB', 'Geburtstag', 'Geburtsdatum', 'Anniversaire', 'Date de naissance', 'Cumpleaños', 'Fecha de nacimiento', 'Compleanno', 'Data di nascita', 'Verjaardag', 'Geboortedatum', 'Aniversário', 'Data de nascimento', '誕生日', '生年月日'],
  },
  {
    key: 'notes',
    label: 'Notes',
    type: 'string',
    words: ['Notes', 'Note', 'Comments', 'Notizen', 'Notiz', 'Bemerkungen', 'Remarques', 'Notas', 'Comentarios', 'Annotazioni', 'Notities', 'Opmerkingen', 'Anotações', 'Observações', 'メモ', '備考'],
  },
];

/** Thunderbird's birthday in three columns ("Birth Year", "Birth Month", "Birth Day"), in its languages. */
export const BIRTHDAY_PART_HEADERS: Record<'year' | 'month' | 'day', string[]> = {
  year: ['Birth Year', 'Year of Birth', 'Geburtsjahr', 'Année de naissance', 'Año de nacimiento', 'Anno di nascita', 'Geboortejaar', 'Ano de nascimento', '誕生年'],
  month: ['Birth Month', 'Geburtsmonat', 'Mois de naissance', 'Mes de nacimiento', 'Mese di nascita', 'Geboortemaand', 'Mês de nascimento', '誕生月'],
  // Thunderbird's "Birth Day" reads "birthday" once normalized, and German Thunderbird calls it
  // "Geburtstag": with a year or month column beside it, such a column of 1–31 is the day.
  day: ['Birth Day', 'Day of Birth', 'Geburtstag', 'Jour de naissance', 'Día de nacimiento', 'Giorno di nascita', 'Geboortedag', 'Dia de nascimento', '誕生日'],
};

export const ORDER_HEADERS: Record<string, string[]> = {
  order_id: ['Order ID', 'InvoiceNo', 'Invoice Number', 'Invoice', 'Order Number', 'Order No', 'Order', 'Transaction ID', 'Receipt ID', 'Bestellnummer', 'Rechnungsnummer', 'Numéro de commande', 'Número de pedido', 'Numero ordine', 'Bestelnummer', 'Número do pedido', '注文番号'],
  customer_email: ['Customer Email', 'Email', 'Email Address', 'Buyer Email', 'E-Mail', 'E-Mail-Adresse', 'Courriel', 'Correo electrónico', 'E-mailadres'],
  customer_id: ['Customer ID', 'CustomerID', 'Customer', 'Client ID', 'User ID', 'Buyer ID', 'Customer Number', 'Member ID', 'Kundennummer', 'Numéro client', 'Número de cliente', 'Codice cliente', 'Klantnummer', '顧客番号'],
  ordered_at: ['Order Date', 'InvoiceDate', 'Ordered Date', 'Ordered At', 'Purchase Date', 'Date', 'Created At', 'Timestamp', 'Datetime', 'Paid at', 'Bestelldatum', 'Datum', 'Date de commande', 'Fecha', 'Fecha del pedido', 'Data', 'Data ordine', 'Besteldatum', 'Data do pedido', '注文日'],
  quantity: ['Quantity', 'Qty', 'Units', 'Count', 'Lineitem quantity', 'Menge', 'Anzahl', 'Quantité', 'Cantidad', 'Quantità', 'Aantal', 'Quantidade', '数量'],
  unit_price: ['UnitPrice', 'Unit Price', 'Price', 'Item Price', 'Price Each', 'Lineitem price', 'Preis', 'Einzelpreis', 'Prix', 'Prix unitaire', 'Precio', 'Prezzo', 'Prijs', 'Preço', '単価'],
  line_total: ['Line Total', 'Line Amount', 'Subtotal', 'Amount', 'Line Price', 'Betrag', 'Montant', 'Importe', 'Importo', 'Bedrag', 'Valor'],
  order_total: ['Order Total', 'Total', 'Total Amount', 'Grand Total', 'Order Value', 'Revenue', 'Gesamtbetrag', 'Summe', 'Total TTC', 'Totale', 'Totaal', '合計'],
  currency: ['Currency', 'Currency Code', 'Curr', 'Währung', 'Devise', 'Moneda', 'Valuta', 'Munt', 'Moeda', '通貨'],
  sku: ['SKU', 'StockCode', 'Product ID', 'Item Code', 'Product Code', 'Item ID', 'Article Number', 'Lineitem sku', 'Artikelnummer', 'Référence', 'Referencia', 'Codice articolo', 'Artikelnummer', 'Código do produto'],
  product_name: ['Product Name', 'Description', 'Product', 'Item Name', 'Item', 'Title', 'Item Description', 'Lineitem name', 'Produkt', 'Artikel', 'Bezeichnung', 'Produit', 'Désignation', 'Producto', 'Prodotto', 'Produto', '商品名'],
  customer_country: ['Country', 'Customer Country', 'Country Code', 'Billing Country', 'Shipping Country', 'Land', 'Pays', 'País', 'Paese', '国'],
};
