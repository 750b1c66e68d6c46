import { describe, expect, it } from 'vitest';
import type { PropertyDefinition } from '../contacts/values.ts';
import { suggestMapping } from './mapping.ts';

const suggest = (columns: string[], rows: string[][], defs: PropertyDefinition[] = []) => suggestMapping('contacts', columns, rows, true, defs);
const targets = (columns: string[], rows: string[][]) => {
  const s = suggest(columns, rows);
  const props = new Map(s.properties.map((p) => [p.column, `new ${p.key} (${p.type})`]));
  return Object.fromEntries(columns.map((c, i) => [c, props.get(i) ?? s.mapping[i]]));
};

describe('suggesting a mapping from column names in the languages of the exports people bring', () => {
  it('reads the identity, name, phone, company, country, birthday and notes columns of localized Outlook exports', () => {
    const cases: { lang: string; columns: string[]; row: string[]; expected: Record<string, string> }[] = [
      {
        lang: 'Spanish',
        columns: ['Nombre', 'Apellidos', 'Dirección de correo electrónico', 'Teléfono móvil', 'Compañía', 'País o región del domicilio', 'Cumpleaños', 'Notas'],
        row: ['Lucía', 'García López', 'lucia@ejemplo.es', '+34 612 34 56 78', 'Panadería Sol', 'España', '12/03/1988', 'Prefiere WhatsApp'],
        expected: {
          Nombre: 'first_name',
          Apellidos: 'last_name',
          'Dirección de correo electrónico': 'email',
          'Teléfono móvil': 'phone',
          Compañía: 'new company (string)',
          'País o región del domicilio': 'new country (country)',
          Cumpleaños: 'new birthday (date)',
          Notas: 'new notes (string)',
        },
      },
      {
        lang: 'Italian',
        columns: ['Nome', 'Cognome', 'Indirizzo posta elettronica', 'Cellulare', 'Società', 'Paese (ab.)', 'Compleanno'],
        row: ['Giulia', 'Rossi', 'giulia.rossi@esempio.it', '+39 347 123 4567', 'Trattoria Rossi', 'Italia', '5/9/1975'],
        expected: {
          Nome: 'first_name',
          Cognome: 'last_name',
          'Indirizzo posta elettronica': 'email',
          Cellulare: 'phone',
          Società: 'new company (string)',
          'Paese (ab.)': 'new country (country)',
          Compleanno: 'new birthday (date)',
        },
      },
      {
        lang: 'Dutch',
        columns: ['Voornaam', 'Achternaam', 'E-mailadres', 'Mobiele telefoon', 'Bedrijf', 'Land/regio (thuis)', 'Verjaardag', 'Notities'],
        row: ['Sanne', 'de Vries', 'sanne@voorbeeld.nl', '06 12345678', 'Bakkerij de Vries', 'Nederland', '1-4-1992', 'Klant sinds 2020'],
        expected: {
          Voornaam: 'first_name',
          Achternaam: 'last_name',
          'E-mailadres': 'email',
          'Mobiele telefoon': 'phone',
          Bedrijf: 'new company (string)',
          'Land/regio (thuis)': 'new country (country)',
          Verjaardag: 'new birthday (date)',
          Notities: 'new notes (string)',
        },
      },
      {
        lang: 'Portuguese',
        columns: ['Nome', 'Sobrenome', 'Endereço de email', 'Telefone celular', 'Empresa', 'País/Região residencial', 'Aniversário'],
        row: ['João', 'Silva', 'joao.silva@exemplo.com.br', '+55 11 91234-5678', 'Padaria Silva', 'Brasil', '22/10/1980'],
        expected: {
          Nome: 'first_name',
          Sobrenome: 'last_name',
          'Endereço de email': 'email',
          'Telefone celular': 'phone',
          Empresa: 'new company (string)',
          'País/Região residencial': 'new country (country)',
          Aniversário: 'new birthday (date)',
        },
      },
      {
        lang: 'Japanese',
        columns: ['姓', '名', '電子メール アドレス', '携帯電話', '会社名', '国/地域 (自宅)', '誕生日', 'メモ'],
        row: ['山田', '花子', 'hanako@example.jp', '090-1234-5678', '山田商店', '日本', '1985/4/1', '常連'],
        expected: {
          姓: 'last_name',
          名: 'first_name',
          '電子メール アドレス': 'email',
          携帯電話: 'phone',
          会社名: 'new company (string)',
          '国/地域 (自宅)': 'new country (country)',
          誕生日: 'new birthday (date)',
          メモ: 'new notes (string)',
        },
      },
      {
        lang: 'German (Excel list)',
        columns: ['Vorname', 'Nachname', 'E-Mail', 'Handy', 'Firma', 'Land', 'Geburtsdatum', 'PLZ'],
        row: ['Jonas', 'Weber', 'jonas@beispiel.de', '0170 1234567', 'Weber KG', 'Deutschland', '07.08.1991', '01067'],
        expected: {
          Vorname: 'first_name',
          Nachname: 'last_name',
          'E-Mail': 'email',
          Handy: 'phone',
          Firma: 'new company (string)',
          Land: 'new country (country)',
          Geburtsdatum: 'new birthday (date)',
          // A postcode with its leading zero is text, not a number.
          PLZ: 'new plz (string)',
        },
      },
    ];
    for (const c of cases) expect(targets(c.columns, [c.row]), c.lang).toEqual(c.expected);
  });

  it('finds the email by its values whatever the header says, and never takes a column of other values for it', () => {
    expect(targets(['Name', 'Kontakt', 'Kundin seit'], [['Lena Vogel', 'lena@beispiel.de', '03.05.2021'], ['Tom Becker', 'tom@beispiel.de', '17.11.2022']])).toEqual({
      Name: 'name',
      Kontakt: 'email',
      'Kundin seit': 'new kundin_seit (date)',
    });
    // "Contact" is a name header, but this one holds addresses: the addresses win.
    expect(suggest(['Contact', 'City'], [['ann@example.com', 'Leeds']]).mapping).toEqual(['email', 'ignore']);
    // A column named like the email whose values are not addresses is left alone.
    expect(suggest(['Email', 'Email address'], [['SMTP', 'ann@example.com'], ['SMTP', 'bob@example.com']]).mapping).toEqual(['ignore', 'email']);
  });

  it('finds phone numbers and dates by their values, but not a customer number or a work line', () => {
    const s = targets(['Who', 'Reach on', 'Customer no', 'Office line', 'Since'], [
      ['Ann', '+44 7700 900123', '100234', '+44 20 7946 0958', '2021-03-05'],
      ['Bob', '07700 900456', '100235', '020 7946 0000', '2022-11-30'],
    ]);
    expect(s).toMatchObject({ 'Reach on': 'phone', 'Customer no': 'new customer_no (number)', 'Office line': 'new office_line (string)', Since: 'new since (date)' });
  });

  it('combines Thunderbird’s Birth Year, Birth Month and Birth Day, also in German', () => {
    expect(suggest(['First Name', 'Primary Email', 'Birth Year', 'Birth Month', 'Birth Day'], [['Ruth', 'ruth@example.org', '1984', '7', '21']]).mapping).toEqual([
      'first_name',
      'email',
      'birthday.year',
      'birthday.month',
      'birthday.day',
    ]);
    expect(suggest(['Vorname', 'Primäre E-Mail-Adresse', 'Geburtsjahr', 'Geburtsmonat', 'Geburtstag'], [['Ruth', 'ruth@example.org', '', '7', '21']]).mapping).toEqual([
      'first_name',
      'email',
      'birthday.year',
      'birthday.month',
      'birthday.day',
    ]);
  });

  it('maps a column to an existing property, of whatever language, instead of proposing a new one', () => {
    const defs: PropertyDefinition[] = [{ key: 'country', label: 'Country', description: '', type: 'country', options: [] }];
    expect(suggest(['Email', 'Pays'], [['ann@example.com', 'France']], defs)).toEqual({ mapping: ['email', 'properties.country'], properties: [] });
  });

  it('suggests order columns by name and by content', () => {
    expect(suggestMapping('orders', ['Bestellnummer', 'Kunde E-Mail', 'Bestelldatum', 'Summe', 'Währung'], [['1001', 'anna@beispiel.de', '03.05.2021', '19,90', 'EUR']], true, []).mapping).toEqual([
      'order_id',
      'customer_email',
      'ordered_at',
      'order_total',
      'currency',
    ]);
  });
});
